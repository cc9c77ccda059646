// The kinds this API serves, in discovery's order. A new kind is a file beside these (its definition: the
// store it reads, its registry, columns, field selectors) and one line here; the verbs, discovery and the
// OpenAPI document follow from the definition.
import type { StoredObject } from '../../agent/store/object-store';
import type { ApiDeps } from '../deps';
import type { ResourceDefinition } from '../resources';
import { configMapResource } from './configmaps';
import { cronJobResource } from './cronjobs';
import { endpointsResource } from './endpoints';
import { endpointSliceResource } from './endpointslices';
import { eventResource } from './events';
import { jobResource } from './jobs';
import { namespaceResource } from './namespaces';
import { leaseResource } from './leases';
import { nodeResource } from './nodes';
import { podResource } from './pods';
import { serviceAccountResource } from './serviceaccounts';
import { persistentVolumeClaimResource } from './persistentvolumeclaims';
import { secretResource } from './secrets';
import { serviceResource } from './services';
import { deploymentResource } from './deployments';
import { replicaSetResource } from './replicasets';
import { daemonSetResource } from './daemonsets';
import { statefulSetResource } from './statefulsets';
import { controllerRevisionResource } from './controllerrevisions';
import { hpaResource, hpaV1Resource } from './horizontalpodautoscalers';
import { ingressClassResource, ingressResource } from './ingresses';
import { networkPolicyResource } from './networkpolicies';
import { priorityClassResource } from './priorityclasses';
import { pdbResource } from './poddisruptionbudgets';
import { clusterRoleBindingResource, clusterRoleResource, roleBindingResource, roleResource } from './rbac';

/** A definition whose object type is forgotten: the generic code only hands objects back to its own functions. */
const erase = <T extends StoredObject>(def: ResourceDefinition<T>): ResourceDefinition =>
  def as unknown as ResourceDefinition;

export const resourceDefinitions = (deps: ApiDeps): ResourceDefinition[] => [
  erase(podResource(deps)),
  erase(serviceResource(deps)),
  erase(endpointsResource(deps)),
  erase(eventResource(deps)),
  erase(namespaceResource(deps)),
  erase(serviceAccountResource(deps)),
  erase(persistentVolumeClaimResource(deps)),
  // apps/v1
  erase(deploymentResource(deps)),
  erase(replicaSetResource(deps)),
  erase(daemonSetResource(deps)),
  erase(statefulSetResource(deps)),
  erase(controllerRevisionResource(deps)),
  erase(configMapResource(deps)),
  erase(secretResource(deps)),
  // autoscaling/v2, and v1 converted from it
  erase(hpaResource(deps)),
  erase(hpaV1Resource(deps)),
  // batch/v1
  erase(jobResource(deps)),
  erase(cronJobResource(deps)),
  erase(nodeResource(deps)),
  // coordination.k8s.io/v1
  erase(leaseResource(deps)),
  // discovery.k8s.io/v1
  erase(endpointSliceResource(deps)),
  // policy/v1
  erase(pdbResource(deps)),
  // rbac.authorization.k8s.io/v1
  erase(clusterRoleBindingResource(deps)),
  erase(clusterRoleResource(deps)),
  erase(roleBindingResource(deps)),
  erase(roleResource(deps)),
  // networking.k8s.io/v1 (no ingress controller)
  erase(ingressClassResource(deps)),
  erase(ingressResource(deps)),
  // (NetworkPolicies stored and validated; no network plugin enforces them)
  erase(networkPolicyResource(deps)),
  // scheduling.k8s.io/v1
  erase(priorityClassResource(deps)),
];
