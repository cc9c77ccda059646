// Scaling a Deployment in the middle of a rollout (upstream's proportional scaling): the change is spread
// over the active ReplicaSets by the desired-replicas/max-replicas annotations they were sized with, the
// leftover to the largest; and the hash collision that bumps status.collisionCount.
import { expect } from 'chai';
import {
  type DeploymentAction,
  reconcileDeployment,
} from '../../../../agent/controllers/deployment/reconcile-deployment';
import { templateHash } from '../../../../agent/controllers/deployment/template-hash';
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  type Deployment,
  type ReplicaSet,
  controllerRef,
} from '../../../../agent/model/workload';
import { NOW } from '../../../helpers/builders';
import { aDeployment, aReplicaSet, template } from '../../../helpers/workload-builders';

const sized = (desired: number, max: number): Record<string, string> => ({
  [DESIRED_REPLICAS_ANNOTATION]: String(desired),
  [MAX_REPLICAS_ANNOTATION]: String(max),
});

/** A ReplicaSet of `d` (image = its template), sized for `desired`/`max`, all available. */
function rsOf(
  d: Deployment,
  name: string,
  o: { replicas: number; image: string; created: number; sizedFor?: [number, number] },
): ReplicaSet {
  const revision = Number(o.image.split(':')[1]);
  const rs = aReplicaSet({ name, replicas: o.replicas, created: o.created, image: o.image, revision });
  rs.metadata.ownerReferences = [controllerRef(d)];
  if (o.sizedFor) Object.assign(rs.metadata.annotations ?? {}, sized(...o.sizedFor));
  return rs;
}

const sizes = (actions: DeploymentAction[]): DeploymentAction[] =>
  actions.filter((a) => a.type === 'scale' || a.type === 'annotate' || a.type === 'create');

interface Case {
  situation: string;
  d: Deployment;
  sets: (d: Deployment) => ReplicaSet[];
  want: DeploymentAction[];
}

/** Mid-rollout from busybox:1 to busybox:2, maxSurge 3, maxUnavailable 2 (upstream's documented example). */
const rolling = (replicas: number, paused = false): Deployment => {
  const d = aDeployment({ replicas, maxSurge: 3, maxUnavailable: 2, image: 'busybox:2' });
  d.spec.paused = paused;
  return d;
};
const OLD = NOW - 100_000;
const NEW = NOW - 10_000;

