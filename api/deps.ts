// What the HTTP layer needs from the agent: stores and plain functions, no runtime.
import type { Clock } from '../agent/clock';
import type { ConfigMap, Secret } from '../agent/model/config-objects';
import type { EventRecorder } from '../agent/events/recorder';
import type { Logger } from '../agent/log';
import type { Namespace } from '../agent/model/namespace';
import type { BatchRegistries } from '../agent/jobs/batch-registries';
import type { PodRegistry } from '../agent/pods/pod-registry';
import type { CronJob, Job } from '../agent/model/job';
import type { Lease } from '../agent/model/lease';
import type { EndpointSlice } from '../agent/model/endpoint-slice';
import type { Node } from '../agent/model/node';
import type { Pod } from '../agent/model/pod';
import type { Endpoints, Service } from '../agent/model/service';
import type { ServiceAccount } from '../agent/model/service-account';
import type { PersistentVolumeClaim } from '../agent/model/persistent-volume-claim';
import type { PodLogs } from '../agent/ports/pod-logs';
import type { PodStreams } from '../agent/ports/pod-streams';
import type { ResourceUsage } from '../agent/ports/resource-usage';
import type { MetricsEndpoints } from './routes/metrics';
import type { ObjectStore } from '../agent/store/object-store';
import type { Registry } from '../agent/store/registry';
import type { WatchHub } from '../agent/store/watch-hub';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../agent/model/workload';
import type { WorkloadRegistry } from '../agent/workloads/workload-registry';
import type { ControllerRevision } from '../agent/model/controller-revision';
import type { HorizontalPodAutoscaler } from '../agent/model/hpa';
import type { HpaRegistry, HpaV1Registry } from '../agent/autoscaling/hpa-registry';
import type { PodDisruptionBudget } from '../agent/model/pdb';
import type { PdbRegistry } from '../agent/disruption/pdb-registry';
import type { Evictions } from '../agent/disruption/evictions';
import type { PriorityClass } from '../agent/model/priority-class';
import type { PriorityClassRegistry } from '../agent/priority/priority-class-registry';
import type { TokenIssuer } from '../agent/auth/token-issuer';
import type { ServiceAccountTokens } from '../agent/auth/service-account-tokens';
import type { ClusterRole, ClusterRoleBinding, RbacObjects, Role, RoleBinding } from '../agent/model/rbac';
import type { RbacStores } from '../agent/rbac/rbac-objects';
import type { Ingress, IngressClass } from '../agent/model/ingress';
import type { IngressRegistry } from '../agent/networking/ingress-registry';
import type { NetworkPolicy } from '../agent/model/network-policy';
import type { CustomResources } from '../agent/crds/custom-resources';

