import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DOCKERODE_UNUSED, deferModule } from '../../../../agent/runtime/deferred-module';

type Fn = (...args: unknown[]) => unknown;
const load = createRequire(__filename);

describe('deferred modules (dockerode loads what the agent never calls)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mkb-deferred-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the module only at the first call, then forwards arguments, `this` and the result', () => {
    const file = join(dir, 'late.js');
    writeFileSync(
      file,
      'globalThis.__lateLoads = (globalThis.__lateLoads || 0) + 1;\n' +
        'module.exports = function (a, b) { return [this && this.tag, a + b]; };\n',
    );
    const g = globalThis as { __lateLoads?: number };
    delete g.__lateLoads;
    expect(deferModule(file, dir)).to.equal(true);
    const late = load(file) as Fn;
    expect(g.__lateLoads).to.equal(undefined);
    expect(late.call({ tag: 't' }, 2, 3)).to.deep.equal(['t', 5]);
    expect(late(1, 1)).to.deep.equal([undefined, 2]);
    expect(g.__lateLoads).to.equal(1);
    delete require.cache[file];
  });

  it('changes nothing for a module already loaded or not found', () => {
    const file = join(dir, 'early.js');
    writeFileSync(file, 'module.exports = function () { return 1; };\n');
    const early = load(file) as Fn;
    expect(deferModule(file, dir)).to.equal(false);
    expect(load(file)).to.equal(early);
    expect(deferModule('./missing.js', dir)).to.equal(false);
    delete require.cache[file];
  });

  it('the modules deferred still export a single function (a dockerode upgrade that changes this fails here)', () => {
    const from = join(require.resolve('dockerode/package.json'), '..');
    const shapes = DOCKERODE_UNUSED.map((r) => {
      const out = execFileSync(process.execPath, [
        '-e',
        `process.stdout.write(typeof require(require.resolve(${JSON.stringify(r)}, { paths: [${JSON.stringify(from)}] })))`,
      ]);
      return out.toString();
    });
    expect(shapes).to.deep.equal(['function', 'function']);
  });

  it('the Docker adapter loads dockerode without gRPC, protobufjs or ssh2, and dockerode still works', () => {
    const adapter = require.resolve('../../../../agent/runtime/docker-runtime');
    const out = execFileSync(process.execPath, [
      '-e',
      `require(${JSON.stringify(adapter)});
       const loaded = Object.keys(require.cache).filter((k) => /node_modules\\/(@grpc|protobufjs|ssh2)\\//.test(k));
       const Docker = require('dockerode');
       const ok = typeof new Docker({ socketPath: '/nonexistent' }).listContainers === 'function';
       process.stdout.write(JSON.stringify({ loaded, ok }));`,
    ]);
    expect(JSON.parse(out.toString())).to.deep.equal({ loaded: [], ok: true });
  });
});
