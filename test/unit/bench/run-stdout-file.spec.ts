// A measuring tool's output goes to a file: through a pipe, the tool waited whenever this process did not read
// (dnsperf -v under the DNS part's latency runs), and its figures included that wait.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { latencyFigures } from '../../../bench/dns';
import { run } from '../../../bench/system';

describe('bench: run() with stdoutFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mkb-run-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets the child write all its output while this process does not read', async () => {
    const out = join(dir, 'out');
    const marker = join(dir, 'written');
    // 1 MiB on stdout with blocking writes (past what a pipe or socket pair buffers), then a marker file.
    const script = 'head -c 1048576 /dev/zero && touch "$0"';
    const running = run('sh', ['-c', script, marker], { stdoutFile: out, timeoutMs: 20_000 });
    // This event loop stays blocked until the marker appears (at most 10 s): a pipe would never be read.
    const until = Date.now() + 10_000;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    while (!existsSync(marker) && Date.now() < until) Atomics.wait(nap, 0, 0, 20);
    expect(existsSync(marker), 'the child wrote everything while nobody read').to.equal(true);
    const r = await running;
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal('');
    expect(readFileSync(out).length).to.equal(1 << 20);
  });

  it('gives a result, not a throw, when the file cannot be opened', async () => {
    const r = await run('true', [], { stdoutFile: join(dir, 'missing', 'out') });
    expect(r.code).to.equal(-1);
    expect(r.stderr).to.match(/ENOENT/);
  });
});

describe('bench: latencyFigures (dnsperf -v)', () => {
  it('takes the answered queries in ms and leaves the summary lines out', () => {
    const lines = Array.from(
      { length: 100 },
      (_, i) => `> NOERROR web.default.svc.cluster.local A 0.${String(i + 1).padStart(6, '0')}`,
    );
    const text = [
      ...lines,
      '  Queries sent:         100',
      '  Queries lost:         0',
      '> NOERROR bad A nan',
    ].join('\n');
    const f = latencyFigures(text);
    expect(f.p50).to.be.closeTo(0.05, 0.0011);
    expect(f.p99).to.be.closeTo(0.099, 0.0011);
    expect(f.p999).to.be.closeTo(0.1, 0.0011);
  });
});
