import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { errorCode } from '../../../../agent/errors';
import { capturingLogger } from '../../../../agent/log';
import {
  ObjectStore,
  ResourceVersions,
  type StoredObject,
  noPersistence,
} from '../../../../agent/store/object-store';
import { type WatchEvent, WatchHub, type Watcher } from '../../../../agent/store/watch-hub';

interface Thing extends StoredObject {
  spec: { n: number };
}

const thing = (name: string, labels: Record<string, string> = {}, namespace = 'default'): Thing => ({
  kind: 'Thing',
  apiVersion: 'v1',
  metadata: { name, namespace, uid: '', creationTimestamp: '', resourceVersion: '', labels },
  spec: { n: 0 },
});

const summary = (events: WatchEvent[]): string[] =>
  events.map((e) => `${e.type} ${e.object.metadata.name ?? ''} ${e.object.metadata.resourceVersion}`);

/** Waits for the hub's batched hand-over (setImmediate). */
const flushed = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('agent/store/watch-hub', () => {
  let clock: ManualClock;
  let versions: ResourceVersions;
  let store: ObjectStore<Thing>;
  let hub: WatchHub;
  let logger: ReturnType<typeof capturingLogger>;

  const setUp = (o: { ringSize?: number; queueLimit?: number } = {}): void => {
    clock = new ManualClock();
    versions = new ResourceVersions();
    store = new ObjectStore<Thing>('Thing', { clock, versions, persistence: noPersistence });
    logger = capturingLogger();
    hub = new WatchHub({ versions, clock, logger, bookmarkMs: 1000, ...o });
    hub.track(store);
  };
  beforeEach(() => setUp());

  const watch = (resourceVersion?: string, match: (o: StoredObject) => boolean = () => true): Watcher =>
    hub.watch({
      kind: 'Thing',
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
      match,
      current: () => store.list(),
    });

  it('without a version, sends the current objects as ADDED, then every change', () => {
    store.create(thing('a'));
    const w = watch();
    const b = store.create(thing('b'));
    store.update({ ...b, spec: { n: 1 } }, { specChanged: true });
    store.remove('default', 'a');
    expect(summary(w.take())).to.deep.equal(['ADDED a 1', 'ADDED b 2', 'MODIFIED b 3', 'DELETED a 4']);
  });

  it('replays the changes after a given version from the ring, snapshots as they were', () => {
    const a = store.create(thing('a'));
    // the store mutates shared metadata in place; the ring must still show version 2 for the first update
    store.update({ ...a, spec: { n: 1 } }, { specChanged: true });
    const a2 = store.get('default', 'a')!;
    store.update({ ...a2, spec: { n: 2 } }, { specChanged: true });
    const w = watch('1');
    const events = w.take();
    expect(summary(events)).to.deep.equal(['MODIFIED a 2', 'MODIFIED a 3']);
    expect((events[0]?.object as Thing).spec.n).to.equal(1);
    expect(JSON.parse(events[1]!.json())).to.have.nested.property('spec.n', 2);
  });

  it('answers 410 Expired for a version older than the ring holds, and accepts the oldest it can serve', () => {
    setUp({ ringSize: 3 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) store.create(thing(n));
    // versions 1..5; the ring holds 3, 4, 5: a watch from 2 still gets everything after it
    expect(summary(watch('2').take())).to.deep.equal(['ADDED c 3', 'ADDED d 4', 'ADDED e 5']);
    expect(() => watch('1'))
      .to.throw('too old resource version: 1 (2)')
      .that.satisfies((e: unknown) => errorCode(e) === 'Gone');
  });

  it('answers 410 for a version from before the hub started (a restart), 400 for a malformed one', () => {
    store.create(thing('a'));
    store.create(thing('b'));
    hub = new WatchHub({ versions, clock, logger });
    expect(() => watch('1'))
      .to.throw()
      .that.satisfies((e: unknown) => errorCode(e) === 'Gone');
    expect(() => watch('x'))
      .to.throw()
      .that.satisfies((e: unknown) => errorCode(e) === 'BadRequest');
  });

  it('turns changes across a selector into ADDED and DELETED, and hides what never matches', () => {
    const a = store.create(thing('a', { app: 'x' }));
    const w = watch(undefined, (o) => o.metadata.labels?.['app'] === 'web');
    store.update({ ...a, metadata: { ...a.metadata, labels: { app: 'web' } } }, { specChanged: false });
    const a2 = store.get('default', 'a')!;
    store.update({ ...a2, spec: { n: 5 } }, { specChanged: true });
    const a3 = store.get('default', 'a')!;
    store.update({ ...a3, metadata: { ...a3.metadata, labels: {} } }, { specChanged: false });
    store.create(thing('other'));
    expect(summary(w.take())).to.deep.equal(['ADDED a 2', 'MODIFIED a 3', 'DELETED a 4']);
  });

  it('hands events over off the store call stack, batched, once per round', async () => {
    const w = watch();
    let calls = 0;
    w.onReady = () => calls++;
    store.create(thing('a'));
    store.create(thing('b'));
    expect(calls).to.equal(0);
    await flushed();
    expect(calls).to.equal(1);
    expect(w.pending).to.equal(2);
  });

  it('drops a watcher whose queue overflows, without holding up the store, and says so once', async () => {
    setUp({ queueLimit: 5 });
    const slow = watch();
    const fast = watch();
    let ended: string | undefined;
    slow.onReady = () => (ended = slow.ended);
    fast.onReady = () => fast.take();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) store.create(thing(`t${round}-${i}`));
      await flushed();
    }
    expect(ended).to.equal('overflow');
    expect(slow.pending).to.equal(0);
    expect(fast.ended).to.equal(undefined);
    expect(hub.watcherCount).to.equal(1);
    expect(logger.records.filter((r) => r.message.startsWith('dropped a watcher'))).to.have.length(1);
  });

  it('sends BOOKMARKs with the current version to watchers that asked, on its timer', () => {
    const w = hub.watch({ kind: 'Thing', match: () => true, current: () => [], bookmarks: true });
    const plain = watch();
    hub.start();
    store.create(thing('a'));
    clock.advance(1000);
    expect(summary(w.take())).to.deep.equal(['ADDED a 1', 'BOOKMARK  1']);
    expect(summary(plain.take())).to.deep.equal(['ADDED a 1']);
    hub.stop();
    expect(w.ended).to.equal('stopped');
  });

  it('closes the initial events with an initial-events-end BOOKMARK when sendInitialEvents is asked', () => {
    store.create(thing('a'));
    const w = hub.watch({
      kind: 'Thing',
      resourceVersion: '1',
      match: () => true,
      current: () => store.list(),
      bookmarks: true,
      sendInitialEvents: true,
    });
    const events = w.take();
    expect(summary(events)).to.deep.equal(['ADDED a 1', 'BOOKMARK  1']);
    expect(events[1]?.object.metadata.annotations).to.deep.equal({ 'k8s.io/initial-events-end': 'true' });
  });

  it("marks BOOKMARKs with the watched kind's apiVersion (client-go rejects another group's)", () => {
    const w = hub.watch({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      match: () => true,
      current: () => [],
      bookmarks: true,
      sendInitialEvents: true,
    });
    const [end] = w.take();
    expect(end?.object).to.include({ kind: 'Deployment', apiVersion: 'apps/v1' });
    expect(hub.bookmarkEvent('Deployment', 'apps/v1').object).to.include({ apiVersion: 'apps/v1' });
    expect(hub.bookmarkEvent('Pod').object).to.include({ apiVersion: 'v1' });
  });

  it('only sends a watcher the kind it watches, and forgets it once closed', () => {
    const w = watch();
    hub.publish('ADDED', {
      ...thing('x'),
      kind: 'Other',
      metadata: { ...thing('x').metadata, resourceVersion: '9' },
    });
    w.close();
    store.create(thing('a'));
    expect(w.take()).to.deep.equal([]);
    expect(hub.watcherCount).to.equal(0);
  });
});
