// The Node as the API serves it: this machine, registered and kept current by agent/node/node-reporter.ts.
// Nodes are cluster-scoped (metadata.namespace is ''); the API writes their labels, annotations and spec
// (cordon, taints: agent/node/node-registry.ts), the reporter their status.
import type { ObjectMeta } from './meta';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface NodeCondition {
  type: 'Ready' | 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';
  status: ConditionStatus;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export type ResourceList = Record<'cpu' | 'memory' | 'pods' | 'ephemeral-storage', string>;

export interface NodeSystemInfo {
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  containerRuntimeVersion: string;
  kubeletVersion: string;
  kubeProxyVersion: string;
  operatingSystem: string;
  architecture: string;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
export const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: string;
}

/** What users write of a Node: `kubectl cordon` (unschedulable) and `kubectl taint`. */
export interface NodeSpec {
  unschedulable?: boolean;
  taints?: Taint[];
}

export interface Node {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: ObjectMeta;
  spec: NodeSpec;
  status: {
    capacity: ResourceList;
    allocatable: ResourceList;
    conditions: NodeCondition[];
    addresses: { type: 'InternalIP' | 'Hostname'; address: string }[];
    daemonEndpoints: { kubeletEndpoint: { Port: number } };
    nodeInfo: NodeSystemInfo;
  };
}
