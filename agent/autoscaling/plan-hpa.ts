// Pure: one pass of upstream's HPA controller (horizontal.go reconcileAutoscaler) for one
// HorizontalPodAutoscaler: the target's scale and its pods' usage in, the desired replicas, status,
// conditions and events out. The history (recommendations for the stabilization windows, past scale
// events for the scaling policies) is upstream's controller memory: passed in and handed back.
import { isoTime } from '../clock';
import {
  DEFAULT_DOWNSCALE_STABILIZATION_SECONDS,
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP,
  type HorizontalPodAutoscaler,
  type HorizontalPodAutoscalerStatus,
  type HpaCondition,
  type MetricSpec,
  type MetricStatus,
  type ScalingRules,
} from '../model/hpa';
import type { Pod } from '../model/pod';
import { parseQuantity } from '../model/quantity';
import { setCondition } from './hpa-conditions';
import { type PodMetrics, type ResourceTarget, resourceReplicas } from './replica-calculator';

/** upstream's --horizontal-pod-autoscaler-tolerance. */
export const DEFAULT_TOLERANCE = 0.1;

interface Recommendation {
  at: number;
  replicas: number;
}
interface ScaleEvent {
  at: number;
  change: number;
}
export interface HpaHistory {
  recommendations: Recommendation[];
  scaleUp: ScaleEvent[];
  scaleDown: ScaleEvent[];
}
export const emptyHistory = (): HpaHistory => ({ recommendations: [], scaleUp: [], scaleDown: [] });

export interface HpaObserved {
  /** The target's scale subresource, or why it could not be read (worded as the API's error). */
  scale: { specReplicas: number; statusReplicas: number } | { error: string };
  /** The pods of the target's selector. */
  pods: Pod[];
  /** The pods' usage of a resource (`cpu`, `memory`). */
  metrics: (resource: string) => PodMetrics;
  now: number;
  history: HpaHistory;
  tolerance?: number;
  downscaleStabilizationSeconds?: number;
}

export interface HpaEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface HpaPlan {
  status: HorizontalPodAutoscalerStatus;
  /** The target's new spec.replicas: write it, then completeRescale with the outcome. */
  rescale?: { from: number; replicas: number; reason: string };
  events: HpaEvent[];
  history: HpaHistory;
}

/** Which rules a pass scales by: spec.behavior's (defaulted) or, without one, upstream's older fixed rules. */
interface Rules {
  up: Required<ScalingRules>;
  down: Required<ScalingRules>;
}

export function planHpa(hpa: HorizontalPodAutoscaler, o: HpaObserved): HpaPlan {
  const now = o.now;
  const events: HpaEvent[] = [];
  let conditions = [...(hpa.status.conditions ?? [])];
  const set = (
    type: HpaCondition['type'],
    status: HpaCondition['status'],
    reason: string,
    message: string,
  ): void => {
    conditions = setCondition(conditions, type, status, reason, message, now);
  };
  const history: HpaHistory = structuredClone(o.history);
  const status = (
    currentReplicas: number,
    desiredReplicas: number,
    currentMetrics: MetricStatus[],
  ): HorizontalPodAutoscalerStatus => ({
    ...(hpa.status.lastScaleTime ? { lastScaleTime: hpa.status.lastScaleTime } : {}),
    currentReplicas,
    desiredReplicas,
    ...(currentMetrics.length ? { currentMetrics } : {}),
    conditions,
  });

  if ('error' in o.scale) {
    events.push({ type: 'Warning', reason: 'FailedGetScale', message: o.scale.error });
    set(
      'AbleToScale',
      'False',
      'FailedGetScale',
      `the HPA controller was unable to get the target's current scale: ${o.scale.error}`,
    );
    return { status: { ...hpa.status, conditions }, events, history };
  }
  set(
    'AbleToScale',
    'True',
    'SucceededGetScale',
    "the HPA controller was able to get the target's current scale",
  );
  const current = o.scale.specReplicas;
  // recordInitialRecommendation: the current count is the first recommendation
  if (!history.recommendations.length) history.recommendations.push({ at: now, replicas: current });
  const min = hpa.spec.minReplicas ?? 1;
  const max = hpa.spec.maxReplicas;

  let desired = 0;
  let reason = '';
  let metricStatuses: MetricStatus[] = [];
  if (current === 0 && min !== 0) {
    set(
      'ScalingActive',
      'False',
      'ScalingDisabled',
      'scaling is disabled since the replica count of the target is zero',
    );
    return { status: status(current, 0, []), events, history };
  }
  if (current > max) {
    reason = 'Current number of replicas above Spec.MaxReplicas';
    desired = max;
  } else if (current < min) {
    reason = 'Current number of replicas below Spec.MinReplicas';
    desired = min;
  } else {
    const computed = computeReplicasForMetrics(hpa, o, current, events);
    metricStatuses = computed.statuses;
    if (computed.invalid) {
      set(computed.invalid.type, computed.invalid.status, computed.invalid.reason, computed.invalid.message);
      events.push({ type: 'Warning', reason: 'FailedComputeMetricsReplicas', message: computed.error ?? '' });
      return { status: status(current, hpa.status.desiredReplicas ?? 0, metricStatuses), events, history };
    }
    set(
      'ScalingActive',
      'True',
      'ValidMetricFound',
      `the HPA was able to successfully calculate a replica count from ${computed.metric}`,
    );
    desired = computed.replicas;
    if (desired > current) reason = `${computed.metric} above target`;
    if (desired < current) reason = 'All metrics below target';
    desired = hpa.spec.behavior
      ? normalizeWithBehaviors(hpa, rulesOf(hpa), current, desired, min, now, history, set)
      : normalize(current, desired, min, max, now, history, set, o.downscaleStabilizationSeconds);
  }
  if (desired === current) return { status: status(current, current, metricStatuses), events, history };
  return {
    status: status(current, desired, metricStatuses),
    rescale: { from: current, replicas: desired, reason },
    events,
    history,
  };
}

