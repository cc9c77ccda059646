// Registers this machine as a Node and keeps its status current: capacity and allocatable, conditions from
// the host's readings, and a heartbeat: the conditions' lastHeartbeatTime and the node's coordination.k8s.io
// Lease in kube-node-lease (agent/node/node-lease.ts), both rewritten every interval (in memory; the Node
// and the Lease themselves are persisted so their age and uid survive restarts).
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import type { Lease } from '../model/lease';
import type { Node, NodeSystemInfo, ResourceList } from '../model/node';
import type { ObjectStore } from '../store/object-store';
import { type HostReader, type HostReadings, readCpus, readHost } from './host-readings';
import { renewNodeLease } from './node-lease';
import { EVICTION_HARD, nodeConditions } from './node-conditions';

/** Pods per node, the kubelet's default --max-pods. */
export const MAX_PODS = 110;

export interface NodeReporterDeps {
  store: ObjectStore<Node>;
  /** The node's Lease (kube-node-lease), renewed with each heartbeat. */
  leases?: ObjectStore<Lease>;
  clock: Clock;
  logger: Logger;
  nodeName: string;
  host: HostReader;
  /** Where pods' writable layers and logs live (nodefs) and where images live (imagefs). */
  paths: { nodefs: string; imagefs: string };
  /** Everything of nodeInfo but what is read here (runtime version). */
  info: Omit<NodeSystemInfo, 'containerRuntimeVersion'>;
  /** `docker://<version>`; rejects when the engine does not answer. */
  runtimeVersion: () => Promise<string>;
  internalIP: () => string;
  kubeletPort: number;
  /** The kubelet's nodeStatusUpdateFrequency: 10 s. */
  intervalMs: number;
}

const ki = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

export function resources(
  r: HostReadings,
  cpus: number,
): { capacity: ResourceList; allocatable: ResourceList } {
  const memory = r.memory?.capacityBytes ?? 0;
  const disk = r.nodefs?.capacityBytes ?? 0;
  const capacity = {
    cpu: String(cpus),
    memory: ki(memory),
    pods: String(MAX_PODS),
    'ephemeral-storage': ki(disk),
  };
  // allocatable = capacity - hard eviction thresholds (no system or kube reservations)
  const allocatable = {
    ...capacity,
    memory: ki(Math.max(0, memory - EVICTION_HARD.memoryAvailableBytes)),
    'ephemeral-storage': String(Math.floor(disk * (1 - EVICTION_HARD.nodefsAvailable))),
  };
  return { capacity, allocatable };
}

export class NodeReporter {
  private cancel: (() => void) | undefined;
  private runtimeVersion = '';
  private stopped = false;

  constructor(private readonly deps: NodeReporterDeps) {}

  /** Registers (or refreshes) the Node, then heartbeats every interval. */
  async start(): Promise<void> {
    this.stopped = false;
    // One node per daemon: a Node left from an earlier --node-name goes
    for (const n of this.deps.store.list())
      if (n.metadata.name !== this.deps.nodeName) this.deps.store.remove('', n.metadata.name);
    await this.report();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  current(): Node | undefined {
    return this.deps.store.get('', this.deps.nodeName);
  }

  private async report(): Promise<void> {
    const d = this.deps;
    let runtimeUp = true;
    try {
      this.runtimeVersion = await d.runtimeVersion();
    } catch (err) {
      runtimeUp = false;
      d.logger.debug('node status: runtime does not answer', { error: errorMessage(err) });
    }
    if (this.stopped) return;
    const readings = readHost(d.host, d.paths);
    const before = this.current();
    const conditions = nodeConditions(readings, {
      now: d.clock.now(),
      runtimeUp,
      previous: before?.status.conditions ?? [],
    });
    const node = this.build(readings, conditions);
    if (before) {
      // The kubelet's own labels and annotations are set again; what users wrote (labels, annotations,
      // cordon, taints) is kept.
      const metadata = {
        ...before.metadata,
        labels: { ...before.metadata.labels, ...node.metadata.labels },
        annotations: { ...before.metadata.annotations, ...node.metadata.annotations },
      };
      d.store.update({ ...node, metadata, spec: before.spec }, { specChanged: false });
    } else {
      d.store.create(node);
    }
    const stored = this.current();
    if (d.leases && stored) renewNodeLease(d.leases, stored, d.clock.now());
    this.cancel = d.clock.setTimer(() => void this.report(), d.intervalMs);
  }

  private build(r: HostReadings, conditions: Node['status']['conditions']): Node {
    const d = this.deps;
    const os = d.info.operatingSystem;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: d.nodeName,
        namespace: '',
        uid: '',
        creationTimestamp: '',
        resourceVersion: '',
        labels: {
          'kubernetes.io/hostname': d.nodeName,
          'kubernetes.io/os': os,
          'kubernetes.io/arch': d.info.architecture,
          'beta.kubernetes.io/os': os,
          'beta.kubernetes.io/arch': d.info.architecture,
        },
        annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: {},
      status: {
        ...resources(r, readCpus(d.host)),
        conditions,
        addresses: [
          ...(d.internalIP() ? [{ type: 'InternalIP' as const, address: d.internalIP() }] : []),
          { type: 'Hostname', address: d.nodeName },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: d.kubeletPort } },
        nodeInfo: { ...d.info, containerRuntimeVersion: `docker://${this.runtimeVersion || 'unknown'}` },
      },
    };
  }
}
