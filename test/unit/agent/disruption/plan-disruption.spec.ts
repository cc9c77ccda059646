// planDisruption (pure): a budget's status as upstream's disruption controller computes it. One healthy
// baseline (3 ready pods of a ReplicaSet of 3, minAvailable 2), one change per case, the exact result.
import { expect } from 'chai';
import { isoTime } from '../../../../agent/clock';
import {
  DELETION_TIMEOUT_MS,
  type ScaleOwner,
  expectedPodCount,
  planDisruption,
} from '../../../../agent/disruption/plan-disruption';
import type { PodDisruptionBudget } from '../../../../agent/model/pdb';
import type { Pod } from '../../../../agent/model/pod';
import { controllerRef } from '../../../../agent/model/workload';
import { NOW } from '../../../helpers/builders';
import { aPdb } from '../../../helpers/pdb-builders';
import { aDeployment, aReplicaSet, aWorkloadPod } from '../../../helpers/workload-builders';

const rs = aReplicaSet({ name: 'web-abc', replicas: 3 });
const pods = (n: number, o: Parameters<typeof aWorkloadPod>[1] = {}): Pod[] =>
  Array.from({ length: n }, (_, i) => aWorkloadPod(`web-${i}`, { owner: rs, ...o }));

const sufficient = (generation = 1) => ({
  type: 'DisruptionAllowed' as const,
  status: 'True' as const,
  reason: 'SufficientPods' as const,
  message: '',
  observedGeneration: generation,
  lastTransitionTime: isoTime(NOW),
});
const insufficient = (generation = 1) => ({
  ...sufficient(generation),
  status: 'False' as const,
  reason: 'InsufficientPods' as const,
});

const plan = (pdb: PodDisruptionBudget, ps: Pod[] = pods(3), owners: ScaleOwner[] = [rs]) =>
  planDisruption(pdb, { pods: ps, owners, now: NOW });

