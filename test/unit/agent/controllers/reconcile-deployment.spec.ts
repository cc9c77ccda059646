// The Deployment controller's arithmetic and decisions: maxSurge/maxUnavailable rounding as upstream
// (surge up, unavailable down), one rolling step at a time gated on availability, Recreate, revisions,
// revisionHistoryLimit, paused, and the Progressing condition's deadline.
import { expect } from 'chai';
import {
  type DeploymentAction,
  reconcileDeployment,
} from '../../../../agent/controllers/deployment/reconcile-deployment';
import { fenceposts } from '../../../../agent/controllers/deployment/rolling';
import { templateHash } from '../../../../agent/controllers/deployment/template-hash';
import { REVISION_ANNOTATION, type ReplicaSet, controllerRef } from '../../../../agent/model/workload';
import { NOW, iso } from '../../../helpers/builders';
import { aDeployment, aReplicaSet, template } from '../../../helpers/workload-builders';

const d = aDeployment({ replicas: 4, maxSurge: 1, maxUnavailable: 0 });
/** A ReplicaSet of `d` with the template of `image`. */
const owned = (o: NonNullable<Parameters<typeof aReplicaSet>[0]>): ReplicaSet => {
  const rs = aReplicaSet(o);
  rs.metadata.ownerReferences = [controllerRef(d)];
  rs.spec.template = { ...template(o.image), metadata: { labels: { app: 'web', 'pod-template-hash': 'h' } } };
  return rs;
};
const steps = (actions: DeploymentAction[]): DeploymentAction[] =>
  actions.filter((a) => a.type === 'scale' || a.type === 'delete');

