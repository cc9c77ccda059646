// Pure: the replica count one Resource metric proposes, as upstream's replica_calculator.go computes it
// (GetResourceReplicas for a Utilization target, GetRawResourceReplicas for an AverageValue one): the
// target's pods grouped (ignored: deleted or Failed; unready: Pending, or for cpu not Ready in its start-up;
// missing: no sample), utilization = sum(usage) / sum(requests) over the pods with samples, the ratio to the
// target within the tolerance keeps the count, missing and unready pods counted conservatively.
import type { Pod } from '../model/pod';
import { parseQuantity } from '../model/quantity';

/** upstream's --horizontal-pod-autoscaler-cpu-initialization-period and -initial-readiness-delay. */
const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
const DELAY_OF_INITIAL_READINESS_MS = 30_000;

/** One sample of each pod's usage of the resource, in milli-units (millicores, millibytes), by pod name. */
export interface PodMetrics {
  values: Map<string, number>;
  /** When the sample was taken and the window it covers (ms). */
  at: number;
  windowMs: number;
}

export type ResourceTarget = { utilization: number } | { averageMilli: number };

export interface Proposal {
  replicas: number;
  /** Percentage of request (Utilization targets only). */
  utilization?: number;
  /** Average usage per pod, milli-units. */
  averageMilli: number;
}

export interface CalculatorInput {
  currentReplicas: number;
  resource: string;
  target: ResourceTarget;
  pods: Pod[];
  metrics: PodMetrics;
  tolerance: number;
  now: number;
}

const ms = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);

/** groupPods: how many pods count, and which are unready, missing and ignored. */
function groupPods(input: CalculatorInput): {
  ready: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
} {
  const { pods, metrics, resource, now } = input;
  const out = {
    ready: 0,
    unready: new Set<string>(),
    missing: new Set<string>(),
    ignored: new Set<string>(),
  };
  for (const pod of pods) {
    const name = pod.metadata.name;
    if (pod.metadata.deletionTimestamp || pod.status.phase === 'Failed') out.ignored.add(name);
    else if (pod.status.phase === 'Pending') out.unready.add(name);
    else if (!metrics.values.has(name)) out.missing.add(name);
    else if (resource === 'cpu' && cpuUnready(pod, metrics, now)) out.unready.add(name);
    else out.ready++;
  }
  return out;
}

/** A cpu sample is not trusted while the pod starts: unready, or taken before a window passed since it became ready. */
function cpuUnready(pod: Pod, metrics: PodMetrics, now: number): boolean {
  const ready = pod.status.conditions?.find((c) => c.type === 'Ready');
  const start = ms(pod.status.startTime);
  if (!ready || start === undefined) return true;
  const transition = ms(ready.lastTransitionTime) ?? 0;
  if (start + CPU_INITIALIZATION_PERIOD_MS > now)
    return ready.status === 'False' || metrics.at < transition + metrics.windowMs;
  return ready.status === 'False' && start + DELAY_OF_INITIAL_READINESS_MS > transition;
}

/** calculatePodRequests: each pod's summed container requests of the resource, milli-units. */
function podRequests(pods: Pod[], resource: string): Map<string, number> | string {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    for (const c of pod.spec.containers) {
      const q = c.resources?.requests?.[resource];
      const value = q === undefined ? undefined : parseQuantity(q);
      if (value === undefined)
        return `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`;
      sum += Math.round(value * 1000);
    }
    out.set(pod.metadata.name, sum);
  }
  return out;
}

interface Ratio {
  ratio: number;
  utilization?: number;
  averageMilli: number;
}

/** GetResourceUtilizationRatio / GetMetricUsageRatio over the pods with a sample. */
function ratioOf(
  values: Map<string, number>,
  requests: Map<string, number>,
  target: ResourceTarget,
): Ratio | string {
  if ('averageMilli' in target) {
    const total = [...values.values()].reduce((a, b) => a + b, 0);
    const average = Math.trunc(total / values.size);
    return { ratio: average / target.averageMilli, averageMilli: average };
  }
  let usage = 0;
  let request = 0;
  let n = 0;
  for (const [pod, value] of values) {
    const r = requests.get(pod);
    if (r === undefined) continue;
    usage += value;
    request += r;
    n++;
  }
  if (request === 0) return 'no metrics returned matched known pods';
  const utilization = Math.trunc((usage * 100) / request);
  return { ratio: utilization / target.utilization, utilization, averageMilli: Math.trunc(usage / n) };
}

/** The proposal, or the error upstream's calculator returns (worded as upstream's). */
export function resourceReplicas(input: CalculatorInput): Proposal | { error: string } {
  const { currentReplicas, resource, target, tolerance } = input;
  if (input.metrics.values.size === 0)
    return {
      error: `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`,
    };
  if (input.pods.length === 0)
    return { error: 'no pods returned by selector while calculating replica count' };
  const groups = groupPods(input);
  const values = new Map(
    [...input.metrics.values].filter(([p]) => !groups.ignored.has(p) && !groups.unready.has(p)),
  );
  if (values.size === 0)
    return { error: 'did not receive metrics for targeted pods (pods might be unready)' };
  // An AverageValue target needs no requests (GetRawResourceReplicas).
  const requests = 'utilization' in target ? podRequests(input.pods, resource) : new Map<string, number>();
  if (typeof requests === 'string') return { error: requests };
  const first = ratioOf(values, requests, target);
  if (typeof first === 'string') return { error: first };
  const within = (r: number): boolean => Math.abs(1 - r) <= tolerance;
  const keep = { replicas: currentReplicas, averageMilli: first.averageMilli, ...utilizationOf(first) };
  const scaleUpWithUnready = groups.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (within(first.ratio)) return keep;
    return { ...keep, replicas: Math.ceil(first.ratio * groups.ready) };
  }
  // Missing pods: at the target (at least their request) on a scale-down, idle on a scale-up; unready pods idle.
  for (const pod of groups.missing) {
    if (first.ratio < 1) values.set(pod, fallbackUsage(pod, requests, target));
    else if (first.ratio > 1) values.set(pod, 0);
  }
  if (scaleUpWithUnready) for (const pod of groups.unready) values.set(pod, 0);
  const second = ratioOf(values, requests, target);
  if (typeof second === 'string') return { error: second };
  const flipped = (first.ratio < 1 && second.ratio > 1) || (first.ratio > 1 && second.ratio < 1);
  if (within(second.ratio) || flipped) return keep;
  const replicas = Math.ceil(second.ratio * values.size);
  if ((second.ratio < 1 && replicas > currentReplicas) || (second.ratio > 1 && replicas < currentReplicas))
    return keep;
  return { ...keep, replicas };
}

const utilizationOf = (r: Ratio): { utilization?: number } =>
  r.utilization !== undefined ? { utilization: r.utilization } : {};

function fallbackUsage(pod: string, requests: Map<string, number>, target: ResourceTarget): number {
  if ('averageMilli' in target) return target.averageMilli;
  return Math.trunc(((requests.get(pod) ?? 0) * Math.max(100, target.utilization)) / 100);
}
