// planHpa and its replica calculator pin upstream's HPA controller (horizontal.go, replica_calculator.go):
// each case starts from one HPA (cpu at 50% of request, 1..10 replicas) over pods of 100m request and
// changes one thing; time is a number (no clock), history is passed in and handed back.
import { expect } from 'chai';
import type { HorizontalPodAutoscaler, HpaBehavior } from '../../../../agent/model/hpa';
import type { Pod } from '../../../../agent/model/pod';
import {
  type HpaHistory,
  type HpaObserved,
  completeRescale,
  emptyHistory,
  planHpa,
} from '../../../../agent/autoscaling/plan-hpa';
import { resourceReplicas } from '../../../../agent/autoscaling/replica-calculator';
import { CREATED, NOW, iso } from '../../../helpers/builders';
import { aWorkloadPod } from '../../../helpers/workload-builders';

function anHpa(spec: Partial<HorizontalPodAutoscaler['spec']> = {}): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u',
      creationTimestamp: iso(CREATED),
      resourceVersion: '1',
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
      ...spec,
    },
    status: {},
  };
}

interface PodOpts {
  phase?: Pod['status']['phase'];
  ready?: boolean;
  /** When the pod started and became ready (default: long ago). */
  started?: number;
  request?: string | null;
  deleting?: boolean;
}

/** A workload pod (test/helpers/workload-builders.ts) with a cpu request, started and Ready at `started`. */
function aPod(name: string, o: PodOpts = {}): Pod {
  const started = o.started ?? CREATED;
  const pod = aWorkloadPod(name, {
    ready: o.ready !== false,
    readySince: started,
    created: started,
    deleting: o.deleting === true,
  });
  const resources = o.request === null ? {} : { resources: { requests: { cpu: o.request ?? '100m' } } };
  return {
    ...pod,
    spec: { containers: [{ name: 'app', image: 'busybox', ...resources }] } as Pod['spec'],
    status: { ...pod.status, phase: o.phase ?? 'Running', startTime: iso(started) },
  };
}

/** n running, ready pods at `milli` each. */
const pods = (n: number): Pod[] => Array.from({ length: n }, (_, i) => aPod(`web-${i}`));
const usage = (entries: Record<string, number>) => () => ({
  values: new Map(Object.entries(entries)),
  at: NOW,
  windowMs: 10_000,
});
const each = (ps: Pod[], milli: number): Record<string, number> =>
  Object.fromEntries(ps.map((p) => [p.metadata.name, milli]));

function observe(replicas: number, o: Partial<HpaObserved> & { milli?: number } = {}): HpaObserved {
  const ps = o.pods ?? pods(replicas);
  return {
    scale: { specReplicas: replicas, statusReplicas: replicas },
    pods: ps,
    metrics: usage(each(ps, o.milli ?? 50)),
    now: NOW,
    history: emptyHistory(),
    ...o,
  };
}

