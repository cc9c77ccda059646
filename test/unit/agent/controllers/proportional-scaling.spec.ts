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
  o: { replicas: number; image: string; created: number; sizedFor?: [number, number] | undefined },
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

/** The rollout's pair: web-old (busybox:1) and web-new (busybox:2) with their replicas, each sized as given. */
const oldAndNew =
  (old: number, fresh: number, oldSized?: [number, number], newSized = oldSized) =>
  (d: Deployment): ReplicaSet[] => [
    rsOf(d, 'web-old', { replicas: old, image: 'busybox:1', created: OLD, sizedFor: oldSized }),
    rsOf(d, 'web-new', { replicas: fresh, image: 'busybox:2', created: NEW, sizedFor: newSized }),
  ];
/** Three ReplicaSets of one replica each (busybox:1 to 3, oldest first), sized for 3. */
const threeOfOne = (d: Deployment): ReplicaSet[] => [
  rsOf(d, 'web-a', { replicas: 1, image: 'busybox:1', created: OLD, sizedFor: [3, 3] }),
  rsOf(d, 'web-b', { replicas: 1, image: 'busybox:2', created: OLD + 1000, sizedFor: [3, 3] }),
  rsOf(d, 'web-c', { replicas: 1, image: 'busybox:3', created: NEW, sizedFor: [3, 3] }),
];
const scale = (rs: string, from: number, to: number): DeploymentAction => ({ type: 'scale', rs, from, to });
/** A ReplicaSet left as it is, its annotations saying it was sized for `n` (maxSurge 0: max is `n` too). */
const resized = (rs: string, n: number): DeploymentAction => ({
  type: 'annotate',
  rs,
  annotations: sized(n, n),
});

const cases: Case[] = [
  {
    situation: '10 -> 15: 5 more spread 3 to the old (8 of 13) and 2 to the new (5 of 13)',
    d: rolling(15),
    sets: oldAndNew(8, 5, [10, 13]),
    want: [scale('web-old', 8, 11), scale('web-new', 5, 7)],
  },
  {
    situation: '15 -> 10: 5 fewer, 3 from the old and 2 from the new',
    d: rolling(10),
    sets: oldAndNew(11, 7, [15, 18]),
    want: [scale('web-old', 11, 8), scale('web-new', 7, 5)],
  },
  {
    situation: 'to 0: every active ReplicaSet to 0',
    d: rolling(0),
    sets: oldAndNew(8, 5, [10, 13]),
    want: [scale('web-old', 8, 0), scale('web-new', 5, 0)],
  },
  {
    situation: 'equal sizes, growing: the rounding leftover goes to the newest',
    d: aDeployment({ replicas: 4, maxSurge: 0, maxUnavailable: 1, image: 'busybox:3' }),
    sets: threeOfOne,
    want: [scale('web-c', 1, 2), resized('web-b', 4), resized('web-a', 4)],
  },
  {
    situation: 'equal sizes, shrinking: the leftover comes off the oldest',
    d: aDeployment({ replicas: 2, maxSurge: 0, maxUnavailable: 1, image: 'busybox:3' }),
    sets: threeOfOne,
    want: [scale('web-a', 1, 0), resized('web-b', 2), resized('web-c', 2)],
  },
  {
    situation: 'a paused Deployment scaled: its one active ReplicaSet takes the whole count',
    d: rolling(6, true),
    sets: (d) => [rsOf(d, 'web-old', { replicas: 4, image: 'busybox:1', created: OLD, sizedFor: [4, 7] })],
    want: [scale('web-old', 4, 6)],
  },
  {
    situation: 'a paused Deployment scaled mid-rollout: proportionally, no rollout step',
    d: rolling(12, true),
    sets: oldAndNew(6, 5, [8, 11]),
    // allowed 12 + 3 = 15, 4 more: old round(6*15/11) - 6 = 2, new round(5*15/11) - 5 = 2
    want: [scale('web-old', 6, 8), scale('web-new', 5, 7)],
  },
  {
    situation: 'the new ReplicaSet saturated: the old ones go to 0',
    d: rolling(5),
    sets: oldAndNew(2, 5, [4, 7], [5, 8]),
    want: [scale('web-old', 2, 0)],
  },
  {
    situation:
      'no annotation (sized before these existed): a rolling step (old down to minimum availability)',
    d: rolling(10),
    sets: oldAndNew(8, 5),
    want: [scale('web-old', 8, 3)],
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
