// reconcileReplicaSet (upstream's manageReplicas and status): one healthy baseline (3 replicas, 3 ready
// pods of its own), one change per case, the exact action list.
import { expect } from 'chai';
import {
  reconcileReplicaSet,
  type ReplicaSetAction,
} from '../../../../agent/controllers/replicaset/reconcile-replicaset';
import type { Pod } from '../../../../agent/model/pod';
import { NOW } from '../../../helpers/builders';
import { aReplicaSet, aWorkloadPod } from '../../../helpers/workload-builders';

const rs = aReplicaSet({ replicas: 3 });
const own = (name: string, o: Parameters<typeof aWorkloadPod>[1] = {}): Pod =>
  aWorkloadPod(name, { owner: rs, ...o });
const healthy = [own('web-abc-1'), own('web-abc-2'), own('web-abc-3')];
const status = (n: { replicas: number; ready: number; available: number }) => ({
  type: 'status' as const,
  status: {
    replicas: n.replicas,
    fullyLabeledReplicas: n.replicas,
    readyReplicas: n.ready,
    availableReplicas: n.available,
    observedGeneration: 1,
  },
});
const settled = { ...rs, status: status({ replicas: 3, ready: 3, available: 3 }).status };

const cases: {
  name: string;
  rs?: typeof rs;
  pods: Pod[];
  actions: ReplicaSetAction[];
  requeueMs?: number;
}[] = [
  {
    name: 'does nothing when 3 of 3 pods run and the status says so',
    rs: settled,
    pods: healthy,
    actions: [],
  },
  {
    name: 'publishes the status first seen',
    pods: healthy,
    actions: [status({ replicas: 3, ready: 3, available: 3 })],
  },
  {
    name: 'creates the missing pod when one is gone (deleted by hand)',
    rs: settled,
    pods: healthy.slice(0, 2),
    actions: [{ type: 'create', count: 1 }, status({ replicas: 2, ready: 2, available: 2 })],
  },
  {
    name: 'replaces a pod that is terminating at once (it no longer counts)',
    rs: settled,
    pods: [...healthy.slice(0, 2), own('web-abc-3', { deleting: true })],
    actions: [{ type: 'create', count: 1 }, status({ replicas: 2, ready: 2, available: 2 })],
  },
  {
    name: 'deletes the surplus, not-ready pods before ready ones, then the newest',
    rs: { ...settled, spec: { ...settled.spec, replicas: 1 } },
    pods: [
      own('web-abc-1', { created: NOW - 90_000 }),
      own('web-abc-2', { created: NOW - 10_000 }),
      own('web-abc-3', { ready: false }),
    ],
    actions: [
      { type: 'delete', pods: ['web-abc-3', 'web-abc-2'] },
      status({ replicas: 3, ready: 2, available: 2 }),
    ],
  },
  {
    name: 'adopts a matching orphan and counts it',
    rs: settled,
    pods: [...healthy.slice(0, 2), aWorkloadPod('stray')],
    actions: [{ type: 'adopt', pod: 'stray' }],
  },
  {
    name: 'releases a pod whose labels stop matching, and replaces it',
    rs: settled,
    pods: [...healthy.slice(0, 2), own('web-abc-3', { labels: { app: 'debug' } })],
    actions: [
      { type: 'release', pod: 'web-abc-3' },
      { type: 'create', count: 1 },
      status({ replicas: 2, ready: 2, available: 2 }),
    ],
  },
  {
    name: 'leaves pods of another owner and non-matching orphans alone',
    rs: settled,
    pods: [
      ...healthy,
      aWorkloadPod('other', { owner: aReplicaSet({ name: 'other' }) }),
      aWorkloadPod('x', { labels: { app: 'x' } }),
    ],
    actions: [],
  },
  {
    name: 'counts a ready pod available only after minReadySeconds, and looks again then',
    rs: { ...settled, spec: { ...settled.spec, minReadySeconds: 30 } },
    pods: [
      own('web-abc-1', { readySince: NOW - 40_000 }),
      own('web-abc-2', { readySince: NOW - 5_000 }),
      own('web-abc-3', { readySince: NOW - 25_000 }),
    ],
    actions: [status({ replicas: 3, ready: 3, available: 1 })],
    requeueMs: 5_000,
  },
  {
    name: 'creates nothing while the ReplicaSet is being deleted',
    rs: { ...settled, metadata: { ...settled.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } },
    pods: [],
    actions: [status({ replicas: 0, ready: 0, available: 0 })],
  },
];

describe('agent/controllers/replicaset/reconcile-replicaset', () => {
  for (const c of cases)
    it(c.name, () => {
      const plan = reconcileReplicaSet(c.rs ?? rs, c.pods, NOW);
      expect(plan.actions).to.deep.equal(c.actions);
      expect(plan.requeueMs).to.equal(c.requeueMs);
    });
});
