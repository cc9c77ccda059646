// The DefaultPreemption post-filter for the one node, pure: given a pod that failed the filters, either the
// victims whose removal lets it fit, or why preemption cannot help, worded as kube-scheduler's
// (the part of FailedScheduling after `preemption: `). As upstream's SelectVictimsOnNode: every pod of lower
// priority is removed; if the pod still does not fit there is nothing to do; otherwise as many are put back
// (reprieved) as still lets it fit, those a PodDisruptionBudget protects first, each group from the most
// important (higher priority, then started earlier) down.
import { isEmptySelector, selectorMatches } from '../model/label-selector';
import type { PodDisruptionBudget } from '../model/pdb';
import type { Pod } from '../model/pod';
import { type FilterFailure, type NodeView, firstFailure } from './filters';
import { importanceOrder, podPriority } from './pod-priority';

export type PreemptionPlan = { type: 'preempt'; victims: Pod[] } | { type: 'none'; message: string };

/** FitError's `0/1 nodes are available: 1 A, 1 B.` for the one node. */
export const nodesAvailable = (reasons: readonly string[]): string =>
  `0/1 nodes are available: ${[...new Set(reasons)]
    .sort()
    .map((r) => `1 ${r}`)
    .join(', ')}.`;

/** Terminating because the scheduler preempted it (podTerminatingByPreemption). */
export const terminatingByPreemption = (p: Pod): boolean =>
  p.metadata.deletionTimestamp !== undefined &&
  (p.status.conditions ?? []).some(
    (c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'PreemptionByScheduler',
  );

/** filterPodsWithPDBViolation: a victim is violating once its budget has no disruption left for it. */
function splitByBudgets(
  victims: readonly Pod[],
  pdbs: readonly PodDisruptionBudget[],
): { violating: Pod[]; other: Pod[] } {
  const allowed = pdbs.map((b) => b.status.disruptionsAllowed);
  const violating: Pod[] = [];
  const other: Pod[] = [];
  for (const pod of victims) {
    let violates = false;
    pdbs.forEach((b, i) => {
      if (b.metadata.namespace !== pod.metadata.namespace) return;
      if (!b.spec.selector || isEmptySelector(b.spec.selector)) return;
      if (!selectorMatches(b.spec.selector, pod.metadata.labels)) return;
      if (b.status.disruptedPods?.[pod.metadata.name] !== undefined) return; // already counted
      allowed[i] = (allowed[i] ?? 0) - 1;
      if ((allowed[i] ?? 0) < 0) violates = true;
    });
    (violates ? violating : other).push(pod);
  }
  return { violating, other };
}

/**
 * `view`: the node and the pods holding it (the preemptor left out); `failure`: the filters' verdict on it.
 */
export function planPreemption(
  pod: Pod,
  view: NodeView,
  failure: FilterFailure,
  pdbs: readonly PodDisruptionBudget[],
): PreemptionPlan {
  // PodEligibleToPreemptOthers
  if (pod.spec.preemptionPolicy === 'Never')
    return { type: 'none', message: 'not eligible due to preemptionPolicy=Never.' };
  const priority = podPriority(pod);
  const lower = (p: Pod): boolean => podPriority(p) < priority;
  if (
    pod.status.nominatedNodeName === view.node.metadata.name &&
    !failure.unresolvable &&
    view.pods.some((p) => lower(p) && terminatingByPreemption(p))
  )
    return { type: 'none', message: 'not eligible due to a terminating pod on the nominated node.' };
  // nodesWherePreemptionMightHelp
  if (failure.unresolvable)
    return { type: 'none', message: nodesAvailable(['Preemption is not helpful for scheduling']) };
  const potential = view.pods.filter(lower);
  if (potential.length === 0)
    return { type: 'none', message: nodesAvailable(['No preemption victims found for incoming pod']) };
  const kept = view.pods.filter((p) => !lower(p));
  const still = firstFailure(pod, { node: view.node, pods: kept });
  if (still) return { type: 'none', message: nodesAvailable(still.reasons) };
  const { violating, other } = splitByBudgets([...potential].sort(importanceOrder), pdbs);
  const victims: Pod[] = [];
  for (const p of [...violating, ...other]) {
    kept.push(p);
    if (firstFailure(pod, { node: view.node, pods: kept })) {
      kept.pop();
      victims.push(p);
    }
  }
  return { type: 'preempt', victims };
}
