// A discovery.k8s.io/v1 EndpointSlice, as upstream's EndpointSlice controller keeps them for a Service with a
// selector (agent/services/endpoint-slices.ts); kubectl's `describe svc` reads its Endpoints line from these.
import type { ObjectMeta } from './meta';
import type { Protocol } from './service';

/** Which Service a slice belongs to, and who keeps it (upstream's label keys and controller name). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export interface EndpointConditions {
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export interface SliceEndpoint {
  addresses: string[];
  conditions: EndpointConditions;
  hostname?: string;
  nodeName?: string;
  /** Absent for an address that is no pod (the `kubernetes` Service's: the API itself). */
  targetRef?: { kind: 'Pod'; namespace: string; name: string; uid: string };
}

/** Upstream always sets the name, `""` for a Service's unnamed port. */
export interface SlicePort {
  name: string;
  port: number;
  protocol: Protocol;
  appProtocol?: string;
}

export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: ObjectMeta;
  addressType: 'IPv4';
  endpoints: SliceEndpoint[];
  ports: SlicePort[];
}
