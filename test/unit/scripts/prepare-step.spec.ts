import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// scripts/prepare.sh's `step`: what `npm start` and `npm test` print for each set-up step.
const PREPARE = join(__dirname, '..', '..', '..', '..', 'scripts', 'prepare.sh');

function bash(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', `source '${PREPARE}'; ${script}`], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function hasScript(): boolean {
  return spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
}

describe('scripts/prepare.sh step', () => {
  it('in a log: a line when the step starts and one with its time when it ends, no carriage returns', () => {
    const r = bash('step "fake step" sleep 0.05');
    expect(r.status).to.equal(0);
    expect(r.stdout).to.not.include('\r');
    const lines = r.stdout.split('\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.equal(`==> ${'fake step'.padEnd(38)} ...`);
    expect(lines[1]).to.match(/^==> fake step {30}ok \(\d+\.\d\ds\)$/);
    expect(lines[2]).to.equal('');
  });

  it('a failing step ends with FAILED and its exit status, and stops the steps after it', () => {
    const r = bash('step "bad step" bash -c "exit 3" && step "never" true');
    expect(r.status).to.equal(3);
    expect(r.stdout).to.equal(`==> ${'bad step'.padEnd(38)} ...\n`);
    expect(r.stderr).to.equal(`==> ${'bad step'.padEnd(38)} FAILED (exit 3)\n`);
  });

  it('on a terminal: one line, started with its elapsed seconds and ended in place', function () {
    if (!hasScript()) this.skip(); // util-linux `script` gives the step a terminal
    const r = spawnSync('script', ['-qc', `bash -c 'source ${PREPARE}; step fast true'`, '/dev/null'], {
      encoding: 'utf8',
    });
    expect(r.status).to.equal(0);
    const pad = 'fast'.padEnd(38);
    expect(r.stdout).to.match(new RegExp(`^==> ${pad} 0s\\r==> ${pad} ok \\(\\d+\\.\\d\\ds\\)\\r\\n$`));
  });
});

describe('scripts/prepare.sh prune_stale_dist', () => {
  it('removes compiled files whose source is gone (mocha would still run a deleted spec), keeps the rest', () => {
    const root = mkdtempSync(join(tmpdir(), 'mk-prune-'));
    try {
      mkdirSync(join(root, 'test', 'unit'), { recursive: true });
      mkdirSync(join(root, 'dist', 'test', 'unit'), { recursive: true });
      writeFileSync(join(root, 'test', 'unit', 'kept.spec.ts'), '');
      for (const f of ['kept.spec.js', 'kept.spec.js.map', 'gone.spec.js', 'gone.spec.js.map'])
        writeFileSync(join(root, 'dist', 'test', 'unit', f), '');
      writeFileSync(join(root, 'dist', 'data.json'), '{}');
      const r = bash(`prune_stale_dist '${root}'`);
      expect(r.status, r.stderr).to.equal(0);
      expect(readdirSync(join(root, 'dist', 'test', 'unit')).sort()).to.deep.equal([
        'kept.spec.js',
        'kept.spec.js.map',
      ]);
      expect(existsSync(join(root, 'dist', 'data.json'))).to.equal(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('scripts/prepare.sh _mk_build', () => {
  // `npm test` builds once; the compose suite prepares again and would build the same sources a second time
  function buildWithFakeNpm(built: string | undefined): { status: number | null; calls: string } {
    const bin = mkdtempSync(join(tmpdir(), 'mk-npm-'));
    try {
      writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "$@" >> '${bin}/calls'\n`, { mode: 0o755 });
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
      delete env.MINIKUBELET_DIST_BUILT;
      if (built !== undefined) env.MINIKUBELET_DIST_BUILT = built;
      // prune_stale_dist is replaced: the build is what is looked at, the real dist/ is left alone
      const r = spawnSync('bash', ['-c', `source '${PREPARE}'; prune_stale_dist() { :; }; _mk_build`], {
        env,
      });
      return {
        status: r.status,
        calls: existsSync(join(bin, 'calls')) ? readFileSync(join(bin, 'calls'), 'utf8') : '',
      };
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }

  it('builds when nothing says this run already did', () => {
    expect(buildWithFakeNpm(undefined)).to.deep.equal({ status: 0, calls: 'run --silent build\n' });
  });

  it('skips the build that `npm test` already made (MINIKUBELET_DIST_BUILT=1)', () => {
    expect(buildWithFakeNpm('1')).to.deep.equal({ status: 0, calls: '' });
  });
});

describe('scripts/prepare.sh native_prebuild_keep', () => {
  const PKG = join(__dirname, '..', '..', '..', '..', 'node_modules', 'better-sqlite3');
  const BINARY = join(PKG, 'build', 'Release', 'better_sqlite3.node');
  const name = (): string =>
    `better-sqlite3-v${JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).version}` +
    `-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;

  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mk-prebuild-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A package folder like node_modules/better-sqlite3: its package.json, and the binary when given. */
  function pkgDir(dir: string, binary?: Buffer): string {
    mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), readFileSync(join(PKG, 'package.json')));
    if (binary) writeFileSync(join(dir, 'build', 'Release', 'better_sqlite3.node'), binary);
    return dir;
  }

  it('keeps a build as the tarball prebuild-install unpacks from a local prebuilds folder', () => {
    const built = pkgDir(join(root, 'built'), readFileSync(BINARY));
    const cache = join(root, 'cache');
    expect(bash(`native_prebuild_keep '${built}' '${cache}'`).status).to.equal(0);
    expect(readdirSync(cache)).to.deep.equal([name()]);

    // a clean clone's npm ci runs prebuild-install in the package folder with the setting prepare.sh passes
    const fresh = pkgDir(join(root, 'fresh'));
    const install = spawnSync(join(PKG, '..', '.bin', 'prebuild-install'), [], {
      cwd: fresh,
      encoding: 'utf8',
      env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: cache },
    });
    expect(install.status, install.stderr).to.equal(0);
    expect(readFileSync(join(fresh, 'build', 'Release', 'better_sqlite3.node')).equals(readFileSync(BINARY)))
      .to.be.true;
  });

  it('keeps the first build of a version and ABI, and nothing when the package was not built', () => {
    const cache = join(root, 'cache');
    const first = pkgDir(join(root, 'first'), Buffer.from('first build'));
    const second = pkgDir(join(root, 'second'), Buffer.from('second build'));
    expect(bash(`native_prebuild_keep '${pkgDir(join(root, 'none'))}' '${cache}'`).status).to.equal(0);
    expect(existsSync(cache)).to.be.false;
    expect(bash(`native_prebuild_keep '${first}' '${cache}'`).status).to.equal(0);
    const kept = readFileSync(join(cache, name()));
    expect(bash(`native_prebuild_keep '${second}' '${cache}'`).status).to.equal(0);
    expect(readFileSync(join(cache, name())).equals(kept)).to.be.true;
    expect(readdirSync(cache)).to.deep.equal([name()]);
  });
});