/** The outcome of writing the target's scale: status, conditions and events as upstream words them. */
export function completeRescale(
  hpa: HorizontalPodAutoscaler,
  plan: HpaPlan,
  outcome: { error?: string },
  now: number,
): HpaPlan {
  const r = plan.rescale;
  if (!r) return plan;
  const conditions = plan.status.conditions ?? [];
  if (outcome.error !== undefined) {
    return {
      ...plan,
      status: {
        ...plan.status,
        desiredReplicas: hpa.status.desiredReplicas ?? 0,
        conditions: setCondition(
          conditions,
          'AbleToScale',
          'False',
          'FailedUpdateScale',
          `the HPA controller was unable to update the target scale: ${outcome.error}`,
          now,
        ),
      },
      events: [
        ...plan.events,
        {
          type: 'Warning',
          reason: 'FailedRescale',
          message: `New size: ${r.replicas}; reason: ${r.reason}; error: ${outcome.error}`,
        },
      ],
    };
  }
  const history = structuredClone(plan.history);
  if (hpa.spec.behavior) storeScaleEvent(history, rulesOf(hpa), r.from, r.replicas, now);
  return {
    ...plan,
    status: {
      ...plan.status,
      lastScaleTime: isoTime(now),
      conditions: setCondition(
        conditions,
        'AbleToScale',
        'True',
        'SucceededRescale',
        `the HPA controller was able to update the target scale to ${r.replicas}`,
        now,
      ),
    },
    events: [
      ...plan.events,
      {
        type: 'Normal',
        reason: 'SuccessfulRescale',
        message: `New size: ${r.replicas}; reason: ${r.reason}`,
      },
    ],
    history,
  };
}

interface Computed {
  replicas: number;
  metric: string;
  statuses: MetricStatus[];
  invalid?: Omit<HpaCondition, 'lastTransitionTime'>;
  error?: string;
}

/** computeReplicasForMetrics: the largest proposal; all metrics invalid (or some, on a scale-down) is an error. */
function computeReplicasForMetrics(
  hpa: HorizontalPodAutoscaler,
  o: HpaObserved,
  current: number,
  events: HpaEvent[],
): Computed {
  const specs = hpa.spec.metrics ?? [];
  const statuses: MetricStatus[] = [];
  let replicas = 0;
  let metric = '';
  let invalidCount = 0;
  let firstError: { condition: Omit<HpaCondition, 'lastTransitionTime'>; error: string } | undefined;
  for (const spec of specs) {
    const r = computeForMetric(spec, o, current);
    statuses.push(r.status ?? ({ type: '' } as unknown as MetricStatus));
    if ('error' in r) {
      // getUnableComputeReplicaCountCondition: an event for each failing metric, the first one's condition
      events.push({ type: 'Warning', reason: r.reason, message: r.inner });
      firstError ??= {
        condition: {
          type: 'ScalingActive',
          status: 'False',
          reason: r.reason,
          message: `the HPA was unable to compute the replica count: ${r.inner}`,
        },
        error: r.error,
      };
      invalidCount++;
      continue;
    }
    if (replicas === 0 || r.replicas > replicas) {
      replicas = r.replicas;
      metric = r.metric;
    }
  }
  const error =
    firstError &&
    `invalid metrics (${invalidCount} invalid out of ${specs.length}), first error is: ${firstError.error}`;
  if (firstError && (invalidCount >= specs.length || replicas < current))
    return { replicas: -1, metric: '', statuses, invalid: firstError.condition, ...(error ? { error } : {}) };
  return { replicas, metric, statuses };
}