describe('planDisruption (pure)', () => {
  it('baseline: 3 ready pods, minAvailable 2: one disruption allowed, SufficientPods', () => {
    expect(plan(aPdb())).to.deep.equal({
      status: {
        observedGeneration: 1,
        disruptionsAllowed: 1,
        currentHealthy: 3,
        desiredHealthy: 2,
        expectedPods: 3,
        conditions: [sufficient()],
      },
      events: [],
    });
  });

  it('an unready pod is not healthy: none allowed, InsufficientPods', () => {
    const ps = [...pods(2), aWorkloadPod('web-2', { owner: rs, ready: false })];
    expect(plan(aPdb(), ps).status).to.deep.include({
      disruptionsAllowed: 0,
      currentHealthy: 2,
      conditions: [insufficient()],
    });
  });

  it('a terminating pod is not healthy', () => {
    const ps = [...pods(2), aWorkloadPod('web-2', { owner: rs, deleting: true })];
    expect(plan(aPdb(), ps).status).to.deep.include({ currentHealthy: 2, disruptionsAllowed: 0 });
  });

  it('pods the selector does not pick are not counted; no pod at all is a NoPods event', () => {
    const other = pods(3, { labels: { app: 'other' } });
    const p = plan(aPdb(), other);
    expect(p.status).to.deep.include({ expectedPods: 0, currentHealthy: 0, disruptionsAllowed: 0 });
    expect(p.events).to.deep.equal([
      { on: 'pdb', type: 'Normal', reason: 'NoPods', message: 'No matching pods found' },
    ]);
  });

  it('a null selector picks no pod; an empty one every pod of the namespace', () => {
    expect(plan(aPdb({ minAvailable: 1 })).status).to.deep.include({ expectedPods: 0 });
    expect(plan(aPdb({ minAvailable: 1, selector: {} })).status).to.deep.include({
      expectedPods: 3,
      disruptionsAllowed: 2,
    });
  });

  it('expectedPods 0 allows nothing, even with minAvailable 0', () => {
    expect(
      plan(aPdb({ minAvailable: 0, selector: { matchLabels: { app: 'web' } } }), []).status,
    ).to.deep.include({
      disruptionsAllowed: 0,
    });
  });

  it('maxUnavailable 1 of a ReplicaSet of 3: desiredHealthy 2 from the scale', () => {
    const pdb = aPdb({ maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    expect(plan(pdb).status).to.deep.include({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
  });

  it('the scale, not the pods: a ReplicaSet of 5 with 3 pods, maxUnavailable 1, allows none', () => {
    const big = { ...rs, spec: { ...rs.spec, replicas: 5 } };
    const pdb = aPdb({ maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    expect(plan(pdb, pods(3), [big]).status).to.deep.include({
      expectedPods: 5,
      desiredHealthy: 4,
      disruptionsAllowed: 0,
    });
  });

  it('percentages round up against the scale: minAvailable 50% of 3 is 2; maxUnavailable 50% of 3 is 2', () => {
    const sel = { matchLabels: { app: 'web' } };
    expect(plan(aPdb({ minAvailable: '50%', selector: sel })).status).to.deep.include({
      desiredHealthy: 2,
      disruptionsAllowed: 1,
    });
    expect(plan(aPdb({ maxUnavailable: '50%', selector: sel })).status).to.deep.include({
      desiredHealthy: 1,
      disruptionsAllowed: 2,
    });
  });

  it("a Deployment's ReplicaSet counts the Deployment's replicas", () => {
    const d = aDeployment({ replicas: 4 });
    const owned = { ...rs, metadata: { ...rs.metadata, ownerReferences: [controllerRef(d)] } };
    const ps = Array.from({ length: 3 }, (_, i) => aWorkloadPod(`web-${i}`, { owner: owned }));
    const pdb = aPdb({ minAvailable: '100%', selector: { matchLabels: { app: 'web' } } });
    expect(planDisruption(pdb, { pods: ps, owners: [owned, d], now: NOW }).status).to.deep.include({
      expectedPods: 4,
      desiredHealthy: 4,
    });
  });

  it('an integer minAvailable counts bare pods; a percentage over bare pods warns they are unmanaged', () => {
    const bare = pods(3).map((p) => ({ ...p, metadata: { ...p.metadata, ownerReferences: [] } }));
    expect(plan(aPdb(), bare).status).to.deep.include({ expectedPods: 3, disruptionsAllowed: 1 });
    const p = plan(aPdb({ minAvailable: '50%', selector: { matchLabels: { app: 'web' } } }), bare);
    expect(p.status).to.deep.include({ expectedPods: 0, disruptionsAllowed: 0 });
    expect(p.events.map((e) => e.reason)).to.deep.equal(['UnmanagedPods']);
  });

  it('a controller not found fails safe: none allowed, SyncFailed with the error', () => {
    const pdb = aPdb({ maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    const p = plan(pdb, pods(3), []);
    expect(p.status).to.deep.equal({
      ...pdb.status,
      disruptionsAllowed: 0,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'False',
          reason: 'SyncFailed',
          message: 'found no controllers for pod "web-0"',
          lastTransitionTime: isoTime(NOW),
        },
      ],
    });
    expect(p.events.map((e) => e.reason)).to.deep.equal(['CalculateExpectedPodCountFailed']);
  });

  it('a pod in disruptedPods is not healthy until its deletion timeout; then dropped with a NotDeleted event', () => {
    const recent = aPdb(undefined, { disruptedPods: { 'web-0': isoTime(NOW - 1000) } });
    const p = plan(recent);
    expect(p.status).to.deep.include({
      currentHealthy: 2,
      disruptionsAllowed: 0,
      disruptedPods: { 'web-0': isoTime(NOW - 1000) },
    });
    expect(p.recheckMs).to.equal(DELETION_TIMEOUT_MS - 1000);
    const stale = aPdb(undefined, { disruptedPods: { 'web-0': isoTime(NOW - DELETION_TIMEOUT_MS - 1000) } });
    const q = plan(stale);
    expect(q.status).to.deep.include({ currentHealthy: 3, disruptionsAllowed: 1 });
    expect(q.status).to.not.have.property('disruptedPods');
    expect(q.events).to.deep.equal([
      {
        on: { pod: 'web-0' },
        type: 'Warning',
        reason: 'NotDeleted',
        message: "Pod was expected by PDB default/web to be deleted but it wasn't",
      },
    ]);
  });

  it('a disrupted pod now terminating leaves the map', () => {
    const pdb = aPdb(undefined, { disruptedPods: { 'web-2': isoTime(NOW - 1000) } });
    const ps = [...pods(2), aWorkloadPod('web-2', { owner: rs, deleting: true })];
    expect(plan(pdb, ps).status).to.not.have.property('disruptedPods');
  });

  it('observedGeneration follows the budget; an up-to-date status is no write', () => {
    const next = plan(aPdb(undefined, {}, { generation: 3 })).status;
    expect(next).to.deep.include({ observedGeneration: 3, conditions: [sufficient(3)] });
    const stored = aPdb(undefined, next, { generation: 3 });
    expect(plan(stored).status).to.equal(undefined);
  });

  it('the condition keeps its lastTransitionTime while its status holds', () => {
    const old = { ...sufficient(), lastTransitionTime: isoTime(NOW - 60_000) };
    const pdb = aPdb(undefined, { conditions: [old] });
    expect(plan(pdb).status?.conditions).to.deep.equal([old]);
  });

  it('neither bound set: nothing desired, nothing expected', () => {
    expect(expectedPodCount(aPdb({ selector: {} }), pods(3), [rs])).to.deep.equal({
      expected: 0,
      desiredHealthy: 0,
      unmanaged: [],
    });
  });
});