const cases: Case[] = [
  {
    situation: '10 -> 15: 5 more spread 3 to the old (8 of 13) and 2 to the new (5 of 13)',
    d: rolling(15),
    sets: (d) => [
      rsOf(d, 'web-old', { replicas: 8, image: 'busybox:1', created: OLD, sizedFor: [10, 13] }),
      rsOf(d, 'web-new', { replicas: 5, image: 'busybox:2', created: NEW, sizedFor: [10, 13] }),
    ],
    want: [
      { type: 'scale', rs: 'web-old', from: 8, to: 11 },
      { type: 'scale', rs: 'web-new', from: 5, to: 7 },
    ],
  },
  {
    situation: '15 -> 10: 5 fewer, 3 from the old and 2 from the new',
    d: rolling(10),
    sets: (d) => [
      rsOf(d, 'web-old', { replicas: 11, image: 'busybox:1', created: OLD, sizedFor: [15, 18] }),
      rsOf(d, 'web-new', { replicas: 7, image: 'busybox:2', created: NEW, sizedFor: [15, 18] }),
    ],
    want: [
      { type: 'scale', rs: 'web-old', from: 11, to: 8 },
      { type: 'scale', rs: 'web-new', from: 7, to: 5 },
    ],
  },
  {
    situation: 'to 0: every active ReplicaSet to 0',
    d: rolling(0),
    sets: (d) => [
      rsOf(d, 'web-old', { replicas: 8, image: 'busybox:1', created: OLD, sizedFor: [10, 13] }),
      rsOf(d, 'web-new', { replicas: 5, image: 'busybox:2', created: NEW, sizedFor: [10, 13] }),
    ],
    want: [
      { type: 'scale', rs: 'web-old', from: 8, to: 0 },
      { type: 'scale', rs: 'web-new', from: 5, to: 0 },
    ],
  },
  {
    situation: 'equal sizes, growing: the rounding leftover goes to the newest',
    d: aDeployment({ replicas: 4, maxSurge: 0, maxUnavailable: 1, image: 'busybox:3' }),
    sets: (d) => [
      rsOf(d, 'web-a', { replicas: 1, image: 'busybox:1', created: OLD, sizedFor: [3, 3] }),
      rsOf(d, 'web-b', { replicas: 1, image: 'busybox:2', created: OLD + 1000, sizedFor: [3, 3] }),
      rsOf(d, 'web-c', { replicas: 1, image: 'busybox:3', created: NEW, sizedFor: [3, 3] }),
    ],
    want: [
      { type: 'scale', rs: 'web-c', from: 1, to: 2 },
      { type: 'annotate', rs: 'web-b', annotations: sized(4, 4) },
      { type: 'annotate', rs: 'web-a', annotations: sized(4, 4) },
    ],
  },
  {
    situation: 'equal sizes, shrinking: the leftover comes off the oldest',
    d: aDeployment({ replicas: 2, maxSurge: 0, maxUnavailable: 1, image: 'busybox:3' }),
    sets: (d) => [
      rsOf(d, 'web-a', { replicas: 1, image: 'busybox:1', created: OLD, sizedFor: [3, 3] }),
      rsOf(d, 'web-b', { replicas: 1, image: 'busybox:2', created: OLD + 1000, sizedFor: [3, 3] }),
      rsOf(d, 'web-c', { replicas: 1, image: 'busybox:3', created: NEW, sizedFor: [3, 3] }),
    ],
    want: [
      { type: 'scale', rs: 'web-a', from: 1, to: 0 },
      { type: 'annotate', rs: 'web-b', annotations: sized(2, 2) },
      { type: 'annotate', rs: 'web-c', annotations: sized(2, 2) },
    ],
  },
  {
    situation: 'a paused Deployment scaled: its one active ReplicaSet takes the whole count',
    d: rolling(6, true),
    sets: (d) => [rsOf(d, 'web-old', { replicas: 4, image: 'busybox:1', created: OLD, sizedFor: [4, 7] })],
    want: [{ type: 'scale', rs: 'web-old', from: 4, to: 6 }],
  },
  {
    situation: 'a paused Deployment scaled mid-rollout: proportionally, no rollout step',
    d: rolling(12, true),
    sets: (d) => [
      rsOf(d, 'web-old', { replicas: 6, image: 'busybox:1', created: OLD, sizedFor: [8, 11] }),
      rsOf(d, 'web-new', { replicas: 5, image: 'busybox:2', created: NEW, sizedFor: [8, 11] }),
    ],
    // allowed 12 + 3 = 15, 4 more: old round(6*15/11) - 6 = 2, new round(5*15/11) - 5 = 2
    want: [
      { type: 'scale', rs: 'web-old', from: 6, to: 8 },
      { type: 'scale', rs: 'web-new', from: 5, to: 7 },
    ],
  },
  {
    situation: 'the new ReplicaSet saturated: the old ones go to 0',
    d: rolling(5),
    sets: (d) => [
      rsOf(d, 'web-old', { replicas: 2, image: 'busybox:1', created: OLD, sizedFor: [4, 7] }),
      rsOf(d, 'web-new', { replicas: 5, image: 'busybox:2', created: NEW, sizedFor: [5, 8] }),
    ],
    want: [{ type: 'scale', rs: 'web-old', from: 2, to: 0 }],
  },
  {
    situation:
      'no annotation (sized before these existed): a rolling step (old down to minimum availability)',
    d: rolling(10),
    sets: (d) => [
      rsOf(d, 'web-old', { replicas: 8, image: 'busybox:1', created: OLD }),
      rsOf(d, 'web-new', { replicas: 5, image: 'busybox:2', created: NEW }),
    ],
    want: [{ type: 'scale', rs: 'web-old', from: 8, to: 3 }],
  },
];

describe('agent/controllers/deployment: proportional scaling', () => {
  for (const c of cases)
    it(c.situation, () => {
      expect(sizes(reconcileDeployment(c.d, c.sets(c.d), NOW).actions)).to.deep.equal(c.want);
    });

  it('a new ReplicaSet carries the desired-replicas and max-replicas it was sized for', () => {
    const d = rolling(10);
    const create = reconcileDeployment(d, [], NOW).actions.find((a) => a.type === 'create');
    expect(create?.type === 'create' && create.rs.metadata.annotations).to.include(sized(10, 13));
  });
});

describe('agent/controllers/deployment: collisionCount', () => {
  const d = aDeployment({ replicas: 2, image: 'busybox:2' });
  const squatter = (name: string): ReplicaSet => {
    const rs = aReplicaSet({ name, replicas: 0, image: 'other' });
    rs.metadata.ownerReferences = [controllerRef(d)];
    return rs;
  };

  it('a ReplicaSet with the new name but another template: collisionCount bumped, nothing created', () => {
    const taken = squatter(`web-${templateHash(template('busybox:2'))}`);
    const plan = reconcileDeployment(d, [taken], NOW);
    expect(plan.actions.filter((a) => a.type !== 'status')).to.deep.equal([]);
    const status = plan.actions.find((a) => a.type === 'status');
    expect(status?.type === 'status' && status.status.collisionCount).to.equal(1);
  });

  it('the next round rehashes with the count and creates the ReplicaSet; the count stays in status', () => {
    const taken = squatter(`web-${templateHash(template('busybox:2'))}`);
    const bumped = { ...d, status: { collisionCount: 1 } };
    const plan = reconcileDeployment(bumped, [taken], NOW);
    const create = plan.actions.find((a) => a.type === 'create');
    const hash = templateHash(template('busybox:2'), 1);
    expect(hash).to.not.equal(templateHash(template('busybox:2')));
    expect(create?.type === 'create' && create.rs.metadata.name).to.equal(`web-${hash}`);
    expect(create?.type === 'create' && create.rs.spec.template.metadata?.labels).to.include({
      'pod-template-hash': hash,
    });
    const status = plan.actions.find((a) => a.type === 'status');
    expect(status?.type === 'status' && status.status.collisionCount).to.equal(1);
  });
});
