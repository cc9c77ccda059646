// Pure: what an eviction of a pod does, as upstream's eviction subresource decides it
// (pkg/registry/core/pod/storage/eviction.go): a pod not running or already terminating goes without a
// check; no budget, or an unready pod while its budget is met, goes; one budget with a disruption left is
// decremented (the pod noted in disruptedPods) and the pod goes; none left is a 429; several budgets a 500.
import { isoTime } from '../clock';
import { isReady } from '../controllers/pod-readiness';
import { MiniKubeletError } from '../errors';
import { isEmptySelector, selectorMatches } from '../model/label-selector';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from '../model/pdb';
import type { Pod } from '../model/pod';

/** upstream's MaxDisruptedPodSize. */
export const MAX_DISRUPTED_PODS = 2000;

export const MULTIPLE_BUDGETS_MESSAGE =
  'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';
const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

export type EvictionPlan =
  /** Delete the pod; first write the budget's status when one is given (the decrement). */
  | { action: 'delete'; budget?: { name: string; status: PodDisruptionBudgetStatus } }
  | { action: 'multiple-budgets' };

/** canIgnorePDB: a pod that is Pending, finished or terminating has disrupted nothing a budget counts. */
export const canIgnoreBudgets = (pod: Pod): boolean =>
  pod.metadata.deletionTimestamp !== undefined ||
  pod.status.phase === 'Pending' ||
  pod.status.phase === 'Succeeded' ||
  pod.status.phase === 'Failed';

/** getPodDisruptionBudgets: a null or empty selector matches nothing here (not everything). */
export const budgetsOf = (pod: Pod, pdbs: readonly PodDisruptionBudget[]): PodDisruptionBudget[] =>
  pdbs.filter(
    (b) =>
      b.metadata.namespace === pod.metadata.namespace &&
      b.spec.selector !== undefined &&
      !isEmptySelector(b.spec.selector) &&
      selectorMatches(b.spec.selector, pod.metadata.labels),
  );

const tooManyRequests = (cause: string, retryAfterSeconds?: number): MiniKubeletError =>
  new MiniKubeletError('TooManyRequests', VIOLATION, {
    causes: [{ reason: 'DisruptionBudget', message: cause, field: '' }],
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
  });

/** checkAndDecrement: the budget's next status, or the error refusing the eviction. */
export function decrement(pdb: PodDisruptionBudget, pod: string, now: number): PodDisruptionBudgetStatus {
  const s = pdb.status;
  const name = pdb.metadata.name;
  if ((s.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1))
    throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`, 10);
  if (Object.keys(s.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS)
    throw new MiniKubeletError(
      'Forbidden',
      `poddisruptionbudgets.policy "${name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`,
      { name, group: 'policy', resource: 'poddisruptionbudgets' },
    );
  if (s.disruptionsAllowed <= 0)
    throw tooManyRequests(
      `The disruption budget ${name} needs ${s.desiredHealthy} healthy pods and has ${s.currentHealthy} currently`,
    );
  const allowed = s.disruptionsAllowed - 1;
  // UpdateDisruptionAllowedCondition once none is left
  const conditions =
    allowed === 0
      ? (s.conditions ?? [])
          .filter((c) => c.type !== 'DisruptionAllowed')
          .concat({
            type: 'DisruptionAllowed',
            status: 'False',
            reason: 'InsufficientPods',
            message: '',
            lastTransitionTime: isoTime(now),
            ...(s.observedGeneration !== undefined ? { observedGeneration: s.observedGeneration } : {}),
          })
      : s.conditions;
  return {
    ...s,
    disruptionsAllowed: allowed,
    disruptedPods: { ...s.disruptedPods, [pod]: isoTime(now) },
    ...(conditions ? { conditions } : {}),
  };
}

export function planEviction(pod: Pod, pdbs: readonly PodDisruptionBudget[], now: number): EvictionPlan {
  if (canIgnoreBudgets(pod)) return { action: 'delete' };
  const budgets = budgetsOf(pod, pdbs);
  if (budgets.length > 1) return { action: 'multiple-budgets' };
  const [pdb] = budgets;
  if (!pdb) return { action: 'delete' };
  const s = pdb.status;
  // an unready pod is no healthy one: it goes without a decrement while the budget is met (IfHealthyBudget),
  // or always (AlwaysAllow)
  if (!isReady(pod)) {
    if (pdb.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow') return { action: 'delete' };
    if (s.currentHealthy >= s.desiredHealthy && s.desiredHealthy > 0) return { action: 'delete' };
  }
  return {
    action: 'delete',
    budget: { name: pdb.metadata.name, status: decrement(pdb, pod.metadata.name, now) },
  };
}
