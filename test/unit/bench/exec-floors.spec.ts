// bench/exec-floors.ts (issue 18 item 5): the exec floors' waits settle, with a message, when the stream or
// the WebSocket ends badly or never ends, instead of hanging the bench.
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { WebSocketServer, type WebSocket } from 'ws';
import { within } from '../../helpers/within';
import { agentWsExecMs, streamDone } from '../../../bench/exec-floors';

async function wsServer(onConnection: (ws: WebSocket) => void): Promise<{ url: string; close: () => void }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', onConnection);
  const { port } = wss.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}

const statusFrame = (status: string): Buffer =>
  Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify({ status }))]);

describe('bench/exec-floors: waits that settle', () => {
  it('streamDone: resolves on the end or a close, rejects on an error, at once when already ended', async () => {
    const ended = new PassThrough();
    ended.resume();
    ended.end();
    await new Promise((r) => setImmediate(r));
    const ends = new PassThrough();
    const closes = new PassThrough();
    const fails = new PassThrough();
    const results = [
      streamDone(ended, 'x', 5_000),
      streamDone(ends, 'x', 5_000),
      streamDone(closes, 'x', 5_000),
      streamDone(fails, 'x', 5_000),
    ];
    ends.end();
    closes.destroy();
    fails.destroy(new Error('boom'));
    expect(await Promise.all(results.map((p) => within(p, 1_000)))).to.deep.equal([
      'resolved: undefined',
      'resolved: undefined',
      'resolved: undefined',
      'rejected: x: boom',
    ]);
  });

  it('streamDone: a stream that never ends fails after the timeout, naming what it waited for', async () => {
    expect(await within(streamDone(new PassThrough(), 'engine exec stream', 50), 1_000)).to.equal(
      'rejected: engine exec stream: no end within 50 ms',
    );
  });

  it('agentWsExecMs: a Success status then a close resolves', async () => {
    const s = await wsServer((ws) => ws.send(statusFrame('Success'), () => ws.close()));
    try {
      expect(await within(agentWsExecMs(s.url, 'p', 'c', 1_000), 2_000)).to.match(/^resolved: \d/);
    } finally {
      s.close();
    }
  });

  it('agentWsExecMs: a Failure status, a close without a status, or no close at all, each fail', async () => {
    const failure = await wsServer((ws) => ws.send(statusFrame('Failure'), () => ws.close()));
    const silent = await wsServer((ws) => ws.close());
    const stuck = await wsServer(() => undefined);
    try {
      expect(await within(agentWsExecMs(failure.url, 'p', 'c', 1_000), 2_000)).to.match(
        /^rejected: agent exec: status .*Failure/,
      );
      expect(await within(agentWsExecMs(silent.url, 'p', 'c', 1_000), 2_000)).to.match(
        /^rejected: agent exec: closed \(1005\) without a status/,
      );
      expect(await within(agentWsExecMs(stuck.url, 'p', 'c', 100), 2_000)).to.equal(
        'rejected: agent exec: no close within 100 ms',
      );
    } finally {
      for (const s of [failure, silent, stuck]) s.close();
    }
  });
});
