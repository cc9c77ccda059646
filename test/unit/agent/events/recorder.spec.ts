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
  const recorder = (max?: number, ttlMs?: number): EventRecorder =>
    new EventRecorder({
      // no timer: expiry is seen by reading the clock, so nothing keeps the process alive
      clock: { now: () => clock.now(), setTimer: () => expect.fail('the recorder set a timer') },
      logger: nopLogger,
      host: 'node',
      nextVersion: () => versions.next(),
      ...(max ? { max } : {}),
      ...(ttlMs !== undefined ? { ttlMs } : {}),
    });

  describe("outliving their object until the TTL (kube-apiserver's --event-ttl, 1h)", () => {
    const MIN = 60_000;
    const HOUR = 60 * MIN;
    // `recorded`: [minutes after the start, pod uid, message] (the same message again is a repeat); `listed`: message xcount
    const cases: {
      what: string;
      ttlMs?: number;
      recorded: [number, string, string][];
      at: number;
      listed: string[];
    }[] = [
      {
        what: 'an event is kept an hour by default',
        recorded: [[0, 'a', 'one']],
        at: HOUR - 1000,
        listed: ['one x1'],
      },
      { what: 'and gone once the hour is up', recorded: [[0, 'a', 'one']], at: HOUR, listed: [] },
      {
        what: 'a repeat keeps it an hour from when it was last seen',
        recorded: [
          [0, 'a', 'one'],
          [30, 'a', 'one'],
        ],
        at: HOUR + 29 * MIN,
        listed: ['one x2'],
      },
      {
        what: 'each event by its own last time',
        recorded: [
          [0, 'a', 'one'],
          [20, 'a', 'two'],
          [40, 'b', 'three'],
        ],
        at: HOUR + 30 * MIN,
        listed: ['three x1'],
      },
      {
        what: 'another TTL',
        ttlMs: 10 * MIN,
        recorded: [
          [0, 'a', 'one'],
          [5, 'a', 'two'],
        ],
        at: 10 * MIN,
        listed: ['two x1'],
      },
      {
        what: 'a repeat after the TTL is a new event, counted from 1',
        ttlMs: 10 * MIN,
        recorded: [
          [0, 'a', 'one'],
          [5, 'a', 'one'],
          [15, 'a', 'one'],
        ],
        at: 16 * MIN,
        listed: ['one x1'],
      },
    ];
    for (const c of cases) {
      it(c.what, () => {
        const start = clock.now();
        const events = recorder(undefined, c.ttlMs);
        for (const [minute, uid, message] of c.recorded) {
          clock.advance(start + minute * MIN - clock.now());
          events.record(pod(uid), 'Normal', 'Started', message);
        }
        clock.advance(start + c.at - clock.now());
        const listed = events.list().map((e) => `${e.message} x${e.count}`);
        expect(listed).to.deep.equal(c.listed);
      });
    }

    it('an expired event is DELETED for the listeners, at a new version, when the clock is next read', () => {
      const events = recorder();
      const seen: string[] = [];
      events.onRecord((type, ev) => seen.push(`${type} ${ev.message} ${ev.metadata.resourceVersion}`));
      events.record(pod('a'), 'Normal', 'Scheduled', 'one');
      clock.advance(10 * MIN);
      events.record(pod('b'), 'Normal', 'Scheduled', 'two');
      clock.advance(HOUR - 10 * MIN);
      expect(seen).to.deep.equal(['ADDED one 1', 'ADDED two 2']);
      expect(events.list().map((e) => e.message)).to.deep.equal(['two']);
      expect(seen).to.deep.equal(['ADDED one 1', 'ADDED two 2', 'DELETED one 3']);
    });

    it('a pod name used again (a new uid) has its own events, and the old pod’s are still listed', () => {
      const events = recorder();
      const old = { ...pod('a'), name: 'x' };
      const renewed = { ...pod('b'), name: 'x' };
      events.record(old, 'Normal', 'Killing', 'Stopping container app');
      events.record(renewed, 'Normal', 'Killing', 'Stopping container app');
      expect(events.list().map((e) => [e.involvedObject.uid, e.count])).to.deep.equal([
        ['a', 1],
        ['b', 1],
      ]);
      expect(events.list({ uid: 'b' })).to.have.length(1);
    });
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
    clock.advance(3_600_000);
    events.list();
    await flushed();
    expect(w.take().map((e) => e.type)).to.deep.equal(['ADDED', 'DELETED']);
  });
});
