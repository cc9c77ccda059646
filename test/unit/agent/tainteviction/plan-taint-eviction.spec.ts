// planTaintEviction (upstream's NoExecute taint manager on one node): every case is the taints, the pods with
// their tolerations, the timers already running and the time; the expected value is the whole plan.
import { expect } from 'chai';
import type { Taint } from '../../../../agent/model/node';
import type { Pod } from '../../../../agent/model/pod';
import type { Toleration } from '../../../../agent/scheduler/tolerations';
import {
  type PendingEviction,
  type TaintEvictionPlan,
  minTolerationMs,
  planTaintEviction,
} from '../../../../agent/tainteviction/plan-taint-eviction';
import { aPod } from '../../../helpers/builders';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const NODE = 'n1';

const pod = (name: string, tolerations: Toleration[] = [], extra: Partial<Pod['spec']> = {}): Pod => {
  const p = aPod();
  p.metadata = { ...p.metadata, name, uid: `uid-${name}` };
  p.spec = { ...p.spec, nodeName: NODE, ...(tolerations.length ? { tolerations } : {}), ...extra };
  return p;
};
const pending = (name: string, since: number): PendingEviction => ({
  namespace: 'default',
  name,
  uid: `uid-${name}`,
  since,
});
const timers = (...ps: PendingEviction[]): Map<string, PendingEviction> => new Map(ps.map((p) => [p.uid, p]));

