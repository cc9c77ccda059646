// Pure: the `default/kubernetes` Service as kube-apiserver keeps it (pkg/controlplane/controller/kubernetesservice):
// ClusterIP the service range's first address, port 443 `https` to the API's secure port, labels
// component=apiserver and provider=kubernetes; made when missing, reset when edited. Its Endpoints and its
// EndpointSlice `kubernetes` (no managed-by label: the endpoint slice controller leaves it alone, as upstream)
// point at the address pods reach the API on.
import type { EndpointSlice } from '../model/endpoint-slice';
import { SERVICE_NAME_LABEL } from '../model/endpoint-slice';
import type { EndpointSubset, Service } from '../model/service';

export const KUBERNETES_SERVICE = { namespace: 'default', name: 'kubernetes' } as const;
export const KUBERNETES_LABELS: Readonly<Record<string, string>> = {
  component: 'apiserver',
  provider: 'kubernetes',
};
/** Upstream's Endpoints of this Service carry it: the mirroring controller must not copy them into a slice. */
const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
const PORT_NAME = 'https';
const SERVICE_PORT = 443;

/** Where pods reach the API: an address of this host and the port of the pods' HTTPS listener. */
export interface ApiEndpoint {
  ip: string;
  port: number;
}

export const isKubernetesService = (svc: Pick<Service, 'metadata'>): boolean =>
  svc.metadata.namespace === KUBERNETES_SERVICE.namespace && svc.metadata.name === KUBERNETES_SERVICE.name;

/** The ports the Service has: 443 named https, to the API's port (6443 unless configured otherwise). */
const wantedPorts = (targetPort: number): Service['spec']['ports'] => [
  { name: PORT_NAME, protocol: 'TCP', port: SERVICE_PORT, targetPort },
];

/** The body the Service is created with (through the Service registry, which allocates the reserved IP). */
export function kubernetesServiceBody(clusterIP: string, targetPort: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KUBERNETES_SERVICE.name, labels: { ...KUBERNETES_LABELS } },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      ports: wantedPorts(targetPort),
      sessionAffinity: 'None',
    },
  };
}

export type KubernetesServiceAction =
  | { type: 'none' }
  | { type: 'create'; body: Record<string, unknown> }
  /** A Service of that name on another ClusterIP (made before the address was reserved): replaced. */
  | { type: 'recreate'; body: Record<string, unknown> }
  | { type: 'update'; body: Record<string, unknown> }
  /** The first address is held by another Service (stored before it was reserved): nothing can be done. */
  | { type: 'blocked'; holder: string };

export interface KubernetesServiceState {
  existing: Service | undefined;
  /** The range's first address. */
  clusterIP: string;
  /** Who holds that address now ("ns/name"), if anyone. */
  holder: string | undefined;
  targetPort: number;
}

const edited = (svc: Service, targetPort: number): boolean =>
  Object.entries(KUBERNETES_LABELS).some(([k, v]) => svc.metadata.labels?.[k] !== v) ||
  JSON.stringify(svc.spec.ports) !== JSON.stringify(wantedPorts(targetPort)) ||
  svc.spec.type !== 'ClusterIP' ||
  svc.spec.selector !== undefined ||
  svc.spec.sessionAffinity !== 'None';

/** What brings the stored Service to the one kube-apiserver keeps. */
export function planKubernetesService(s: KubernetesServiceState): KubernetesServiceAction {
  const self = `${KUBERNETES_SERVICE.namespace}/${KUBERNETES_SERVICE.name}`;
  const taken = s.holder !== undefined && s.holder !== self;
  if (!s.existing) {
    return taken
      ? { type: 'blocked', holder: s.holder ?? '' }
      : { type: 'create', body: kubernetesServiceBody(s.clusterIP, s.targetPort) };
  }
  if (s.existing.spec.clusterIP !== s.clusterIP) {
    return taken
      ? { type: 'blocked', holder: s.holder ?? '' }
      : { type: 'recreate', body: kubernetesServiceBody(s.clusterIP, s.targetPort) };
  }
  if (!edited(s.existing, s.targetPort)) return { type: 'none' };
  const { selector: _dropped, ...spec } = s.existing.spec;
  return {
    type: 'update',
    body: {
      ...s.existing,
      metadata: { ...s.existing.metadata, labels: { ...s.existing.metadata.labels, ...KUBERNETES_LABELS } },
      spec: { ...spec, type: 'ClusterIP', ports: wantedPorts(s.targetPort), sessionAffinity: 'None' },
    },
  };
}

/** The Endpoints' subsets: the API's address and port, or none while pods have no listener to reach. */
export function kubernetesSubsets(api: ApiEndpoint | undefined): EndpointSubset[] {
  if (!api) return [];
  return [{ addresses: [{ ip: api.ip }], ports: [{ name: PORT_NAME, port: api.port, protocol: 'TCP' }] }];
}

export const kubernetesEndpointsLabels = (): Record<string, string> => ({ [SKIP_MIRROR_LABEL]: 'true' });

/** The EndpointSlice `kubernetes` (contents only: metadata's uid and versions come from the store). */
export function kubernetesSlice(api: ApiEndpoint | undefined): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: KUBERNETES_SERVICE.name,
      namespace: KUBERNETES_SERVICE.namespace,
      labels: { [SERVICE_NAME_LABEL]: KUBERNETES_SERVICE.name },
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
    },
    addressType: 'IPv4',
    endpoints: api
      ? [{ addresses: [api.ip], conditions: { ready: true, serving: true, terminating: false } }]
      : [],
    ports: api ? [{ name: PORT_NAME, port: api.port, protocol: 'TCP' }] : [],
  };
}
