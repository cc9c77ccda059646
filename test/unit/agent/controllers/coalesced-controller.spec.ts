import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { CoalescedController, type Defer } from '../../../../agent/controllers/coalesced-controller';
import { capturingLogger } from '../../../../agent/log';
import type { ConfigMap } from '../../../../agent/model/config-objects';
import { ObjectStore, ResourceVersions, noPersistence } from '../../../../agent/store/object-store';

describe('agent/controllers/coalesced-controller', () => {
  let store: ObjectStore<ConfigMap>;
  let other: ObjectStore<ConfigMap>;
  let deferred: (() => void)[];
  let passes: number;
  let throwOnPass: boolean;
  const logger = capturingLogger();
  /** Holds deferred passes until the test runs them (the event loop's turn, made explicit). */
  const defer: Defer = (fn) => deferred.push(fn);
  const runDeferred = (): void => {
    for (const fn of deferred.splice(0)) fn();
  };
  const controller = (): CoalescedController =>
    new CoalescedController({
      sources: [store, other],
      pass: () => {
        passes++;
        if (throwOnPass) throw new Error('the store said no');
      },
      failure: 'things not reconciled',
      logger,
      defer,
    });
  const write = (s: ObjectStore<ConfigMap>, name: string): void => {
    s.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default', name } } as ConfigMap);
  };

  beforeEach(() => {
    const deps = { clock: new ManualClock(), versions: new ResourceVersions(), persistence: noPersistence };
    store = new ObjectStore<ConfigMap>('ConfigMap', deps);
    other = new ObjectStore<ConfigMap>('ConfigMap', deps);
    deferred = [];
    passes = 0;
    throwOnPass = false;
    logger.records.length = 0;
  });

  it('runs one pass at start, at once', () => {
    const c = controller();
    c.start();
    expect(passes).to.equal(1);
    expect(deferred).to.have.length(0);
    c.stop();
  });

  it('answers a burst of changes, on any source, with one deferred pass', () => {
    const c = controller();
    c.start();
    write(store, 'a');
    write(store, 'b');
    write(other, 'c');
    expect(passes).to.equal(1); // nothing yet: the pass waits for the burst to end
    expect(deferred).to.have.length(1);
    runDeferred();
    expect(passes).to.equal(2);
    write(store, 'd'); // a later burst: a pass of its own
    runDeferred();
    expect(passes).to.equal(3);
    c.stop();
  });

  it('runs no pass requested before stop, and hears no change after it', () => {
    const c = controller();
    c.start();
    write(store, 'a');
    c.stop();
    runDeferred();
    expect(passes).to.equal(1);
    write(store, 'b');
    expect(deferred).to.have.length(0);
    expect(c.started).to.equal(false);
  });

  it('logs a pass that throws, and runs the next one on the next change', () => {
    const c = controller();
    c.start();
    throwOnPass = true;
    write(store, 'a');
    runDeferred();
    expect(logger.records).to.deep.equal([
      { level: 'error', message: 'things not reconciled', fields: { error: 'the store said no' } },
    ]);
    throwOnPass = false;
    write(store, 'b');
    runDeferred();
    expect(passes).to.equal(3);
    c.stop();
  });

  it('lets the pass at start throw to the caller, subscribed all the same', () => {
    throwOnPass = true;
    const c = controller();
    expect(() => c.start()).to.throw('the store said no');
    throwOnPass = false;
    write(store, 'a');
    runDeferred();
    expect(passes).to.equal(2);
    c.stop();
  });

  it('subscribes once however often it is started, and can start again after stop', () => {
    const c = controller();
    c.start();
    c.start();
    expect(passes).to.equal(1);
    write(store, 'a');
    expect(deferred).to.have.length(1);
    runDeferred();
    c.stop();
    c.start();
    write(store, 'b');
    runDeferred();
    expect(passes).to.equal(4); // start, burst, start again, burst
    c.stop();
  });

  it('defers with setImmediate when given no defer', async () => {
    let n = 0;
    const c = new CoalescedController({ sources: [store], pass: () => n++, failure: 'x', logger });
    c.start();
    write(store, 'a');
    write(store, 'b');
    expect(n).to.equal(1);
    await new Promise((r) => setImmediate(r));
    expect(n).to.equal(2);
    c.stop();
  });
});
