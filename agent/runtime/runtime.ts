// The runtime port: container-level verbs the sync loop needs. Only docker-runtime.ts implements it against
// Docker; memory-runtime.ts is a stateful fake for unit tests.
import type { Readable } from 'node:stream';
import type { StreamingRuntime } from './exec-stream';

export type ContainerKind = 'sandbox' | 'init' | 'app' | 'ephemeral';
/** A container of the pod spec (init, app or ephemeral), as opposed to its sandbox. */
export type PodContainerKind = Exclude<ContainerKind, 'sandbox'>;
export type RuntimeState = 'created' | 'running' | 'exited' | 'unknown';

/** Who a managed container belongs to; written as labels, read back from them. */
export interface ContainerIdentity {
  podUid: string;
  podName: string;
  podNamespace: string;
  kind: ContainerKind;
  /** Container name in the pod spec; `POD` for the sandbox. */
  name: string;
  /** Restart count for containers, attempt for sandboxes. */
  attempt: number;
  /** Hash of the fields whose change restarts the container (image). */
  specHash: string;
  sandboxId?: string;
}

export interface ObservedContainer extends ContainerIdentity {
  id: string;
  state: RuntimeState;
  exitCode: number;
  oomKilled: boolean;
  /** Engine error text when the container could not run. */
  error?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  image: string;
  imageId: string;
  /** Pod IP, on sandboxes. */
  ip?: string;
  /** A sandbox in the host's network namespace (it has no IP of its own). */
  hostNetwork?: boolean;
}

export interface Mount {
  /** Host path, or a runtime volume name when `volume` is true. */
  source: string;
  target: string;
  readOnly?: boolean;
  volume?: boolean;
}

export interface SandboxSpec {
  identity: ContainerIdentity;
  hostname: string;
  labels: Record<string, string>;
  /** Volumes the sandbox holds open for the pod's life (a tmpfs volume lives only while mounted). */
  mounts: Mount[];
  /** In the host's network namespace (hostNetwork) instead of the pod network. */
  hostNetwork?: boolean;
}

export interface ContainerSpec {
  identity: ContainerIdentity;
  image: string;
  command?: string[];
  args?: string[];
  env: string[];
  workingDir?: string;
  user?: string;
  mounts: Mount[];
  readOnlyRootfs?: boolean;
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** Share the host's PID / IPC namespace (hostPID, hostIPC). */
  hostPid?: boolean;
  hostIpc?: boolean;
  /** Join this container's PID namespace (an ephemeral container's target). */
  pidContainer?: string;
  memoryBytes?: number;
  nanoCpus?: number;
  tty?: boolean;
  stdin?: boolean;
  /** Close stdin when the first attached client detaches (stdinOnce). */
  stdinOnce?: boolean;
}

export interface VolumeSpec {
  name: string;
  podUid: string;
  memory: boolean;
}

export interface ImageInfo {
  id: string;
  /** This call pulled it (the Pulled event then gives the time and size). */
  pulled?: boolean;
  /** Bytes, when pulled. */
  size?: number;
}

/** Credentials for one registry, as the engine's pull takes them (from an image pull secret). */
export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

export interface PullOptions {
  auth?: RegistryAuth;
  /** Called just before a pull starts (the Pulling event); not called when the local image is used. */
  onPull?: () => void;
}

export interface LogOptions {
  follow?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  sinceSeconds?: number;
}

export type RuntimeEventType = 'create' | 'start' | 'die' | 'oom' | 'destroy' | 'stop';

export interface RuntimeEvent {
  type: RuntimeEventType;
  containerId: string;
  podUid: string;
}

export interface NetworkInfo {
  name: string;
  subnet: string;
  gateway: string;
}

export interface ContainerRuntime extends StreamingRuntime {
  /** Resolves when the engine answers; rejects with RuntimeUnavailable otherwise. */
  ping(): Promise<void>;
  version(): Promise<string>;
  ensureNetwork(name: string, subnet: string): Promise<NetworkInfo>;
  /** Every managed container, or only one pod's; newest first. */
  listContainers(podUid?: string): Promise<ObservedContainer[]>;
  /** The local image, pulling when `pull` says so (with the credentials given); rejects with ImagePullError. */
  ensureImage(
    ref: string,
    pull: 'always' | 'if-missing' | 'never',
    options?: PullOptions,
  ): Promise<ImageInfo>;
  /** Creates and starts the sandbox; resolves with it as a listing would describe it (its IP). */
  createSandbox(spec: SandboxSpec, network: string): Promise<ObservedContainer>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after timeoutSeconds. Already stopped is fine. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Removed or already gone is fine. */
  removeContainer(id: string): Promise<void>;
  ensureVolume(spec: VolumeSpec): Promise<string>;
  /** Names of managed volumes, optionally of one pod. */
  listVolumes(podUid?: string): Promise<string[]>;
  removeVolume(name: string): Promise<void>;
  /** Where a volume's files are on the host (subPath is resolved inside it); the volume must exist. */
  volumePath(name: string): Promise<string>;
  logs(id: string, options: LogOptions): Promise<Readable>;
  /** Runs a command in a running container; resolves with exit code and output. */
  exec(id: string, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
  /**
   * The path the engine sees for a path of ours: the same on the host; when the agent itself runs in a
   * container, the source of the mount that holds it (bind mounts are resolved by the engine, on the host).
   */
  hostPath(path: string): Promise<string>;
  /** Calls onEvent for managed containers until the signal aborts; onError when the stream breaks. */
  watchEvents(
    onEvent: (e: RuntimeEvent) => void,
    onError: (err: Error) => void,
    signal: AbortSignal,
  ): Promise<void>;
}
