// API groups and versions: where a kind lives (`apps/v1`), what its objects carry as apiVersion and which
// package its upstream schema has (`io.k8s.api.apps.v1`). The core group is the empty string, served
// under /api/v1; every other group under /apis/<group>/<version>.

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

export const CORE_V1: GroupVersion = { group: '', version: 'v1' };
export const APPS_V1: GroupVersion = { group: 'apps', version: 'v1' };
export const BATCH_V1: GroupVersion = { group: 'batch', version: 'v1' };
/** The Scale subresource's kind (`kubectl scale`). */
export const AUTOSCALING_V1: GroupVersion = { group: 'autoscaling', version: 'v1' };
/** HorizontalPodAutoscalers' stored version (v1 is served too, converted). */
export const AUTOSCALING_V2: GroupVersion = { group: 'autoscaling', version: 'v2' };
/** Leases: the node's heartbeat in kube-node-lease. */
export const COORDINATION_V1: GroupVersion = { group: 'coordination.k8s.io', version: 'v1' };
/** EndpointSlices: what `kubectl describe svc` reads a Service's endpoints from. */
export const DISCOVERY_V1: GroupVersion = { group: 'discovery.k8s.io', version: 'v1' };

/** Roles, ClusterRoles and their bindings. */
export const RBAC_V1: GroupVersion = { group: 'rbac.authorization.k8s.io', version: 'v1' };

/** Ingresses and IngressClasses (stored and validated; no ingress controller). */
export const NETWORKING_V1: GroupVersion = { group: 'networking.k8s.io', version: 'v1' };
/** PodDisruptionBudgets and the Eviction body. */
export const POLICY_V1: GroupVersion = { group: 'policy', version: 'v1' };
/** PriorityClasses: pods' priorities and preemption. */
export const SCHEDULING_V1: GroupVersion = { group: 'scheduling.k8s.io', version: 'v1' };

/** `v1` for the core group, `apps/v1` for the others: an object's apiVersion. */
export const apiVersionOf = (gv: GroupVersion): string =>
  gv.group ? `${gv.group}/${gv.version}` : gv.version;

/** The group of an object's apiVersion: `apps` of `apps/v1`, `` of `v1`. */
export const groupOf = (apiVersion: string): string =>
  apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';

/** The OpenAPI definition prefix of the group's types: `io.k8s.api.core.v1`, `io.k8s.api.apps.v1`,
 * `io.k8s.api.coordination.v1`, `io.k8s.api.rbac.v1` (the Go package: the group's first label). */
export const schemaPackage = (gv: GroupVersion): string =>
  `io.k8s.api.${gv.group.split('.')[0] || 'core'}.${gv.version}`;