export interface ApiDeps {
  pods: ObjectStore<Pod>;
  /** batch/v1. */
  jobs: ObjectStore<Job>;
  cronJobs: ObjectStore<CronJob>;
  services: ObjectStore<Service>;
  endpoints: ObjectStore<Endpoints>;
  /** discovery.k8s.io/v1 EndpointSlices, kept beside the Endpoints (read-only). */
  endpointSlices: ObjectStore<EndpointSlice>;
  namespaces: ObjectStore<Namespace>;
  serviceAccounts: ObjectStore<ServiceAccount>;
  persistentVolumeClaims: ObjectStore<PersistentVolumeClaim>;
  nodes: ObjectStore<Node>;
  /** coordination.k8s.io/v1 Leases: the node's heartbeat in kube-node-lease. */
  leases: ObjectStore<Lease>;
  /** Each writable kind's registry: decode, defaults, validation, store (agent/store/registry.ts). */
  registries: {
    pods: Registry<Pod> & Pick<PodRegistry, 'updateEphemeralContainers'>;
    services: Registry<Service>;
    namespaces: Registry<Namespace>;
    serviceAccounts: Registry<ServiceAccount>;
    persistentVolumeClaims: Registry<PersistentVolumeClaim>;
    deployments: WorkloadRegistry<Deployment>;
    replicaSets: WorkloadRegistry<ReplicaSet>;
    daemonSets: WorkloadRegistry<DaemonSet>;
    statefulSets: WorkloadRegistry<StatefulSet>;
    controllerRevisions: Registry<ControllerRevision>;
    /** The Node's labels, annotations and spec (cordon, taints); no create or delete. */
    nodes: Registry<Node>;
  } & BatchRegistries;
  deployments: ObjectStore<Deployment>;
  replicaSets: ObjectStore<ReplicaSet>;
  daemonSets: ObjectStore<DaemonSet>;
  statefulSets: ObjectStore<StatefulSet>;
  /** The DaemonSets' and StatefulSets' template history. */
  controllerRevisions: ObjectStore<ControllerRevision>;
  /** autoscaling/v2 HorizontalPodAutoscalers, and their autoscaling/v1 write path. */
  autoscaling: {
    hpas: ObjectStore<HorizontalPodAutoscaler>;
    registry: HpaRegistry;
    v1Registry: HpaV1Registry;
  };
  /** policy/v1 PodDisruptionBudgets, their write path, and the pods/eviction executor (agent/disruption/). */
  disruption: {
    pdbs: ObjectStore<PodDisruptionBudget>;
    registry: PdbRegistry;
    evictions: Evictions;
  };
  /** scheduling.k8s.io/v1 PriorityClasses and their write path (agent/priority/). */
  priority: { priorityClasses: ObjectStore<PriorityClass>; registry: PriorityClassRegistry };
  /** rbac.authorization.k8s.io/v1: Roles, ClusterRoles and their bindings, and their write paths (agent/rbac/). */
  rbac: RbacStores & {
    registries: {
      roles: Registry<Role>;
      roleBindings: Registry<RoleBinding>;
      clusterRoles: Registry<ClusterRole>;
      clusterRoleBindings: Registry<ClusterRoleBinding>;
    };
  };
  /** What the authorizer reads (api/authz/): the stored RBAC objects. */
  rbacObjects: RbacObjects;
  /** networking.k8s.io/v1: Ingresses and IngressClasses and their write paths (agent/networking/). */
  networking: {
    ingresses: ObjectStore<Ingress>;
    ingressClasses: ObjectStore<IngressClass>;
    networkPolicies: ObjectStore<NetworkPolicy>;
    registries: {
      ingresses: IngressRegistry;
      ingressClasses: Registry<IngressClass>;
      networkPolicies: Registry<NetworkPolicy>;
    };
  };
  /** ConfigMaps and Secrets: their stores and registries (agent/config/). */
  config: {
    configMaps: ObjectStore<ConfigMap>;
    secrets: ObjectStore<Secret>;
    configMapRegistry: Registry<ConfigMap>;
    secretRegistry: Registry<Secret>;
  };
  /** apiextensions.k8s.io/v1 CustomResourceDefinitions and the objects they define (agent/crds/). */
  customResources: CustomResources;
  watches: WatchHub;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  /** The store's current resourceVersion, for list metadata. */
  versions: () => string;
  ready: () => Promise<boolean>;
  podLogs: PodLogs;
  /** exec and attach (api/streams/). */
  podStreams: PodStreams;
  /** /metrics, /metrics/resource, /metrics/probes (none: not served). */
  metrics?: MetricsEndpoints;
  /** Container and node usage for metrics.k8s.io (none: the group is not served). */
  usage?: ResourceUsage;
  /** Signs ServiceAccount tokens: the TokenRequest API here, projected token volumes in the kubelet. */
  tokenIssuer: TokenIssuer;
  /** Checks them (api/auth.ts, TokenReview) and names the issuer and its keys (OIDC discovery). */
  serviceAccountTokens: ServiceAccountTokens;
  /**
   * The admin's bearer token (<data-dir>/token, api/auth.ts); none: the API asks for no credentials (requests
   * without any are UNAUTHENTICATED_USER), though a presented token must still be valid.
   */
  apiToken?: string;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** How long a request (headers and body) may take to arrive; REQUEST_TIMEOUT by default (tests shorten it). */
  requestTimeout?: RequestTimeout;
}

/** A request not received within `ms` is answered 408 and its connection closed; checked every `checkEveryMs`. */
export interface RequestTimeout {
  ms: number;
  checkEveryMs: number;
}