describe('agent/controllers/deployment', () => {
  describe('fenceposts (maxSurge rounds up, maxUnavailable rounds down)', () => {
    const cases: [number, number | string, number | string, { maxSurge: number; maxUnavailable: number }][] =
      [
        [10, '25%', '25%', { maxSurge: 3, maxUnavailable: 2 }],
        [3, '25%', '25%', { maxSurge: 1, maxUnavailable: 0 }],
        [1, '0%', '0%', { maxSurge: 0, maxUnavailable: 1 }],
        [5, 2, '50%', { maxSurge: 2, maxUnavailable: 2 }],
        [4, '100%', 0, { maxSurge: 4, maxUnavailable: 0 }],
      ];
    for (const [replicas, maxSurge, maxUnavailable, want] of cases)
      it(`replicas ${replicas}, maxSurge ${maxSurge}, maxUnavailable ${maxUnavailable}`, () => {
        expect(fenceposts(aDeployment({ replicas, maxSurge, maxUnavailable }))).to.deep.equal(want);
      });
  });

  describe('a rolling update (4 replicas, maxSurge 1, maxUnavailable 0)', () => {
    it('creates the new ReplicaSet at 1 (the surge), named by the template hash, revision 2', () => {
      const plan = reconcileDeployment(
        { ...d, spec: { ...d.spec, template: template('busybox:2') } },
        [owned({ name: 'web-old', replicas: 4, revision: 1 })],
        NOW,
      );
      const create = plan.actions.find((a) => a.type === 'create');
      const hash = templateHash(template('busybox:2'));
      expect(create?.type === 'create' && create.rs.metadata).to.deep.include({
        name: `web-${hash}`,
        labels: { app: 'web', 'pod-template-hash': hash },
      });
      expect(create?.type === 'create' && create.rs.metadata.annotations).to.include({
        [REVISION_ANNOTATION]: '2',
      });
      expect(create?.type === 'create' && create.rs.spec.replicas).to.equal(1);
    });

    it('scales the old one down only as new pods become available', () => {
      const next = { ...d, spec: { ...d.spec, template: template('busybox:2') } };
      const oldRS = owned({ name: 'web-old', replicas: 4, revision: 1, created: NOW - 100_000 });
      const hash = templateHash(template('busybox:2'));
      const newRS = owned({
        name: `web-${hash}`,
        replicas: 1,
        available: 0,
        revision: 2,
        image: 'busybox:2',
      });
      expect(steps(reconcileDeployment(next, [oldRS, newRS], NOW).actions)).to.deep.equal([]);
      newRS.status = { replicas: 1, readyReplicas: 1, availableReplicas: 1 };
      expect(steps(reconcileDeployment(next, [oldRS, newRS], NOW).actions)).to.deep.equal([
        { type: 'scale', rs: 'web-old', from: 4, to: 3 },
      ]);
      oldRS.spec.replicas = 3;
      expect(steps(reconcileDeployment(next, [oldRS, newRS], NOW).actions)).to.deep.equal([
        { type: 'scale', rs: `web-${hash}`, from: 1, to: 2 },
      ]);
    });

    it('Recreate scales every old ReplicaSet to 0 first, and creates the new one when their pods are gone', () => {
      const r = {
        ...aDeployment({ replicas: 2, recreate: true }),
        spec: { ...aDeployment({ recreate: true }).spec, replicas: 2, template: template('busybox:2') },
      };
      const oldRS = owned({ name: 'web-old', replicas: 2, revision: 1 });
      oldRS.metadata.ownerReferences = [controllerRef(r)];
      expect(steps(reconcileDeployment(r, [oldRS], NOW).actions)).to.deep.equal([
        { type: 'scale', rs: 'web-old', from: 2, to: 0 },
      ]);
      oldRS.spec.replicas = 0;
      expect(reconcileDeployment(r, [oldRS], NOW).actions.some((a) => a.type === 'create')).to.equal(false);
      oldRS.status = { replicas: 0 };
      expect(reconcileDeployment(r, [oldRS], NOW).actions.some((a) => a.type === 'create')).to.equal(true);
    });
  });

  it('deletes idle old ReplicaSets beyond revisionHistoryLimit, oldest revision first', () => {
    const limited = { ...d, spec: { ...d.spec, revisionHistoryLimit: 1 } };
    const idle = (n: number): ReplicaSet => {
      const rs = owned({ name: `web-r${n}`, replicas: 0, revision: n, image: `busybox:${n}` });
      rs.status = { replicas: 0 };
      return rs;
    };
    const current = owned({ name: 'web-now', replicas: 4, revision: 9 });
    current.spec.template = template();
    const plan = reconcileDeployment(limited, [idle(1), idle(3), idle(2), current], NOW);
    expect(steps(plan.actions)).to.deep.equal([
      { type: 'delete', rs: 'web-r1' },
      { type: 'delete', rs: 'web-r2' },
    ]);
  });

  it('rolls nothing while paused, and says so in Progressing', () => {
    const paused = { ...d, spec: { ...d.spec, paused: true, template: template('busybox:2') } };
    const plan = reconcileDeployment(paused, [owned({ name: 'web-old', replicas: 4, revision: 1 })], NOW);
    expect(plan.actions.map((a) => a.type)).to.deep.equal(['status']);
    const status = plan.actions[0]?.type === 'status' ? plan.actions[0].status : undefined;
    expect(status?.conditions?.[1]).to.include({
      type: 'Progressing',
      status: 'Unknown',
      reason: 'DeploymentPaused',
    });
  });

  it('turns Progressing False (ProgressDeadlineExceeded) when nothing moved for progressDeadlineSeconds', () => {
    const stuck = { ...d, spec: { ...d.spec, progressDeadlineSeconds: 60 } };
    const rs = owned({ name: 'web-abc', replicas: 4, available: 2, revision: 1 });
    rs.spec.template = template();
    stuck.status = {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 2,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: 'x',
          lastUpdateTime: iso(NOW - 30_000),
          lastTransitionTime: iso(NOW - 30_000),
        },
      ],
    };
    expect(reconcileDeployment(stuck, [rs], NOW).requeueMs).to.equal(30_000);
    const late = reconcileDeployment(stuck, [rs], NOW + 31_000).actions.find((a) => a.type === 'status');
    expect(late?.type === 'status' && late.status.conditions?.[1]).to.include({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-abc" has timed out progressing.',
    });
  });
});
