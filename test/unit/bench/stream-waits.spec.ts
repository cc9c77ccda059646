// The benches' waits on streams (issue 18 item 5): a wait settles, with a message, when the stream it waits
// on has ended, instead of running out its timeout (or never settling).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { within } from '../../helpers/within';
import type { AgentProcess } from '../../../bench/agent-process';
import { EngineEvents } from '../../../bench/engine-events';
import { Waiters } from '../../../bench/json-lines';
import { DeploymentWatch } from '../../../bench/workload-objects';

describe('bench: waits on streams settle when the stream ends', () => {
  it('Waiters.until started after the stream ended rejects at once', async () => {
    const w = new Waiters();
    w.ended = true;
    expect(
      await within(
        w.until('x', () => false, 10_000),
        500,
      ),
    ).to.equal('rejected: stream ended while waiting for x');
  });

  it('Waiters.follow: the end, a close or an error of the stream ends a pending wait', async () => {
    for (const [end, why] of [
      [(s: PassThrough) => s.end(), ''],
      [(s: PassThrough) => s.destroy(), ''],
      [(s: PassThrough) => s.destroy(new Error('boom')), ' (boom)'],
    ] as const) {
      const w = new Waiters();
      const s = new PassThrough();
      w.follow(s);
      s.resume();
      const waiting = w.until('y', () => false, 10_000);
      end(s);
      expect(await within(waiting, 500)).to.equal(`rejected: stream ended${why} while waiting for y`);
    }
  });

  it('DeploymentWatch: a watch the server ends fails its waits', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      setTimeout(() => res.end(), 50);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const watch = await DeploymentWatch.open({ url } as AgentProcess);
      const waiting = watch.until('web', 'web available', () => true, 10_000);
      expect(await within(waiting, 1_000)).to.equal('rejected: stream ended while waiting for web available');
      watch.close();
    } finally {
      server.close();
    }
  });

  it("EngineEvents.waitDie: the events stream's end fails it at once; two waits on one container both settle", async () => {
    const stream = new PassThrough();
    const events = new EngineEvents(stream);
    const line = (o: object): boolean => stream.write(`${JSON.stringify(o)}\n`);
    const first = events.waitDie('c1', 10_000);
    const second = events.waitDie('c1', 10_000);
    line({ id: 'c1', Action: 'die', timeNano: 1e9, Actor: { Attributes: { exitCode: '3' } } });
    expect(await within(first, 500)).to.equal('resolved: 3');
    expect(await within(second, 500)).to.equal('resolved: 3');
    const lost = events.waitDie('c2', 10_000);
    stream.end();
    expect(await within(lost, 500)).to.equal('rejected: stream ended while waiting for the die event of c2');
    expect(await within(events.waitDie('c3', 10_000), 500)).to.equal(
      'rejected: stream ended while waiting for the die event of c3',
    );
  });
});
