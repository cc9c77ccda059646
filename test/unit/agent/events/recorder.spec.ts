import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { EventRecorder } from '../../../../agent/events/recorder';
import { nopLogger } from '../../../../agent/log';
import { ResourceVersions } from '../../../../agent/store/object-store';
import { WatchHub } from '../../../../agent/store/watch-hub';

const pod = (uid: string) => ({ kind: 'Pod', name: `p-${uid}`, namespace: 'default', uid });
const flushed = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('agent/events/recorder', () => {
  let clock: ManualClock;
  let versions: ResourceVersions;
  beforeEach(() => {
    clock = new ManualClock();
    versions = new ResourceVersions();
  });
  const recorder = (max?: number): EventRecorder =>
    new EventRecorder({
      clock,
      logger: nopLogger,
      host: 'node',
      nextVersion: () => versions.next(),
      ...(max ? { max } : {}),
    });

  it("forgetting a pod's events tells the listeners each one is DELETED, at a new version", () => {
    const events = recorder();
    const seen: string[] = [];
    events.onRecord((type, ev) => seen.push(`${type} ${ev.reason} ${ev.metadata.resourceVersion}`));
    events.record(pod('a'), 'Normal', 'Scheduled', 'one');
    events.record(pod('b'), 'Normal', 'Scheduled', 'two');
    events.forget('a');
    expect(seen).to.deep.equal(['ADDED Scheduled 1', 'ADDED Scheduled 2', 'DELETED Scheduled 3']);
    expect(events.list().map((e) => e.message)).to.deep.equal(['two']);
  });

  it('an event dropped for the bound (max) is DELETED for the listeners too', () => {
    const events = recorder(2);
    const seen: string[] = [];
    events.onRecord((type, ev) => seen.push(`${type} ${ev.message}`));
    for (const m of ['one', 'two', 'three']) events.record(pod('a'), 'Normal', 'R', m);
    expect(seen).to.deep.equal(['ADDED one', 'ADDED two', 'ADDED three', 'DELETED one']);
  });

  it('wired to the watch hub as the daemon does, a watch of events sees them go (the hub holds none of them)', async () => {
    const events = recorder();
    const hub = new WatchHub({ versions, clock, logger: nopLogger });
    events.onRecord((type, ev) => hub.publish(type, ev));
    const w = hub.watch({ kind: 'Event', resourceVersion: '0', match: () => true, current: () => [] });
    events.record(pod('a'), 'Normal', 'Scheduled', 'one');
    events.forget('a');
    await flushed();
    expect(w.take().map((e) => e.type)).to.deep.equal(['ADDED', 'DELETED']);
  });
});
