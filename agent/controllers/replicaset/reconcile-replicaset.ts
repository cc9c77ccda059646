// The ReplicaSet controller's decision, pure: from the ReplicaSet and the pods of its namespace to the
// actions that bring `replicas` pods of its template into being (upstream's syncReplicaSet /
// manageReplicas): adopt matching orphans, release owned pods whose labels stop matching, create the
// missing pods, delete the surplus (least useful first), publish the status.
//
// No "expectations" are needed: the controller's writes go synchronously into the same store it reads, and
// every pod is persisted as it is created, so the pods it made are always in what it sees next, also after
// a kill -9 mid-scale: it can never count short and create more than asked.
import { selectorMatches } from '../../model/label-selector';
import type { Pod } from '../../model/pod';
import { type ReplicaSet, type ReplicaSetStatus, controllerOf } from '../../model/workload';
import { isActive, isReady, msUntilAvailable } from '../pod-readiness';

export type ReplicaSetAction =
  | { type: 'adopt'; pod: string }
  | { type: 'release'; pod: string }
  | { type: 'create'; count: number }
  | { type: 'delete'; pods: string[] }
  | { type: 'status'; status: ReplicaSetStatus };

export interface ReplicaSetPlan {
  actions: ReplicaSetAction[];
  /** Look again after this many ms (a ready pod becoming available after minReadySeconds). */
  requeueMs?: number;
}

/** Upstream's burst: at most this many pods created or deleted per round. */
export const BURST = 500;

/** Surplus pods, the least useful first: not ready before ready, then the newest first. */
function deletionOrder(pods: Pod[]): Pod[] {
  return [...pods].sort(
    (a, b) =>
      Number(isReady(a)) - Number(isReady(b)) ||
      b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp) ||
      b.metadata.name.localeCompare(a.metadata.name),
  );
}

function statusOf(
  rs: ReplicaSet,
  active: Pod[],
  now: number,
): { status: ReplicaSetStatus; requeueMs?: number } {
  const minReady = rs.spec.minReadySeconds ?? 0;
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  let available = 0;
  let wait: number | undefined;
  for (const p of active) {
    const ms = msUntilAvailable(p, minReady, now);
    if (ms === 0) available++;
    else if (ms !== undefined) wait = Math.min(wait ?? ms, ms);
  }
  const status: ReplicaSetStatus = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) =>
      Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
    ).length,
    readyReplicas: active.filter(isReady).length,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 1,
  };
  return { status, ...(wait !== undefined ? { requeueMs: wait } : {}) };
}

/** `pods`: every pod of the ReplicaSet's namespace. */
export function reconcileReplicaSet(rs: ReplicaSet, pods: readonly Pod[], now: number): ReplicaSetPlan {
  const actions: ReplicaSetAction[] = [];
  const uid = rs.metadata.uid;
  const deleting = rs.metadata.deletionTimestamp !== undefined;
  const mine: Pod[] = [];
  for (const p of pods) {
    const owner = controllerOf(p.metadata);
    const matches = selectorMatches(rs.spec.selector, p.metadata.labels);
    if (owner?.uid === uid) {
      if (matches || p.metadata.deletionTimestamp !== undefined) mine.push(p);
      else actions.push({ type: 'release', pod: p.metadata.name });
    } else if (!owner && matches && !deleting && isActive(p)) {
      actions.push({ type: 'adopt', pod: p.metadata.name });
      mine.push(p);
    }
  }
  const active = mine.filter(isActive);
  if (!deleting) {
    const diff = active.length - rs.spec.replicas;
    if (diff < 0) actions.push({ type: 'create', count: Math.min(-diff, BURST) });
    if (diff > 0) {
      const surplus = deletionOrder(active).slice(0, Math.min(diff, BURST));
      actions.push({ type: 'delete', pods: surplus.map((p) => p.metadata.name) });
    }
  }
  const { status, requeueMs } = statusOf(rs, active, now);
  const { conditions: _c, ...current } = rs.status;
  if (JSON.stringify(sortKeys(status)) !== JSON.stringify(sortKeys(current)))
    actions.push({
      type: 'status',
      status: { ...status, ...(rs.status.conditions ? { conditions: rs.status.conditions } : {}) },
    });
  return { actions, ...(requeueMs !== undefined ? { requeueMs } : {}) };
}

const sortKeys = (o: object): object =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
