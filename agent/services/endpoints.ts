// Pure: the Endpoints of a Service from the pods it selects. Only pods that are Ready count as
// addresses (seed rule 3: a pod still running init containers is never an endpoint).
import type { Pod } from '../model/pod';
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Service } from '../model/service';

export const selects = (
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

export const isReady = (pod: Pod): boolean =>
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

/** The pod's hostname when its subdomain names the Service (upstream's ShouldSetHostname). */
export const hostnameFor = (pod: Pod, svc: Service): string | undefined =>
  pod.spec.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;

/** The Service's ports as this pod serves them (a targetPort name the pod lacks: left out). */
export function podPorts(svc: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const p of svc.spec.ports) {
    const port = resolvePort(pod, p.targetPort);
    if (port !== undefined) ports.push({ ...(p.name ? { name: p.name } : {}), port, protocol: p.protocol });
  }
  return ports;
}

/**
 * The pods of the Service's namespace its selector matches that have an address and are not done (upstream's
 * ShouldPodBeInEndpoints); terminating pods only when `terminating` (EndpointSlices keep them, marked).
 */
export function selectedPods(svc: Service, pods: readonly Pod[], terminating: boolean): Pod[] {
  const selector = svc.spec.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return pods.filter(
    (pod) =>
      pod.metadata.namespace === svc.metadata.namespace &&
      selects(selector, pod.metadata.labels) &&
      pod.status.podIP &&
      (terminating || pod.metadata.deletionTimestamp === undefined) &&
      pod.status.phase !== 'Succeeded' &&
      pod.status.phase !== 'Failed',
  );
}

function address(pod: Pod, svc: Service, nodeName: string): EndpointAddress {
  const m = pod.metadata;
  const hostname = hostnameFor(pod, svc);
  return {
    ip: pod.status.podIP ?? '',
    ...(hostname ? { hostname } : {}),
    nodeName,
    targetRef: { kind: 'Pod', name: m.name, namespace: m.namespace, uid: m.uid },
  };
}

/** Addresses in a stable order (10.0.0.9 before 10.0.0.10). */
export const compareIps = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** Subsets grouped by the pod's resolved port list, addresses sorted by IP for stable output. */
export function computeSubsets(svc: Service, pods: readonly Pod[], nodeName: string): EndpointSubset[] {
  const groups = new Map<
    string,
    { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  for (const pod of selectedPods(svc, pods, false)) {
    const ports = podPorts(svc, pod);
    const key = JSON.stringify(ports);
    const g = groups.get(key) ?? { ports, ready: [], notReady: [] };
    const ready = isReady(pod) || svc.spec.publishNotReadyAddresses === true;
    (ready ? g.ready : g.notReady).push(address(pod, svc, nodeName));
    groups.set(key, g);
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress): number => compareIps(a.ip, b.ip);
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
