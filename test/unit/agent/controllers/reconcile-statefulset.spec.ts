// reconcileStatefulSet (upstream's stateful set control on one node): one healthy baseline (web-0..2
// Running and Ready at the update revision, the claims there, the status saying so), one change per case,
// the exact action list (the status action left out unless the case is about it).
import { expect } from 'chai';
import {
  CLAIM_POLL_MS,
  type RevisionView,
  type StatefulSetAction,
  reconcileStatefulSet,
} from '../../../../agent/controllers/statefulset/reconcile-statefulset';
import type { Pod } from '../../../../agent/model/pod';
import type { ClaimView } from '../../../../agent/controllers/statefulset/plan-claim-owners';
import { type StatefulSet, controllerRef } from '../../../../agent/model/workload';
import { NOW } from '../../../helpers/builders';
import { aWorkloadPod } from '../../../helpers/workload-builders';

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [] },
} as unknown as StatefulSet['spec']['template'];
const v1: RevisionView = { name: 'web-aaaa', template };
const v2: RevisionView = { name: 'web-bbbb', template };

const sts = (o: Partial<StatefulSet['spec']> = {}, deleting = false): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'uid-web',
    creationTimestamp: '',
    resourceVersion: '1',
    generation: 1,
    ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template,
    serviceName: 'web',
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: {} }],
    revisionHistoryLimit: 10,
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    ...o,
  },
  status: { replicas: 0 },
});

const pod = (
  ordinal: number,
  o: { ready?: boolean; revision?: string; deleting?: boolean; phase?: string } = {},
): Pod => {
  const p = aWorkloadPod(`web-${ordinal}`, {
    owner: sts(),
    labels: { app: 'web', 'controller-revision-hash': o.revision ?? v2.name },
    ...(o.ready === false ? { ready: false } : {}),
    ...(o.deleting ? { deleting: true } : {}),
  });
  if (o.phase) p.status.phase = o.phase as Pod['status']['phase'];
  return p;
};
const claims = (n: number, o: ClaimView = {}): Map<string, ClaimView> =>
  new Map(Array.from({ length: n }, (_, i) => [`www-web-${i}`, o]));
const setRef = controllerRef(sts());
const podRef = (ordinal: number) => controllerRef(pod(ordinal));
const deleteOnScale = { whenDeleted: 'Retain', whenScaled: 'Delete' } as const;
const healthy = [pod(0), pod(1), pod(2)];

