// The parts of the API's objects the page reads (the API serves more).
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  annotations?: Record<string, string>;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode: number; reason?: string; startedAt?: string; finishedAt?: string };
}

export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  restartCount: number;
  containerID?: string;
  ready: boolean;
}

export interface ContainerSpec {
  name: string;
  image: string;
  restartPolicy?: string;
}

export interface Pod {
  metadata: ObjectMeta;
  spec: { initContainers?: ContainerSpec[]; containers: ContainerSpec[]; nodeName?: string };
  status: {
    phase: string;
    podIP?: string;
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface KubeEvent {
  metadata: ObjectMeta;
  involvedObject: { kind: string; name: string; namespace: string; uid: string; fieldPath?: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
}

export interface Service {
  metadata: ObjectMeta;
  spec: {
    type?: string;
    clusterIP?: string;
    ports?: { name?: string; port: number; protocol?: string; nodePort?: number }[];
  };
}

export interface Endpoints {
  metadata: ObjectMeta;
  subsets?: { addresses?: { ip: string }[]; ports?: { port: number }[] }[];
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata: ObjectMeta };
}

export interface Table {
  kind: 'Table';
  metadata: { resourceVersion?: string };
  columnDefinitions?: { name: string }[];
  rows: TableRow[];
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
}

export interface KubeNode {
  metadata: ObjectMeta;
  status: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: NodeCondition[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: {
      kernelVersion?: string;
      osImage?: string;
      architecture?: string;
      containerRuntimeVersion?: string;
      kubeletVersion?: string;
    };
  };
}
