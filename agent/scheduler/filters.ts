// The scheduler's filter plugins for the one node, in upstream's default order, each worded as upstream:
// the first that fails decides (the framework stops at a node's first failing filter). `unresolvable`:
// UnschedulableAndUnresolvable, so preemption says it would not help.
import type { Node } from '../model/node';
import type { Pod } from '../model/pod';
import { matchesNodeAffinity } from './node-affinity';
import { FIT_RESOURCES, fitAmount, podRequests } from './pod-requests';
import { tolerated, tolerationsOf, untoleratedTaint } from './tolerations';

export interface FilterFailure {
  plugin: string;
  reasons: string[];
  unresolvable: boolean;
}

/** The node and the pods bound to it that are not terminal (the pod being scheduled left out). */
export interface NodeView {
  node: Node;
  pods: readonly Pod[];
}

type Filter = (pod: Pod, view: NodeView) => FilterFailure | undefined;

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/** The taint effects the TaintToleration filter weighs (PreferNoSchedule only scores). */
export const SCHEDULING_EFFECTS = ['NoSchedule', 'NoExecute'] as const;

const fail = (plugin: string, reasons: string[], unresolvable: boolean): FilterFailure => ({
  plugin,
  reasons,
  unresolvable,
});

const nodeUnschedulable: Filter = (pod, { node }) =>
  node.spec.unschedulable &&
  !tolerated(tolerationsOf(pod), { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' })
    ? fail('NodeUnschedulable', ['node(s) were unschedulable'], true)
    : undefined;

const taintToleration: Filter = (pod, { node }) => {
  const taint = untoleratedTaint(tolerationsOf(pod), node.spec.taints ?? [], SCHEDULING_EFFECTS);
  return taint
    ? fail('TaintToleration', [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], true)
    : undefined;
};

const nodeAffinity: Filter = (pod, { node }) =>
  matchesNodeAffinity(pod, node)
    ? undefined
    : fail('NodeAffinity', ["node(s) didn't match Pod's node affinity/selector"], true);

interface HostPort {
  hostIP: string;
  protocol: string;
  hostPort: number;
}

function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers])
    for (const p of c.ports ?? [])
      if (p.hostPort && p.hostPort > 0)
        out.push({ hostIP: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', hostPort: p.hostPort });
  return out;
}

const portsConflict = (a: HostPort, b: HostPort): boolean =>
  a.hostPort === b.hostPort &&
  a.protocol === b.protocol &&
  (a.hostIP === b.hostIP || a.hostIP === '0.0.0.0' || b.hostIP === '0.0.0.0');

const nodePorts: Filter = (pod, { pods }) => {
  const wanted = hostPorts(pod);
  if (wanted.length === 0) return undefined;
  const used = pods.flatMap(hostPorts);
  return wanted.some((w) => used.some((u) => portsConflict(w, u)))
    ? fail('NodePorts', ["node(s) didn't have free ports for the requested pod ports"], false)
    : undefined;
};

const nodeResourcesFit: Filter = (pod, { node, pods }) => {
  const reasons: string[] = [];
  const allowedPods = Number(node.status.allocatable.pods);
  if (pods.length + 1 > allowedPods) reasons.push('Too many pods');
  const wanted = podRequests(pod);
  const requested = pods.map(podRequests);
  for (const r of FIT_RESOURCES) {
    if (wanted[r] === 0) continue;
    const allocatable = fitAmount(r, node.status.allocatable[r]) ?? 0;
    const used = requested.reduce((sum, q) => sum + q[r], 0);
    if (wanted[r] > allocatable - used) reasons.push(`Insufficient ${r}`);
  }
  return reasons.length ? fail('NodeResourcesFit', reasons, false) : undefined;
};

export const FILTERS: readonly Filter[] = [
  nodeUnschedulable,
  taintToleration,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
];

export function firstFailure(pod: Pod, view: NodeView): FilterFailure | undefined {
  for (const filter of FILTERS) {
    const failure = filter(pod, view);
    if (failure) return failure;
  }
  return undefined;
}
