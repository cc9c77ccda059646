// What a pod asks of the node, as the scheduler counts it (resourcehelper.PodRequests): its containers'
// requests summed, sidecars (restartable init containers) added, each plain init container with the
// sidecars started before it, the larger of the two, then the pod's overhead. A request left unset is its
// limit (the API's defaulting).
import { parseQuantity } from '../model/quantity';
import { isSidecar } from '../model/pod-predicates';
import type { Container, Pod } from '../model/pod';

/** The resources NodeResourcesFit weighs: cpu in millicores (whole numbers, as upstream's MilliValue, so sums
 * are exact), memory and storage in bytes. */
export const FIT_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;
export type FitResource = (typeof FIT_RESOURCES)[number];
export type Requests = Record<FitResource, number>;

const zero = (): Requests => ({ cpu: 0, memory: 0, 'ephemeral-storage': 0 });

/** A resource's amount in its fit unit (millicores for cpu, rounded up as MilliValue), undefined when absent. */
export function fitAmount(name: FitResource, q: unknown): number | undefined {
  const v = typeof q === 'string' || typeof q === 'number' ? parseQuantity(q) : undefined;
  if (v === undefined) return undefined;
  return name === 'cpu' ? Math.ceil(Math.round(v * 1e9) / 1e6) : Math.ceil(v);
}

function quantity(list: unknown, name: FitResource): number | undefined {
  return typeof list === 'object' && list !== null
    ? fitAmount(name, (list as Record<string, unknown>)[name])
    : undefined;
}

function containerRequests(c: Container): Requests {
  const out = zero();
  for (const r of FIT_RESOURCES)
    out[r] = quantity(c.resources?.requests, r) ?? quantity(c.resources?.limits, r) ?? 0;
  return out;
}

const add = (a: Requests, b: Requests): Requests => {
  const out = zero();
  for (const r of FIT_RESOURCES) out[r] = a[r] + b[r];
  return out;
};

const max = (a: Requests, b: Requests): Requests => {
  const out = zero();
  for (const r of FIT_RESOURCES) out[r] = Math.max(a[r], b[r]);
  return out;
};

export function podRequests(pod: Pod): Requests {
  let reqs = pod.spec.containers.reduce((sum, c) => add(sum, containerRequests(c)), zero());
  let sidecars = zero();
  let init = zero();
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c);
    if (isSidecar(c)) {
      reqs = add(reqs, r);
      sidecars = add(sidecars, r);
    } else init = max(init, add(r, sidecars));
  }
  reqs = max(reqs, init);
  const overhead = zero();
  for (const r of FIT_RESOURCES) overhead[r] = quantity(pod.spec['overhead'], r) ?? 0;
  return add(reqs, overhead);
}