const cases: {
  name: string;
  sts?: StatefulSet;
  pods?: Pod[];
  claims?: Map<string, ClaimView>;
  current?: RevisionView;
  actions: StatefulSetAction[];
}[] = [
  { name: 'does nothing when every pod is Ready at the update revision', actions: [] },
  {
    name: 'creates web-0 first, after its claim, and nothing more until it is Ready',
    pods: [],
    claims: new Map(),
    actions: [
      { type: 'createClaims', ordinal: 0, claims: ['www-web-0'] },
      { type: 'createPod', ordinal: 0, revision: v2 },
    ],
  },
  {
    name: 'waits while web-0 is not Ready (OrderedReady)',
    pods: [pod(0, { ready: false })],
    claims: claims(1),
    actions: [],
  },
  {
    name: 'creates the next pod once the lower ones are Ready',
    pods: [pod(0)],
    claims: claims(1),
    actions: [
      { type: 'createClaims', ordinal: 1, claims: ['www-web-1'] },
      { type: 'createPod', ordinal: 1, revision: v2 },
    ],
  },
  {
    name: 'creates every pod at once with podManagementPolicy Parallel',
    sts: sts({ podManagementPolicy: 'Parallel' }),
    pods: [pod(0, { ready: false })],
    claims: claims(1),
    actions: [
      { type: 'createClaims', ordinal: 1, claims: ['www-web-1'] },
      { type: 'createPod', ordinal: 1, revision: v2 },
      { type: 'createClaims', ordinal: 2, claims: ['www-web-2'] },
      { type: 'createPod', ordinal: 2, revision: v2 },
    ],
  },
  {
    name: 'deletes a failed pod (re-created on the next round)',
    pods: [pod(0), pod(1, { phase: 'Failed' }), pod(2)],
    actions: [{ type: 'deletePod', name: 'web-1' }],
  },
  {
    name: 'scales down from the highest ordinal, one at a time',
    sts: sts({ replicas: 1 }),
    actions: [{ type: 'deletePod', name: 'web-2' }],
  },
  {
    name: 'waits for a pod being deleted before the next one goes',
    sts: sts({ replicas: 1 }),
    pods: [pod(0), pod(1), pod(2, { deleting: true })],
    actions: [],
  },
  {
    name: 'scales down every extra pod at once with Parallel',
    sts: sts({ replicas: 1, podManagementPolicy: 'Parallel' }),
    actions: [
      { type: 'deletePod', name: 'web-2' },
      { type: 'deletePod', name: 'web-1' },
    ],
  },
  {
    name: 'rolls the highest pod of the old revision first',
    pods: [pod(0, { revision: v1.name }), pod(1, { revision: v1.name }), pod(2, { revision: v1.name })],
    current: v1,
    actions: [{ type: 'deletePod', name: 'web-2' }],
  },
  {
    name: 'rolls the next lower one once the higher ones are updated',
    pods: [pod(0, { revision: v1.name }), pod(1, { revision: v1.name }), pod(2)],
    current: v1,
    actions: [{ type: 'deletePod', name: 'web-1' }],
  },
  {
    name: 'leaves the pods below the partition at their revision',
    sts: sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }),
    pods: [pod(0, { revision: v1.name }), pod(1, { revision: v1.name }), pod(2)],
    current: v1,
    actions: [],
  },
  {
    name: 're-creates a pod below the partition at the current revision',
    sts: sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }),
    pods: [pod(0, { revision: v1.name }), pod(2)],
    current: v1,
    actions: [{ type: 'createPod', ordinal: 1, revision: v1 }],
  },
  {
    name: 'replaces no pod of the old revision with OnDelete',
    sts: sts({ updateStrategy: { type: 'OnDelete' } }),
    pods: [pod(0, { revision: v1.name }), pod(1, { revision: v1.name }), pod(2, { revision: v1.name })],
    current: v1,
    actions: [],
  },
  {
    name: 'makes a claim owned by the set with whenDeleted Delete',
    sts: sts({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }),
    pods: [],
    claims: new Map(),
    actions: [
      { type: 'createClaims', ordinal: 0, claims: ['www-web-0'], ownerReferences: [setRef] },
      { type: 'createPod', ordinal: 0, revision: v2 },
    ],
  },
  {
    name: 'gives the set the claims it lacks when whenDeleted becomes Delete',
    sts: sts({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }),
    actions: [0, 1, 2].map((o) => ({
      type: 'claimOwners',
      claim: `www-web-${o}`,
      ownerReferences: [setRef],
    })),
  },
  {
    name: 'takes the set off the claims when whenDeleted goes back to Retain',
    claims: claims(3, { ownerReferences: [setRef] }),
    actions: [0, 1, 2].map((o) => ({ type: 'claimOwners', claim: `www-web-${o}`, ownerReferences: [] })),
  },
  {
    name: 'hands a scaled-down pod its claim (whenScaled Delete) before deleting the pod',
    sts: sts({ replicas: 2, persistentVolumeClaimRetentionPolicy: deleteOnScale }),
    actions: [
      { type: 'claimOwners', claim: 'www-web-2', ownerReferences: [podRef(2)] },
      { type: 'deletePod', name: 'web-2' },
    ],
  },
  {
    name: 'hands every pod beyond the replicas its claim at once, and deletes them one at a time (OrderedReady)',
    sts: sts({ replicas: 1, persistentVolumeClaimRetentionPolicy: deleteOnScale }),
    actions: [
      { type: 'claimOwners', claim: 'www-web-1', ownerReferences: [podRef(1)] },
      { type: 'claimOwners', claim: 'www-web-2', ownerReferences: [podRef(2)] },
      { type: 'deletePod', name: 'web-2' },
    ],
  },
  {
    name: 'keeps the claims of pods scaled down with whenScaled Retain',
    sts: sts({ replicas: 2 }),
    actions: [{ type: 'deletePod', name: 'web-2' }],
  },
  {
    name: 'takes a pod back off its claim when the set is scaled up again before the pod went',
    sts: sts({ persistentVolumeClaimRetentionPolicy: deleteOnScale }),
    claims: new Map([
      ['www-web-0', {}],
      ['www-web-1', {}],
      ['www-web-2', { ownerReferences: [podRef(2)] }],
    ]),
    actions: [{ type: 'claimOwners', claim: 'www-web-2', ownerReferences: [] }],
  },
  {
    name: 'waits for a claim being deleted before re-creating its pod',
    pods: [pod(0), pod(1)],
    claims: new Map([
      ['www-web-0', {}],
      ['www-web-1', {}],
      ['www-web-2', { deleting: true }],
    ]),
    actions: [{ type: 'claimDeleting', ordinal: 2, claim: 'www-web-2' }],
  },
  {
    name: 'creates nothing for a set being deleted',
    sts: sts({}, true),
    pods: [],
    actions: [],
  },
];

describe('reconcileStatefulSet', () => {
  for (const c of cases)
    it(c.name, () => {
      const plan = reconcileStatefulSet(c.sts ?? sts(), {
        pods: c.pods ?? healthy,
        claims: c.claims ?? claims(3),
        update: v2,
        current: c.current ?? v2,
        now: NOW,
      });
      expect(plan.actions.filter((a) => a.type !== 'status')).to.deep.equal(c.actions);
    });

  it('looks again soon while a claim being deleted holds a pod back', () => {
    const plan = reconcileStatefulSet(sts(), {
      pods: [pod(0), pod(1)],
      claims: new Map([...claims(2), ['www-web-2', { deleting: true }]]),
      update: v2,
      current: v2,
      now: NOW,
    });
    expect(plan.requeueMs).to.equal(CLAIM_POLL_MS);
  });

  it('reports the replicas, the revisions and, once all are updated and Ready, the update revision as current', () => {
    const rolling = reconcileStatefulSet(sts(), {
      pods: [pod(0, { revision: v1.name }), pod(1), pod(2, { ready: false })],
      claims: claims(3),
      update: v2,
      current: v1,
      now: NOW,
    });
    expect(rolling.actions.find((a) => a.type === 'status')).to.deep.equal({
      type: 'status',
      status: {
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 2,
        currentReplicas: 1,
        updatedReplicas: 2,
        currentRevision: v1.name,
        updateRevision: v2.name,
        collisionCount: 0,
        availableReplicas: 2,
      },
    });
    const done = reconcileStatefulSet(sts(), {
      pods: healthy,
      claims: claims(3),
      update: v2,
      current: v1,
      now: NOW,
    });
    expect(done.actions.find((a) => a.type === 'status')).to.nested.include({
      'status.currentRevision': v2.name,
      'status.currentReplicas': 3,
      'status.updatedReplicas': 3,
      'status.readyReplicas': 3,
    });
  });
});