type MetricResult =
  | { replicas: number; metric: string; status: MetricStatus }
  | { error: string; reason: string; inner: string; status?: undefined };

/** computeReplicasForMetric for a Resource metric; other sources have no metrics API here. */
function computeForMetric(spec: MetricSpec, o: HpaObserved, current: number): MetricResult {
  if (spec.type !== 'Resource' || !spec.resource) {
    const inner = `unable to get metric of source type ${spec.type}: only Resource metrics (cpu, memory) are served by this node`;
    return {
      reason: `FailedGet${spec.type}Metric`,
      inner,
      error: `failed to get ${spec.type.toLowerCase()} metric value: ${inner}`,
    };
  }
  const { name, target } = spec.resource;
  const average = target.averageValue !== undefined ? parseQuantity(target.averageValue) : undefined;
  const t: ResourceTarget | undefined =
    average !== undefined
      ? { averageMilli: Math.round(average * 1000) }
      : target.averageUtilization !== undefined
        ? { utilization: target.averageUtilization }
        : undefined;
  const fail = (inner: string): MetricResult => ({
    reason: 'FailedGetResourceMetric',
    inner,
    error: `failed to get ${name} resource metric value: ${inner}`,
  });
  if (!t)
    return fail(
      'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set',
    );
  const p = resourceReplicas({
    currentReplicas: current,
    resource: name,
    target: t,
    pods: o.pods,
    metrics: o.metrics(name),
    tolerance: o.tolerance ?? DEFAULT_TOLERANCE,
    now: o.now,
  });
  if ('error' in p)
    return fail(`failed to get ${name} ${'utilization' in t ? 'utilization' : 'usage'}: ${p.error}`);
  const averageValue = milliQuantity(p.averageMilli);
  return {
    replicas: p.replicas,
    metric: 'utilization' in t ? `${name} resource utilization (percentage of request)` : `${name} resource`,
    status: {
      type: 'Resource',
      resource: {
        name,
        current: {
          ...(p.utilization !== undefined ? { averageUtilization: p.utilization } : {}),
          averageValue,
        },
      },
    },
  };
}

