// The streams part's waits (issue 18 item 5): a process that never says where it listens, one that cannot
// start, and a connection that stalls each fail with a message instead of hanging the bench.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { within } from '../../helpers/within';
import { timeScrapes } from '../../../bench/metrics-cost';
import { startListening, transfer } from '../../../bench/stream-probes';

describe('bench/stream-probes: waits with a deadline', () => {
  it('startListening: a process that never prints the pattern is stopped and the wait fails', async () => {
    const script = 'echo starting; exec sleep 31.7';
    const started = startListening('sh', ['-c', script], /port (\d+)/, undefined, 1_000);
    const settled = await within(started, 3_000);
    expect(settled).to.equal('rejected: sh did not print /port (\\d+)/ within 1000 ms: starting\n');
    const running = (): boolean =>
      readdirSync('/proc').some((d) => {
        try {
          return /^\d+$/.test(d) && readFileSync(`/proc/${d}/cmdline`, 'utf8') === 'sleep\u000031.7\u0000';
        } catch {
          return false;
        }
      });
    for (let i = 0; i < 40 && running(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(running(), 'the process stopped').to.equal(false);
  });

  it('startListening: a command that cannot start fails, not crashes', async () => {
    const started = startListening('/nonexistent/kubectl', [], /port (\d+)/, undefined, 5_000);
    expect(await within(started, 2_000)).to.match(/could not start \(spawn \/nonexistent\/kubectl ENOENT\)/);
  });

  it('startListening resolves with the port it printed', async () => {
    const script = 'console.log("port 4242"); setTimeout(() => {}, 5000)';
    const { proc, port } = await startListening(process.execPath, ['-e', script], /port (\d+)/);
    expect(port).to.equal(4242);
    proc.kill();
  });

  it('transfer: a connection that stalls fails after its idle time', async () => {
    const server = createServer((c) => c.write(Buffer.alloc(10))); // 10 bytes, then nothing, never closed
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const got = transfer((server.address() as AddressInfo).port, 1 << 30, 200);
      expect(await within(got, 2_000)).to.equal('rejected: no data for 200 ms after 10 bytes');
    } finally {
      server.close();
    }
  });
});

describe('bench/metrics-cost: a scrape has a deadline', () => {
  it('an agent that never answers /metrics fails the scrape with the path', async () => {
    const server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await within(timeScrapes({ url }, '/metrics', 300), 3_000)).to.match(
        /^rejected: \/metrics: no answer \(.*(timeout|aborted)/i,
      );
    } finally {
      server.close();
    }
  });
});
