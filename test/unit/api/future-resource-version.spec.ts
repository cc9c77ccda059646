// A list or watch from a resourceVersion the server has not reached: upstream's watch cache waits up to 3 s for
// it, then answers `Too large resource version` (504 Timeout, cause ResourceVersionTooLarge); a watch tells it
// as one ERROR event in a 200 stream. Time is the injected clock.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const NS = '/api/v1/namespaces/default';

interface Reply {
  statusCode: number;
  body: string;
  json<T>(): T;
}

describe('api: a resourceVersion in the future (memory runtime)', () => {
  let clock: ManualClock;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  // ConfigMaps: nothing changes them (or the version) behind the test's back
  const create = (name: string) =>
    h.api.inject({
      method: 'POST',
      url: `${NS}/configmaps`,
      payload: { metadata: { name }, data: { k: 'v' } },
    });
  const current = async (): Promise<number> =>
    Number(
      (await h.api.inject({ url: `${NS}/configmaps` })).json<{ metadata: { resourceVersion: string } }>()
        .metadata.resourceVersion,
    );

  /** Sends the request, moves the clock by `ms` in small steps; the reply if it came by then. */
  async function within(
    url: string,
    ms: number,
    pending?: Promise<Reply>,
  ): Promise<{ reply?: Reply; later: Promise<Reply> }> {
    let reply: Reply | undefined;
    const later = pending ?? h.api.inject({ url });
    void later.then((r) => (reply = r));
    for (let t = 0; t < ms && !reply; t += 250) {
      await new Promise((r) => setTimeout(r, 5));
      clock.advance(250);
    }
    await new Promise((r) => setTimeout(r, 5));
    return { ...(reply ? { reply } : {}), later };
  }

  const tooLarge = (asked: number, now: number) => ({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Timeout: Too large resource version: ${asked}, current: ${now}`,
    reason: 'Timeout',
    details: {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    },
    code: 504,
  });

  it('a watch waits about 3 s, then sends one ERROR event: 504 Too large resource version', async () => {
    const now = await current();
    const url = `${NS}/configmaps?watch=true&resourceVersion=${now + 10}`;
    const early = await within(url, 2500);
    expect(early.reply, 'answered before 3 s').to.equal(undefined);
    const { reply } = await within(url, 1000, early.later);
    expect(reply?.statusCode).to.equal(200);
    const lines = reply!.body.trimEnd().split('\n');
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0]!)).to.deep.equal({ type: 'ERROR', object: tooLarge(now + 10, now) });
  });

  it('a watch whose version arrives while it waits is served from that version', async () => {
    const now = await current();
    const url = `${NS}/configmaps?watch=true&timeoutSeconds=5&resourceVersion=${now + 1}`;
    const waiting = await within(url, 500);
    expect(waiting.reply).to.equal(undefined);
    await create('a'); // version now + 1
    await create('b');
    const { reply } = await within(url, 6000, waiting.later);
    expect(reply?.statusCode).to.equal(200);
    const events = reply!.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } })
      .map((e) => `${e.type} ${e.object.metadata.name}`);
    expect(events).to.deep.equal(['ADDED b']);
  });

  it('a list waits the same and answers 504 itself; resourceVersionMatch=Exact too', async () => {
    const now = await current();
    for (const query of [
      `resourceVersion=${now + 3}`,
      `resourceVersion=${now + 3}&resourceVersionMatch=Exact`,
    ]) {
      const url = `${NS}/configmaps?${query}`;
      const early = await within(url, 2500);
      expect(early.reply, query).to.equal(undefined);
      const { reply } = await within(url, 1000, early.later);
      expect(reply?.statusCode, query).to.equal(504);
      expect(reply?.json(), query).to.deep.equal(tooLarge(now + 3, now));
    }
  });

  it('a list whose version arrives while it waits is answered at once; 0 and the current version never wait', async () => {
    const now = await current();
    const url = `${NS}/configmaps?resourceVersion=${now + 1}`;
    const waiting = await within(url, 500);
    expect(waiting.reply).to.equal(undefined);
    await create('a');
    const { reply } = await within(url, 250, waiting.later);
    expect(reply?.statusCode).to.equal(200);
    for (const rv of ['0', String(now + 1)]) {
      const r = await h.api.inject({ url: `${NS}/configmaps?resourceVersion=${rv}` });
      expect(r.statusCode, rv).to.equal(200);
    }
  });
});
