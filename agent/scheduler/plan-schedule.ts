// The scheduler for the one node, pure: a pod and the node (with the pods bound to it) -> bind, preempt
// (victims to remove, the pod nominated to the node), or stay unschedulable, with the FailedScheduling
// message as kube-scheduler words it (FitError, then the DefaultPreemption post-filter's verdict after
// `preemption:`, absent when it found victims).
import type { Node } from '../model/node';
import type { PodDisruptionBudget } from '../model/pdb';
import type { Pod } from '../model/pod';
import { firstFailure } from './filters';
import { nodesAvailable, planPreemption } from './plan-preemption';
import { podPriority } from './pod-priority';

export type ScheduleDecision =
  | { type: 'bind'; nodeName: string }
  | { type: 'unschedulable'; message: string }
  | { type: 'preempt'; message: string; nodeName: string; victims: Pod[] };

/** Pods that hold the node's resources: bound to it and not terminal (a terminating pod still holds them). */
export const holdsNode = (pod: Pod, nodeName: string): boolean =>
  pod.spec.nodeName === nodeName && pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed';

/**
 * Unbound pods nominated to the node that the pod must leave room for (RunFilterPluginsWithNominatedPods):
 * those of equal or higher priority.
 */
const nominatedBefore = (pod: Pod, p: Pod, nodeName: string): boolean =>
  !p.spec.nodeName &&
  p.status.nominatedNodeName === nodeName &&
  p.metadata.deletionTimestamp === undefined &&
  podPriority(p) >= podPriority(pod);

/**
 * `pods`: every stored pod (those bound to the node and not terminal count; the pod itself never).
 * `pdbs`: the budgets preemption tries to respect.
 */
export function schedulePod(
  pod: Pod,
  node: Node,
  pods: readonly Pod[],
  pdbs: readonly PodDisruptionBudget[] = [],
): ScheduleDecision {
  const name = node.metadata.name;
  const uid = pod.metadata.uid;
  const others = pods.filter((p) => uid === '' || p.metadata.uid !== uid);
  const bound = others.filter((p) => holdsNode(p, name));
  const nominated = others.filter((p) => nominatedBefore(pod, p, name));
  const failure = firstFailure(pod, { node, pods: [...bound, ...nominated] });
  if (!failure) return { type: 'bind', nodeName: name };
  const fit = nodesAvailable(failure.reasons);
  const plan = planPreemption(pod, { node, pods: bound }, failure, pdbs);
  if (plan.type === 'preempt')
    return { type: 'preempt', message: fit, nodeName: name, victims: plan.victims };
  return { type: 'unschedulable', message: `${fit} preemption: ${plan.message}` };
}
