import { expect } from 'chai';
import { FreshSingleFlight } from '../../../../agent/runtime/fresh-single-flight';

/** A call whose answers the test hands out one by one; `started` counts the calls made. */
function controlled(): {
  flight: FreshSingleFlight<number>;
  started: () => number;
  answer: (value: number) => void;
  fail: (err: Error) => void;
} {
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  let started = 0;
  const flight = new FreshSingleFlight<number>(() => {
    started++;
    return new Promise<number>((resolve, reject) => pending.push({ resolve, reject }));
  });
  const next = (): { resolve: (v: number) => void; reject: (e: Error) => void } => {
    const p = pending.shift();
    if (!p) throw new Error('no call in flight');
    return p;
  };
  return {
    flight,
    started: () => started,
    answer: (v) => next().resolve(v),
    fail: (e) => next().reject(e),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('agent/runtime/fresh-single-flight', () => {
  it('makes one call for callers that ask together', async () => {
    const c = controlled();
    const both = Promise.all([c.flight.run(), c.flight.run()]);
    await tick();
    expect(c.started()).to.equal(1);
    c.answer(7);
    expect(await both).to.deep.equal([7, 7]);
    expect(c.started()).to.equal(1);
  });

  it('never answers a caller with a call that began before it asked', async () => {
    const c = controlled();
    const early = c.flight.run();
    await tick();
    const late = c.flight.run(); // asks while the first call is in flight
    await tick();
    expect(c.started(), 'the late caller does not start a second call beside the first').to.equal(1);
    c.answer(1);
    expect(await early).to.equal(1);
    await tick();
    expect(c.started(), 'the late caller gets a call of its own, begun after the first ended').to.equal(2);
    c.answer(2);
    expect(await late).to.equal(2);
  });

  it('serves every caller that asked during a call with one next call', async () => {
    const c = controlled();
    const first = c.flight.run();
    await tick();
    const later = Promise.all([c.flight.run(), c.flight.run(), c.flight.run()]);
    c.answer(1);
    await first;
    await tick();
    c.answer(2);
    expect(await later).to.deep.equal([2, 2, 2]);
    expect(c.started()).to.equal(2);
  });

  it("gives a call's error to its callers only, and calls afresh for the next", async () => {
    const c = controlled();
    const failing = Promise.all([c.flight.run(), c.flight.run()]);
    await tick();
    c.fail(new Error('engine down'));
    let caught: unknown;
    await failing.catch((e: unknown) => (caught = e));
    expect((caught as Error).message).to.equal('engine down');
    const again = c.flight.run();
    await tick();
    c.answer(3);
    expect(await again).to.equal(3);
    expect(c.started()).to.equal(2);
  });

  it('survives a call that throws before it returns a promise', async () => {
    let n = 0;
    const flight = new FreshSingleFlight<number>(() => {
      if (n++ === 0) throw new Error('sync throw');
      return Promise.resolve(n);
    });
    let caught: unknown;
    await flight.run().catch((e: unknown) => (caught = e));
    expect((caught as Error).message).to.equal('sync throw');
    expect(await flight.run()).to.equal(2);
  });
});
