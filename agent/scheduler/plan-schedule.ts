// The scheduler for the one node, pure: a pod and the node (with the pods bound to it) -> bind, or stay
// unschedulable with the FailedScheduling message as kube-scheduler words it (FitError, then the
// DefaultPreemption post-filter's verdict: every pod here has priority 0, so there are no victims).
import type { Node } from '../model/node';
import type { Pod } from '../model/pod';
import { type FilterFailure, firstFailure } from './filters';

export type ScheduleDecision =
  { type: 'bind'; nodeName: string } | { type: 'unschedulable'; message: string };

/** Pods that hold the node's resources: bound to it and not terminal (a terminating pod still holds them). */
export const holdsNode = (pod: Pod, nodeName: string): boolean =>
  pod.spec.nodeName === nodeName && pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed';

/** FitError.Error() with the post-filter message, for one node. */
export function fitErrorMessage(failure: FilterFailure): string {
  const reasons = [...new Set(failure.reasons)].sort().map((r) => `1 ${r}`);
  const preemption = failure.unresolvable
    ? '1 Preemption is not helpful for scheduling'
    : '1 No preemption victims found for incoming pod';
  return `0/1 nodes are available: ${reasons.join(', ')}. preemption: 0/1 nodes are available: ${preemption}.`;
}

/**
 * `pods`: every stored pod (those bound to the node and not terminal count; the pod itself never).
 */
export function schedulePod(pod: Pod, node: Node, pods: readonly Pod[]): ScheduleDecision {
  const name = node.metadata.name;
  const uid = pod.metadata.uid;
  const bound = pods.filter((p) => holdsNode(p, name) && (uid === '' || p.metadata.uid !== uid));
  const failure = firstFailure(pod, { node, pods: bound });
  return failure
    ? { type: 'unschedulable', message: fitErrorMessage(failure) }
    : { type: 'bind', nodeName: name };
}