const kv: Taint = { key: 'k', value: 'v', effect: 'NoExecute' };
const other: Taint = { key: 'other', effect: 'NoExecute' };
const equalKv: Toleration = { key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute' };
const for60 = (t: Toleration): Toleration => ({ ...t, tolerationSeconds: 60 });

interface Case {
  name: string;
  taints: Taint[];
  pods: Pod[];
  pending?: Map<string, PendingEviction>;
  now?: number;
  /** names of the pods evicted */
  evict?: string[];
  cancelled?: PendingEviction[];
  after?: Map<string, PendingEviction>;
  wakeAt?: number;
}

const cases: Case[] = [
  { name: 'no taint: nothing to do', taints: [], pods: [pod('a')] },
  {
    name: 'a NoExecute taint without a toleration: deleted now',
    taints: [kv],
    pods: [pod('a')],
    evict: ['a'],
  },
  {
    name: 'NoSchedule and PreferNoSchedule taints evict nothing',
    taints: [
      { key: 'k', effect: 'NoSchedule' },
      { key: 'k', effect: 'PreferNoSchedule' },
    ],
    pods: [pod('a')],
  },
  {
    name: 'an Equal toleration of the same value without tolerationSeconds: stays for good',
    taints: [kv],
    pods: [pod('a', [equalKv])],
  },
  {
    name: 'an Equal toleration of another value does not tolerate: deleted now',
    taints: [kv],
    pods: [pod('a', [{ ...equalKv, value: 'w' }])],
    evict: ['a'],
  },
  {
    name: 'an Exists toleration of the key tolerates any value',
    taints: [kv],
    pods: [pod('a', [{ key: 'k', operator: 'Exists' }])],
  },
  {
    name: 'an Exists toleration without a key tolerates every taint',
    taints: [kv, other],
    pods: [pod('a', [{ operator: 'Exists' }])],
  },
  {
    name: 'a toleration of another effect does not tolerate',
    taints: [kv],
    pods: [pod('a', [{ ...equalKv, effect: 'NoSchedule' }])],
    evict: ['a'],
  },
  {
    name: 'tolerationSeconds: the timer starts now, wake-up when it is due',
    taints: [kv],
    pods: [pod('a', [for60(equalKv)])],
    after: timers(pending('a', NOW)),
    wakeAt: NOW + 60_000,
  },
  {
    name: 'tolerationSeconds: the timer keeps its start (before it is due)',
    taints: [kv],
    pods: [pod('a', [for60(equalKv)])],
    pending: timers(pending('a', NOW - 59_000)),
    after: timers(pending('a', NOW - 59_000)),
    wakeAt: NOW + 1_000,
  },
  {
    name: 'tolerationSeconds: deleted once due',
    taints: [kv],
    pods: [pod('a', [for60(equalKv)])],
    pending: timers(pending('a', NOW - 60_000)),
    evict: ['a'],
  },
  {
    name: 'tolerationSeconds 0 (or less): deleted now',
    taints: [kv],
    pods: [pod('a', [{ ...equalKv, tolerationSeconds: 0 }])],
    evict: ['a'],
  },
  {
    name: 'the taint removed: a running timer is called off',
    taints: [],
    pods: [pod('a', [for60(equalKv)])],
    pending: timers(pending('a', NOW - 30_000)),
    cancelled: [pending('a', NOW - 30_000)],
  },
  {
    name: 'the taint changed to NoSchedule: a running timer is called off',
    taints: [{ ...kv, effect: 'NoSchedule' }],
    pods: [pod('a', [for60(equalKv)])],
    pending: timers(pending('a', NOW - 30_000)),
    cancelled: [pending('a', NOW - 30_000)],
  },
  {
    name: 'multiple taints: one not tolerated is enough to go now',
    taints: [kv, other],
    pods: [pod('a', [equalKv])],
    evict: ['a'],
  },
  {
    name: 'multiple taints: a timer running, then an untolerated taint: called off and deleted now',
    taints: [kv, other],
    pods: [pod('a', [for60(equalKv)])],
    pending: timers(pending('a', NOW - 10_000)),
    cancelled: [pending('a', NOW - 10_000)],
    evict: ['a'],
  },
  {
    name: 'multiple taints: the smallest tolerationSeconds of the tolerations used decides',
    taints: [kv, other],
    pods: [pod('a', [for60(equalKv), { key: 'other', operator: 'Exists', tolerationSeconds: 20 }])],
    after: timers(pending('a', NOW)),
    wakeAt: NOW + 20_000,
  },
  {
    name: 'multiple taints: one tolerated for good and one for a while: the while decides',
    taints: [kv, other],
    pods: [pod('a', [equalKv, { key: 'other', operator: 'Exists', tolerationSeconds: 20 }])],
    after: timers(pending('a', NOW)),
    wakeAt: NOW + 20_000,
  },
  {
    name: 'the earliest of several timers is the wake-up',
    taints: [kv],
    pods: [pod('a', [for60(equalKv)]), pod('b', [{ ...equalKv, tolerationSeconds: 30 }])],
    after: timers(pending('a', NOW), pending('b', NOW)),
    wakeAt: NOW + 30_000,
  },
  {
    name: 'a pod gone while its timer ran: the timer goes too',
    taints: [kv],
    pods: [],
    pending: timers(pending('a', NOW - 10_000)),
    cancelled: [pending('a', NOW - 10_000)],
  },
  {
    name: 'pods not bound here, terminating pods and mirror pods are left alone',
    taints: [kv],
    pods: [
      pod('unbound', [], { nodeName: '' }),
      pod('elsewhere', [], { nodeName: 'n2' }),
      (() => {
        const p = pod('deleting');
        p.metadata.deletionTimestamp = '2026-01-01T00:09:00Z';
        return p;
      })(),
      (() => {
        const p = pod('mirror');
        p.metadata.annotations = { 'kubernetes.io/config.mirror': 'abc' };
        return p;
      })(),
    ],
  },
];

describe('planTaintEviction', () => {
  for (const c of cases)
    it(c.name, () => {
      const plan = planTaintEviction(NODE, c.taints, c.pods, c.pending ?? new Map(), c.now ?? NOW);
      const expected: TaintEvictionPlan = {
        evict: c.pods.filter((p) => (c.evict ?? []).includes(p.metadata.name)),
        cancelled: c.cancelled ?? [],
        pending: c.after ?? new Map(),
        ...(c.wakeAt !== undefined ? { wakeAt: c.wakeAt } : {}),
      };
      expect(plan).to.deep.equal(expected);
    });
});

describe('minTolerationMs (getMinTolerationTime)', () => {
  it('is 0 with no toleration, forever (undefined) with none timed, else the smallest', () => {
    expect(minTolerationMs([])).to.equal(0);
    expect(minTolerationMs([equalKv])).to.equal(undefined);
    expect(minTolerationMs([equalKv, for60(equalKv), { ...equalKv, tolerationSeconds: 5 }])).to.equal(5000);
    expect(minTolerationMs([for60(equalKv), { ...equalKv, tolerationSeconds: -1 }])).to.equal(0);
  });
});
