// Pure: the Endpoints of a Service from the pods it selects. Only pods that are Ready count as
// addresses (seed rule 3: a pod still running init containers is never an endpoint).
import type { Pod } from '../model/pod';
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Service } from '../model/service';

export const selects = (
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

const isReady = (pod: Pod): boolean =>
  pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** targetPort by number, or by the name of a container port of the pod. */
function resolvePort(pod: Pod, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  for (const c of pod.spec.containers) {
    const p = c.ports?.find((x) => x.name === target);
    if (p) return p.containerPort;
  }
  return undefined;
}

function address(pod: Pod, svc: Service, nodeName: string): EndpointAddress {
  const m = pod.metadata;
  const hostname =
    pod.spec.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;
  return {
    ip: pod.status.podIP ?? '',
    ...(hostname ? { hostname } : {}),
    nodeName,
    targetRef: { kind: 'Pod', name: m.name, namespace: m.namespace, uid: m.uid },
  };
}

/** Subsets grouped by the pod's resolved port list, addresses sorted by IP for stable output. */
export function computeSubsets(svc: Service, pods: readonly Pod[], nodeName: string): EndpointSubset[] {
  const selector = svc.spec.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const groups = new Map<
    string,
    { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  for (const pod of pods) {
    if (pod.metadata.namespace !== svc.metadata.namespace || !selects(selector, pod.metadata.labels))
      continue;
    if (!pod.status.podIP || pod.metadata.deletionTimestamp !== undefined) continue;
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
    const ports: EndpointPort[] = [];
    for (const p of svc.spec.ports) {
      const port = resolvePort(pod, p.targetPort);
      if (port !== undefined) ports.push({ ...(p.name ? { name: p.name } : {}), port, protocol: p.protocol });
    }
    const key = JSON.stringify(ports);
    const g = groups.get(key) ?? { ports, ready: [], notReady: [] };
    const ready = isReady(pod) || svc.spec.publishNotReadyAddresses === true;
    (ready ? g.ready : g.notReady).push(address(pod, svc, nodeName));
    groups.set(key, g);
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress): number =>
    a.ip.localeCompare(b.ip, 'en', { numeric: true });
  return [...groups.values()].map((g) => ({
    ...(g.ready.length ? { addresses: g.ready.sort(byIp) } : {}),
    ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  }));
}

export function endpointsFor(svc: Service, pods: readonly Pod[], nodeName: string): Endpoints {
  const subsets = computeSubsets(svc, pods, nodeName);
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      ...(svc.metadata.labels ? { labels: { ...svc.metadata.labels } } : {}),
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
    },
    ...(subsets.length ? { subsets } : {}),
  };
}
