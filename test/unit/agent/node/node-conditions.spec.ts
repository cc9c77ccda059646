import { expect } from 'chai';
import type { NodeCondition } from '../../../../agent/model/node';
import type { HostReadings } from '../../../../agent/node/host-readings';
import { nodeConditions } from '../../../../agent/node/node-conditions';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const NOW = Date.parse('2026-01-01T00:00:10Z');

/** A healthy node: plenty of memory, disk, inodes and PIDs. */
const healthy = (): HostReadings => ({
  memory: { capacityBytes: 8 * GiB, availableBytes: 4 * GiB, workingSetBytes: 4 * GiB },
  nodefs: { capacityBytes: 100 * GiB, availableBytes: 50 * GiB, inodes: 1000, inodesFree: 500 },
  imagefs: { capacityBytes: 100 * GiB, availableBytes: 50 * GiB, inodes: 1000, inodesFree: 500 },
  pids: { max: 32768, running: 300 },
});

const statuses = (c: NodeCondition[]): Record<string, string> =>
  Object.fromEntries(c.map((x) => [x.type, `${x.status} ${x.reason}`]));

describe('agent/node/node-conditions', () => {
  const ctx = { now: NOW, runtimeUp: true, previous: [] };

  const cases: [string, (r: HostReadings) => void, boolean, Record<string, string>][] = [
    ['a healthy node', () => undefined, true, {}],
    [
      'memory.available under 100Mi',
      (r) =>
        (r.memory = {
          capacityBytes: 8 * GiB,
          availableBytes: 99 * MiB,
          workingSetBytes: 8 * GiB - 99 * MiB,
        }),
      true,
      { MemoryPressure: 'True KubeletHasInsufficientMemory' },
    ],
    [
      'memory.available at exactly 100Mi',
      (r) => (r.memory = { capacityBytes: 8 * GiB, availableBytes: 100 * MiB, workingSetBytes: 0 }),
      true,
      {},
    ],
    [
      'nodefs under 10% free',
      (r) =>
        (r.nodefs = { capacityBytes: 100 * GiB, availableBytes: 9 * GiB, inodes: 1000, inodesFree: 500 }),
      true,
      { DiskPressure: 'True KubeletHasDiskPressure' },
    ],
    [
      'nodefs inodes under 5% free',
      (r) =>
        (r.nodefs = { capacityBytes: 100 * GiB, availableBytes: 50 * GiB, inodes: 1000, inodesFree: 49 }),
      true,
      { DiskPressure: 'True KubeletHasDiskPressure' },
    ],
    [
      'imagefs under 15% free',
      (r) =>
        (r.imagefs = { capacityBytes: 100 * GiB, availableBytes: 14 * GiB, inodes: 1000, inodesFree: 500 }),
      true,
      { DiskPressure: 'True KubeletHasDiskPressure' },
    ],
    [
      'imagefs at 16% free',
      (r) =>
        (r.imagefs = { capacityBytes: 100 * GiB, availableBytes: 16 * GiB, inodes: 1000, inodesFree: 500 }),
      true,
      {},
    ],
    [
      'PIDs under 10% free',
      (r) => (r.pids = { max: 1000, running: 901 }),
      true,
      { PIDPressure: 'True KubeletHasInsufficientPID' },
    ],
    ['memory unreadable', (r) => delete r.memory, true, { MemoryPressure: 'Unknown NodeStatusUnknown' }],
    ['the runtime down', () => undefined, false, { Ready: 'False KubeletNotReady' }],
  ];
  const baseline = {
    MemoryPressure: 'False KubeletHasSufficientMemory',
    DiskPressure: 'False KubeletHasNoDiskPressure',
    PIDPressure: 'False KubeletHasSufficientPID',
    Ready: 'True KubeletReady',
  };
  for (const [name, change, runtimeUp, expected] of cases) {
    it(`reports ${name}`, () => {
      const r = healthy();
      change(r);
      const got = nodeConditions(r, { ...ctx, runtimeUp });
      expect(got.map((c) => c.type)).to.deep.equal([
        'MemoryPressure',
        'DiskPressure',
        'PIDPressure',
        'Ready',
      ]);
      expect(statuses(got)).to.deep.equal({ ...baseline, ...expected });
    });
  }

  it('keeps lastTransitionTime while a status holds and moves the heartbeat', () => {
    const first = nodeConditions(healthy(), { ...ctx, now: NOW - 10_000 });
    const next = nodeConditions(healthy(), { ...ctx, previous: first });
    expect(next[3]).to.include({
      lastHeartbeatTime: '2026-01-01T00:00:10Z',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    });
    const down = nodeConditions(healthy(), { ...ctx, runtimeUp: false, previous: first });
    expect(down[3]?.lastTransitionTime).to.equal('2026-01-01T00:00:10Z');
  });
});