/** resource.NewMilliQuantity(v, DecimalSI).String(): `250m`, `1`, `128Mi` is not made (DecimalSI: `134217728`). */
export function milliQuantity(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

function rulesOf(hpa: HorizontalPodAutoscaler): Rules {
  const b = hpa.spec.behavior ?? {};
  return {
    up: { ...DEFAULT_SCALE_UP, ...b.scaleUp },
    down: {
      ...DEFAULT_SCALE_DOWN,
      stabilizationWindowSeconds: DEFAULT_DOWNSCALE_STABILIZATION_SECONDS,
      ...Object.fromEntries(Object.entries(b.scaleDown ?? {}).filter(([, v]) => v !== undefined)),
    },
  };
}

type SetCondition = (
  type: HpaCondition['type'],
  status: HpaCondition['status'],
  reason: string,
  message: string,
) => void;

/** A condition's reason and message. */
type Why = readonly [string, string];

const STABILIZED_DOWN = [
  'ScaleDownStabilized',
  'recent recommendations were higher than current one, applying the highest recent recommendation',
] as const;
const READY = ['ReadyForNewScale', 'recommended size matches current size'] as const;
const WITHIN = ['DesiredWithinRange', 'the desired count is within the acceptable range'] as const;
const UP_LIMIT = [
  'ScaleUpLimit',
  'the desired replica count is increasing faster than the maximum scale rate',
] as const;
const TOO_MANY = [
  'TooManyReplicas',
  'the desired replica count is more than the maximum replica count',
] as const;
const TOO_FEW = [
  'TooFewReplicas',
  'the desired replica count is less than the minimum replica count',
] as const;

/** normalizeDesiredReplicas (no spec.behavior): the highest recommendation of the downscale window, then
 * the fixed limits (at most max(2 x current, 4), within min and max). */
function normalize(
  current: number,
  desired: number,
  min: number,
  max: number,
  now: number,
  history: HpaHistory,
  set: SetCondition,
  windowSeconds = DEFAULT_DOWNSCALE_STABILIZATION_SECONDS,
): number {
  const cutoff = now - windowSeconds * 1000;
  history.recommendations = history.recommendations.filter((r) => r.at >= cutoff);
  const stabilized = Math.max(desired, ...history.recommendations.map((r) => r.replicas));
  history.recommendations.push({ at: now, replicas: desired });
  const why: Why = stabilized !== desired ? STABILIZED_DOWN : READY;
  set('AbleToScale', 'True', ...why);
  const upLimit = Math.max(2 * current, 4);
  const [maxAllowed, limit] = max > upLimit ? [upLimit, UP_LIMIT] : [max, TOO_MANY];
  let out: [number, readonly [string, string]] = [stabilized, WITHIN];
  if (stabilized < min) out = [min, TOO_FEW];
  else if (stabilized > maxAllowed) out = [maxAllowed, limit];
  set('ScalingLimited', out[0] === stabilized ? 'False' : 'True', ...out[1]);
  return out[0];
}

/** normalizeDesiredReplicasWithBehaviors: both stabilization windows, then the scaling policies' rate. */
function normalizeWithBehaviors(
  hpa: HorizontalPodAutoscaler,
  rules: Rules,
  current: number,
  desired: number,
  min: number,
  now: number,
  history: HpaHistory,
  set: SetCondition,
): number {
  const upCutoff = now - rules.up.stabilizationWindowSeconds * 1000;
  const downCutoff = now - rules.down.stabilizationWindowSeconds * 1000;
  let up = desired;
  let down = desired;
  for (const r of history.recommendations) {
    if (r.at > upCutoff) up = Math.min(r.replicas, up);
    if (r.at > downCutoff) down = Math.max(r.replicas, down);
  }
  const stabilized = Math.min(Math.max(current, up), down);
  history.recommendations = history.recommendations.filter((r) => r.at > Math.min(upCutoff, downCutoff));
  history.recommendations.push({ at: now, replicas: desired });
  if (stabilized !== desired) {
    if (desired >= current)
      set(
        'AbleToScale',
        'True',
        'ScaleUpStabilized',
        'recent recommendations were lower than current one, applying the lowest recent recommendation',
      );
    else set('AbleToScale', 'True', ...STABILIZED_DOWN);
  } else set('AbleToScale', 'True', ...READY);
  let out: [number, readonly [string, string]] = [stabilized, WITHIN];
  if (stabilized > current) {
    const limit = Math.max(current, scaleUpLimit(current, history, rules.up, now));
    const [maxAllowed, why] =
      hpa.spec.maxReplicas > limit ? [limit, UP_LIMIT] : [hpa.spec.maxReplicas, TOO_MANY];
    if (stabilized > maxAllowed) out = [maxAllowed, why];
  } else if (stabilized < current) {
    const limit = Math.min(current, scaleDownLimit(current, history, rules.down, now));
    const [minAllowed, why] =
      min < limit
        ? [
            limit,
            [
              'ScaleDownLimit',
              'the desired replica count is decreasing faster than the maximum scale rate',
            ] as const,
          ]
        : [min, TOO_FEW];
    if (stabilized < minAllowed) out = [minAllowed, why];
  }
  set('ScalingLimited', out[0] === stabilized ? 'False' : 'True', ...out[1]);
  return out[0];
}

const changeIn = (events: ScaleEvent[], periodSeconds: number, now: number): number =>
  events.filter((e) => e.at > now - periodSeconds * 1000).reduce((a, e) => a + e.change, 0);

/** calculateScaleUpLimitWithScalingRules: each policy's bound from the count at its period's start. */
function scaleUpLimit(current: number, h: HpaHistory, rules: Required<ScalingRules>, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const proposals = rules.policies.map((p) => {
    const start =
      current - changeIn(h.scaleUp, p.periodSeconds, now) + changeIn(h.scaleDown, p.periodSeconds, now);
    return p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
  });
  return rules.selectPolicy === 'Min' ? Math.min(...proposals) : Math.max(...proposals);
}

/** calculateScaleDownLimitWithBehaviors. */
function scaleDownLimit(current: number, h: HpaHistory, rules: Required<ScalingRules>, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const proposals = rules.policies.map((p) => {
    const start =
      current - changeIn(h.scaleUp, p.periodSeconds, now) + changeIn(h.scaleDown, p.periodSeconds, now);
    return p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
  });
  return rules.selectPolicy === 'Min' ? Math.max(...proposals) : Math.min(...proposals);
}

/** storeScaleEvent: the change, kept as long as the longest policy period of its direction. */
function storeScaleEvent(h: HpaHistory, rules: Rules, from: number, to: number, now: number): void {
  const [events, r] = to > from ? [h.scaleUp, rules.up] : [h.scaleDown, rules.down];
  const longest = Math.max(...r.policies.map((p) => p.periodSeconds));
  const kept = events.filter((e) => e.at > now - longest * 1000);
  kept.push({ at: now, change: Math.abs(to - from) });
  if (to > from) h.scaleUp = kept;
  else h.scaleDown = kept;
}
