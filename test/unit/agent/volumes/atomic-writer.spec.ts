// The atomic writer: upstream's layout (..<timestamp>, ..data, user names as links into ..data) and the
// promise that a reader never sees a mixed set, checked by a reader thread while versions are written.
import { expect } from 'chai';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AtomicWriter, type FileProjection } from '../../../../agent/volumes/atomic-writer';

const files = (entries: Record<string, string>, mode = 0o644): Map<string, FileProjection> =>
  new Map(Object.entries(entries).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

describe('volumes/AtomicWriter', () => {
  let dir: string;
  let writer: AtomicWriter;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'mk-atomic-')), 'vol');
    writer = new AtomicWriter(dir, () => new Date('2026-12-06T07:31:34Z'));
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('writes a timestamped directory, ..data pointing at it, and user names linked into ..data', () => {
    expect(writer.write(files({ 'app.conf': 'a=1', 'nested/x': 'y' }, 0o400))).to.equal(true);
    const data = readlinkSync(join(dir, '..data'));
    expect(data).to.match(/^\.\.2026_12_06_07_31_34\.\w+$/);
    expect(readlinkSync(join(dir, 'app.conf'))).to.equal('..data/app.conf');
    expect(readlinkSync(join(dir, 'nested'))).to.equal('..data/nested');
    expect(readFileSync(join(dir, 'app.conf'), 'utf8')).to.equal('a=1');
    expect(readFileSync(join(dir, 'nested/x'), 'utf8')).to.equal('y');
    expect(statSync(join(dir, 'app.conf')).mode & 0o777).to.equal(0o400);
  });

  it('an unchanged payload writes nothing; a change swaps ..data, drops removed names, keeps one set before', () => {
    writer.write(files({ a: '1', b: '2' }));
    const first = readlinkSync(join(dir, '..data'));
    expect(writer.write(files({ a: '1', b: '2' }))).to.equal(false);
    expect(readlinkSync(join(dir, '..data'))).to.equal(first);
    expect(writer.write(files({ a: '3' }))).to.equal(true);
    expect(readFileSync(join(dir, 'a'), 'utf8')).to.equal('3');
    expect(() => lstatSync(join(dir, 'b'))).to.throw();
    const second = readlinkSync(join(dir, '..data'));
    expect(readdirSync(dir).sort()).to.deep.equal(['..data', first, second, 'a'].sort());
    expect(writer.write(files({ a: '3' }, 0o600))).to.equal(true); // a mode change is a change
    expect(readdirSync(dir)).to.not.include(first);
  });

  it('refuses paths that leave the directory or use its reserved names', () => {
    for (const p of ['/etc/x', '../x', 'a/../../x', '..data'])
      expect(() => writer.write(files({ [p]: 'x' }))).to.throw('invalid file path');
  });

  it('a reader never sees a mixed set while versions are written', async function () {
    this.timeout(30_000);
    writer.write(files({ a: '0', b: '0' }));
    // The reader runs on its own thread, reading both files as fast as it can.
    const reader = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const fs = require('node:fs');
       let reads = 0, mixed = 0, missing = 0, stop = false;
       parentPort.on('message', () => { stop = true; });
       (function loop() {
         for (let i = 0; i < 200; i++) {
           // A set is what one look at ..data shows; the user-visible name must always be there.
           try { fs.readFileSync(workerData + '/a', 'utf8'); } catch { missing++; }
           const set = workerData + '/' + fs.readlinkSync(workerData + '/..data');
           try {
             const a = fs.readFileSync(set + '/a', 'utf8');
             const b = fs.readFileSync(set + '/b', 'utf8');
             reads++;
             if (a !== b) mixed++;
           } catch { /* that set was replaced and removed meanwhile: look again */ }
         }
         if (stop) parentPort.postMessage({ reads, mixed, missing }); else setImmediate(loop);
       })();`,
      { eval: true, workerData: dir },
    );
    await new Promise((r) => setTimeout(r, 50));
    for (let v = 1; v <= 300; v++) writer.write(files({ a: String(v), b: String(v) }));
    const done = new Promise<{ reads: number; mixed: number; missing: number }>((r) =>
      reader.once('message', r),
    );
    reader.postMessage('stop');
    const { reads, mixed, missing } = await done;
    await reader.terminate();
    expect(reads).to.be.greaterThan(0);
    expect(mixed, 'mixed sets').to.equal(0);
    expect(missing, 'a user-visible name missing').to.equal(0);
  });
});
