// The Pod as the API stores it: the Kubernetes v1 fields this agent understands. Unknown fields are kept.
import type { ObjectMeta } from './meta';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';
export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface ExecAction {
  command?: string[];
}
export interface HttpGetAction {
  path?: string;
  port: number | string;
  host?: string;
  scheme?: 'HTTP' | 'HTTPS';
  httpHeaders?: { name: string; value: string }[];
}
export interface TcpSocketAction {
  port: number | string;
  host?: string;
}
export interface Handler {
  exec?: ExecAction;
  httpGet?: HttpGetAction;
  tcpSocket?: TcpSocketAction;
}
export interface Probe extends Handler {
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}
export interface Lifecycle {
  postStart?: Handler;
  preStop?: Handler;
}

/** configMapKeyRef / secretKeyRef: one key of an object in the pod's namespace. */
export interface KeySelector {
  name?: string;
  key: string;
  optional?: boolean;
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string; apiVersion?: string };
    configMapKeyRef?: KeySelector;
    secretKeyRef?: KeySelector;
    [k: string]: unknown;
  };
}
/** envFrom: every key of a ConfigMap or Secret, each name with the prefix. */
export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}
export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  hostPort?: number;
  hostIP?: string;
}
export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
  /** Like subPath, with $(VAR) expanded from the container's env when it starts. */
  subPathExpr?: string;
}
export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
}
export interface ResourceRequirements {
  limits?: Record<string, string | number>;
  requests?: Record<string, string | number>;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  volumeMounts?: VolumeMount[];
  resources?: ResourceRequirements;
  imagePullPolicy?: PullPolicy;
  securityContext?: SecurityContext;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: Lifecycle;
  /** Only on init containers: `Always` makes it a sidecar. */
  restartPolicy?: 'Always';
  terminationMessagePath?: string;
  terminationMessagePolicy?: 'File' | 'FallbackToLogsOnError';
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  [extra: string]: unknown;
}

/**
 * A container added to a running pod through the `ephemeralcontainers` subresource (kubectl debug): never
 * restarted, no ports, probes, resources or lifecycle; `targetContainerName` names the container whose
 * process namespace it joins.
 */
export interface EphemeralContainer extends Container {
  targetContainerName?: string;
}

/** One key of a ConfigMap or Secret as a file (`path` relative to the volume, `mode` its permission bits). */
export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}
export interface ConfigMapVolumeSource {
  name?: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}
export interface SecretVolumeSource {
  secretName?: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}
export interface ObjectFieldSelector {
  fieldPath: string;
  apiVersion?: string;
}
export interface ResourceFieldSelector {
  resource: string;
  containerName?: string;
  divisor?: string;
}
export interface DownwardAPIVolumeFile {
  path: string;
  fieldRef?: ObjectFieldSelector;
  resourceFieldRef?: ResourceFieldSelector;
  mode?: number;
}
export interface DownwardAPIVolumeSource {
  items?: DownwardAPIVolumeFile[];
  defaultMode?: number;
}
/** A ServiceAccount token the kubelet asks for and keeps fresh in a projected volume (path: its file). */
export interface ServiceAccountTokenProjection {
  path: string;
  /** Empty: the API's own audience. */
  audience?: string;
  /** Defaulted to 3600; at least 600 (validation). */
  expirationSeconds?: number;
}
/** One source of a projected volume (clusterTrustBundle and podCertificate are listed as unsupported). */
export interface VolumeProjection {
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIVolumeFile[] };
  serviceAccountToken?: ServiceAccountTokenProjection;
  [extra: string]: unknown;
}
export interface ProjectedVolumeSource {
  sources?: VolumeProjection[];
  defaultMode?: number;
}

export interface Volume {
  name: string;
  emptyDir?: { medium?: '' | 'Memory'; sizeLimit?: string };
  hostPath?: { path: string; type?: string };
  configMap?: ConfigMapVolumeSource;
  secret?: SecretVolumeSource;
  downwardAPI?: DownwardAPIVolumeSource;
  projected?: ProjectedVolumeSource;
  /** A claim of the pod's namespace: its provisioned directory (agent/storage/). */
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [extra: string]: unknown;
}

export interface PodDnsConfig {
  nameservers?: string[];
  searches?: string[];
  options?: { name: string; value?: string }[];
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  /** Only additions, and only through the ephemeralcontainers subresource. */
  ephemeralContainers?: EphemeralContainer[];
  volumes?: Volume[];
  restartPolicy: RestartPolicy;
  terminationGracePeriodSeconds: number;
  dnsPolicy: 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';
  dnsConfig?: PodDnsConfig;
  hostname?: string;
  subdomain?: string;
  nodeName?: string;
  /** Who schedules the pod: we do `default-scheduler`'s work only (agent/scheduler/). */
  schedulerName?: string;
  /** Resolved at create from the PriorityClass (agent/priority/priority-admission.ts). */
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  /** What the scheduler filters by (agent/scheduler/): the node's labels, its taints. */
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity?: unknown; [extra: string]: unknown };
  tolerations?: {
    key?: string;
    operator?: string;
    value?: string;
    effect?: string;
    tolerationSeconds?: number;
  }[];
  /** Resources the pod's sandbox costs beyond its containers, added to its requests when scheduled. */
  overhead?: Record<string, string>;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  activeDeadlineSeconds?: number;
  enableServiceLinks?: boolean;
  /** Defaulted to `default` on create; must name a ServiceAccount of the pod's namespace. */
  serviceAccountName?: string;
  /** The deprecated alias of serviceAccountName, which the API server keeps equal to it. */
  serviceAccount?: string;
  /** false: no kube-api-access volume (the ServiceAccount's setting applies when unset). */
  automountServiceAccountToken?: boolean;
  /** Secrets (dockerconfigjson, dockercfg) whose credentials pull the pod's images. */
  imagePullSecrets?: { name?: string }[];
  [extra: string]: unknown;
}

export interface ContainerStateWaiting {
  reason: string;
  message?: string;
}
export interface ContainerStateRunning {
  startedAt: string;
}
export interface ContainerStateTerminated {
  exitCode: number;
  signal?: number;
  reason: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
}
export interface ContainerState {
  waiting?: ContainerStateWaiting;
  running?: ContainerStateRunning;
  terminated?: ContainerStateTerminated;
}

export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started?: boolean;
}

export interface PodCondition {
  type:
    | 'PodScheduled'
    | 'PodReadyToStartContainers'
    | 'Initialized'
    | 'ContainersReady'
    | 'Ready'
    | 'DisruptionTarget';
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime: string | null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodStatus {
  phase: PodPhase;
  /** The node a pod that preempted others waits for (agent/scheduler/preemption.ts). */
  nominatedNodeName?: string;
  conditions?: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  reason?: string;
  message?: string;
  qosClass?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  ephemeralContainerStatuses?: ContainerStatus[];
}

export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: PodSpec;
  status: PodStatus;
}