const conditions = (p: ReturnType<typeof planHpa>): Record<string, string> =>
  Object.fromEntries((p.status.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason}`]));

describe('planHpa', () => {
  const cases: {
    name: string;
    hpa?: HorizontalPodAutoscaler;
    observed: HpaObserved;
    replicas: number | undefined;
    reason?: string;
  }[] = [
    { name: 'at target: no change', observed: observe(2, { milli: 50 }), replicas: undefined },
    {
      name: 'within the 0.1 tolerance (54%): no change',
      observed: observe(2, { milli: 54 }),
      replicas: undefined,
    },
    {
      name: 'above target: ceil(ratio x ready pods)',
      observed: observe(2, { milli: 90 }),
      replicas: 4,
      reason: 'cpu resource utilization (percentage of request) above target',
    },
    {
      name: 'clamped to maxReplicas',
      observed: observe(4, { milli: 400 }),
      replicas: 8,
      reason: 'cpu resource utilization (percentage of request) above target',
    },
    {
      name: 'scale-up limit without behavior: max(2 x current, 4)',
      observed: observe(1, { milli: 500 }),
      replicas: 4,
      reason: 'cpu resource utilization (percentage of request) above target',
    },
    {
      name: 'below target, but the initial recommendation holds it in the window',
      observed: observe(4, { milli: 10 }),
      replicas: undefined,
    },
    {
      name: 'below target after the window: down to what the usage needs',
      observed: observe(4, {
        milli: 10,
        history: { ...emptyHistory(), recommendations: [{ at: NOW - 301_000, replicas: 4 }] },
      }),
      replicas: 1,
      reason: 'All metrics below target',
    },
    {
      name: 'above maxReplicas: down to max',
      hpa: anHpa({ maxReplicas: 3 }),
      observed: observe(5),
      replicas: 3,
      reason: 'Current number of replicas above Spec.MaxReplicas',
    },
    {
      name: 'below minReplicas: up to min',
      hpa: anHpa({ minReplicas: 3 }),
      observed: observe(2),
      replicas: 3,
      reason: 'Current number of replicas below Spec.MinReplicas',
    },
    { name: 'a target at zero replicas is not scaled', observed: observe(0), replicas: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planHpa(c.hpa ?? anHpa(), c.observed);
      expect(plan.rescale?.replicas).to.equal(c.replicas);
      if (c.reason) expect(plan.rescale?.reason).to.equal(c.reason);
    });
  }

  it('says why in conditions: ScaleUpLimit, ScaleDownStabilized, TooFewReplicas, ScalingDisabled', () => {
    expect(conditions(planHpa(anHpa(), observe(1, { milli: 500 })))).to.deep.equal({
      AbleToScale: 'True ReadyForNewScale',
      ScalingActive: 'True ValidMetricFound',
      ScalingLimited: 'True ScaleUpLimit',
    });
    expect(conditions(planHpa(anHpa(), observe(4, { milli: 10 })))).to.include({
      AbleToScale: 'True ScaleDownStabilized',
      ScalingLimited: 'False DesiredWithinRange',
    });
    const after = { ...emptyHistory(), recommendations: [{ at: NOW - 301_000, replicas: 4 }] };
    expect(
      conditions(planHpa(anHpa({ minReplicas: 2 }), observe(4, { milli: 10, history: after }))),
    ).to.include({
      ScalingLimited: 'True TooFewReplicas',
    });
    expect(conditions(planHpa(anHpa(), observe(0)))).to.deep.equal({
      AbleToScale: 'True SucceededGetScale',
      ScalingActive: 'False ScalingDisabled',
    });
  });

  it('status: currentMetrics with utilization and average value, current and desired replicas', () => {
    const plan = planHpa(anHpa(), observe(2, { milli: 90 }));
    expect(plan.status).to.deep.include({
      currentReplicas: 2,
      desiredReplicas: 4,
      currentMetrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '90m' } },
        },
      ],
    });
  });

  it('remembers recommendations: a scale-down waits for the highest of the window', () => {
    let history: HpaHistory = emptyHistory();
    const at = (now: number, milli: number) => {
      const plan = planHpa(anHpa(), { ...observe(4, { milli }), now, history });
      history = plan.history;
      return plan.rescale?.replicas;
    };
    expect(at(NOW, 50)).to.equal(undefined); // initial recommendation 4, desired 4
    expect(at(NOW + 60_000, 10)).to.equal(undefined); // 1 wanted, 4 within the window
    expect(at(NOW + 200_000, 20)).to.equal(undefined);
    expect(at(NOW + 301_000, 10)).to.equal(2); // the 4s left the window; the 20% one (2 pods) has not
    expect(at(NOW + 501_000, 10)).to.equal(1);
  });

  describe('with spec.behavior', () => {
    const behavior = (b: HpaBehavior): HorizontalPodAutoscaler => {
      const h = anHpa({ behavior: b });
      // the API's defaults fill the rest (applyHpaDefaults); here the planner's own fallbacks are used
      return h;
    };
    it('the default scale-up policies: the larger of +4 pods and +100% per 15 s', () => {
      const plan = planHpa(behavior({}), observe(1, { milli: 1000 }));
      expect(plan.rescale?.replicas).to.equal(5);
      expect(conditions(plan)).to.include({ ScalingLimited: 'True ScaleUpLimit' });
    });
    it('a scale-up within the period counts against the policy (scale events)', () => {
      const hpa = behavior({ scaleUp: { policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } });
      let plan = planHpa(hpa, observe(2, { milli: 500 }));
      expect(plan.rescale?.replicas).to.equal(4);
      plan = completeRescale(hpa, plan, {}, NOW);
      const again = planHpa(hpa, { ...observe(4, { milli: 500 }), now: NOW + 30_000, history: plan.history });
      expect(again.rescale).to.equal(undefined); // the period started at 2: 2 + 2 = 4 already
      const later = planHpa(hpa, { ...observe(4, { milli: 500 }), now: NOW + 61_000, history: plan.history });
      expect(later.rescale?.replicas).to.equal(6);
    });
    it('stabilizationWindowSeconds 0 for scale-down: down at once', () => {
      const plan = planHpa(
        behavior({ scaleDown: { stabilizationWindowSeconds: 0 } }),
        observe(4, { milli: 10 }),
      );
      expect(plan.rescale?.replicas).to.equal(1);
    });
    it('a scale-down policy of 1 pod per minute', () => {
      const hpa = behavior({
        scaleDown: {
          stabilizationWindowSeconds: 0,
          policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
        },
      });
      const plan = planHpa(hpa, observe(4, { milli: 10 }));
      expect(plan.rescale?.replicas).to.equal(3);
      expect(conditions(plan)).to.include({ ScalingLimited: 'True ScaleDownLimit' });
    });
    it('selectPolicy Disabled: no scale-up', () => {
      const plan = planHpa(behavior({ scaleUp: { selectPolicy: 'Disabled' } }), observe(2, { milli: 500 }));
      expect(plan.rescale).to.equal(undefined);
    });
  });

  it('a pod without a cpu request: ScalingActive False FailedGetResourceMetric, events as upstream', () => {
    const ps = [aPod('web-0'), aPod('web-1', { request: null })];
    const plan = planHpa(anHpa(), observe(2, { pods: ps, milli: 90 }));
    expect(plan.rescale).to.equal(undefined);
    expect(conditions(plan)).to.include({ ScalingActive: 'False FailedGetResourceMetric' });
    expect(plan.status.conditions?.find((c) => c.type === 'ScalingActive')?.message).to.equal(
      'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod web-1',
    );
    expect(plan.events.map((e) => `${e.type} ${e.reason}: ${e.message}`)).to.deep.equal([
      'Warning FailedGetResourceMetric: failed to get cpu utilization: missing request for cpu in container app of Pod web-1',
      'Warning FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: missing request for cpu in container app of Pod web-1',
    ]);
  });

  it('no scale: FailedGetScale event and condition', () => {
    const plan = planHpa(anHpa(), { ...observe(1), scale: { error: 'deployments.apps "web" not found' } });
    expect(plan.events).to.deep.equal([
      { type: 'Warning', reason: 'FailedGetScale', message: 'deployments.apps "web" not found' },
    ]);
    expect(conditions(plan)).to.deep.equal({ AbleToScale: 'False FailedGetScale' });
  });

  it('completeRescale: SuccessfulRescale with lastScaleTime, or FailedRescale with FailedUpdateScale', () => {
    const hpa = anHpa();
    const plan = planHpa(hpa, observe(2, { milli: 90 }));
    const ok = completeRescale(hpa, plan, {}, NOW);
    expect(ok.status.lastScaleTime).to.equal(iso(NOW));
    expect(ok.events.at(-1)).to.deep.equal({
      type: 'Normal',
      reason: 'SuccessfulRescale',
      message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target',
    });
    const failed = completeRescale(hpa, plan, { error: 'boom' }, NOW);
    expect(conditions(failed)).to.include({ AbleToScale: 'False FailedUpdateScale' });
    expect(failed.events.at(-1)?.message).to.equal(
      'New size: 4; reason: cpu resource utilization (percentage of request) above target; error: boom',
    );
  });

  it('keeps lastTransitionTime while a condition keeps its status', () => {
    const first = planHpa(anHpa(), observe(2));
    const hpa = { ...anHpa(), status: first.status };
    const second = planHpa(hpa, { ...observe(2), now: NOW + 15_000 });
    const t = (p: typeof first) =>
      p.status.conditions?.find((c) => c.type === 'ScalingActive')?.lastTransitionTime;
    expect(t(second)).to.equal(t(first));
  });
});

describe('resourceReplicas (replica_calculator.go)', () => {
  const calc = (ps: Pod[], values: Record<string, number>, current = ps.length, target = 50) =>
    resourceReplicas({
      currentReplicas: current,
      resource: 'cpu',
      target: { utilization: target },
      pods: ps,
      metrics: { values: new Map(Object.entries(values)), at: NOW, windowMs: 10_000 },
      tolerance: 0.1,
      now: NOW,
    });
  it('utilization is sum(usage)/sum(requests) over the pods with samples', () => {
    const ps = [aPod('a'), aPod('b', { request: '300m' })];
    expect(calc(ps, { a: 100, b: 100 })).to.deep.equal({ replicas: 2, utilization: 50, averageMilli: 100 });
  });
  it('deleted and failed pods are ignored', () => {
    const ps = [aPod('a'), aPod('b', { deleting: true }), aPod('c', { phase: 'Failed' })];
    expect(calc(ps, { a: 100, b: 1000, c: 1000 }, 3)).to.deep.include({ replicas: 2, utilization: 100 });
  });
  it('an unready pod counts as idle on a scale-up', () => {
    const ps = [aPod('a'), aPod('b'), aPod('c', { ready: false, started: NOW - 60_000 })];
    // ready pods at 100%: 2 -> 4 on their own; with c idle the ratio is 200/300 -> ceil(1.33 x 3) = 4
    expect(calc(ps, { a: 100, b: 100, c: 100 }, 3)).to.deep.include({ replicas: 4 });
  });
  it('a pod with no sample counts at its request on a scale-down (a smaller step)', () => {
    const ps = [aPod('a'), aPod('b'), aPod('c')];
    // a, b at 10%: alone 1 replica; c at 100%: (10+10+100)/300 = 40% -> ceil(0.8 x 3) = 3: no change
    expect(calc(ps, { a: 10, b: 10 }, 3)).to.deep.include({ replicas: 3 });
  });
  it('errors as upstream: no samples, no pods, all unready', () => {
    expect(calc([aPod('a')], {})).to.deep.equal({
      error: 'unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    });
    expect(calc([], { a: 1 }, 1)).to.deep.equal({
      error: 'no pods returned by selector while calculating replica count',
    });
    expect(calc([aPod('a', { phase: 'Pending' })], { a: 1 })).to.deep.equal({
      error: 'did not receive metrics for targeted pods (pods might be unready)',
    });
  });
  it('a cpu sample taken within a window of the pod becoming ready is not trusted', () => {
    const ps = [aPod('a'), aPod('b', { started: NOW - 5_000 })];
    // trusted, both at 200% would ask for 4; b counted idle: (100 + 0) / 200 = 50%, at target: 2 stay
    expect(calc(ps, { a: 100, b: 100 }, 2)).to.deep.include({ replicas: 2, utilization: 100 });
  });
});
