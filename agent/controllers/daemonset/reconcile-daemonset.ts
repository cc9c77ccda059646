// The DaemonSet controller's decision, pure (upstream's daemon controller, for the one node there is): from
// the DaemonSet, the pods of its namespace and this Node to the actions that keep exactly one pod of the
// current template on the node when the daemon pod fits it (daemon-placement.ts: node selector, affinity,
// taints), none when not; a pod kept off only by a NoSchedule taint stays (misscheduled).
// RollingUpdate replaces an old pod (delete first; with maxSurge > 0 create first and delete the old once
// the new one is Ready); OnDelete only replaces a pod the user deleted.
import type { Node } from '../../model/node';
import type { Pod } from '../../model/pod';
import {
  CONTROLLER_REVISION_HASH,
  type DaemonSet,
  type DaemonSetStatus,
  controllerOf,
} from '../../model/workload';
import { isActive, isReady, msUntilAvailable } from '../pod-readiness';
import { type DaemonPlacement, daemonPlacement } from './daemon-placement';

export type DaemonSetAction =
  | { type: 'create'; hash: string }
  | { type: 'delete'; pods: string[] }
  | { type: 'status'; status: DaemonSetStatus };

export interface DaemonSetPlan {
  actions: DaemonSetAction[];
  /** Look again after this many ms (a ready pod becoming available after minReadySeconds). */
  requeueMs?: number;
}

/** A non-zero maxSurge (any positive number or percentage rounds up to 1 pod on one node). */
const surges = (ds: DaemonSet): boolean => {
  const s = ds.spec.updateStrategy;
  const v = s.type === 'RollingUpdate' ? s.rollingUpdate?.maxSurge : undefined;
  return v !== undefined && v !== 0 && v !== '0%';
};

/** Newest first: the one to keep when more than one pod is there. */
const newestFirst = (pods: Pod[]): Pod[] =>
  [...pods].sort((a, b) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp));

function podActions(ds: DaemonSet, active: Pod[], hash: string, place: DaemonPlacement): DaemonSetAction[] {
  const names = (ps: Pod[]): DaemonSetAction[] =>
    ps.length ? [{ type: 'delete', pods: ps.map((p) => p.metadata.name) }] : [];
  if (!place.shouldRun) return names(place.shouldContinueRunning ? newestFirst(active).slice(1) : active);
  if (active.length === 0) return [{ type: 'create', hash }];
  const updated = newestFirst(active.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash));
  const old = newestFirst(active.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] !== hash));
  if (ds.spec.updateStrategy.type === 'OnDelete') return names(newestFirst(active).slice(1));
  const [keep, ...extraUpdated] = updated;
  if (!keep) return surges(ds) ? [{ type: 'create', hash }] : names(old);
  // A new pod beside old ones (a surge): the old go once the new one is Ready.
  return names([...extraUpdated, ...(isReady(keep) ? old : [])]);
}

function statusOf(ds: DaemonSet, active: Pod[], hash: string, run: boolean, now: number) {
  const minReady = ds.spec.minReadySeconds ?? 0;
  const has = active.length > 0;
  let requeueMs: number | undefined;
  let available = false;
  for (const p of active) {
    const ms = msUntilAvailable(p, minReady, now);
    if (ms === 0) available = true;
    else if (ms !== undefined) requeueMs = Math.min(requeueMs ?? ms, ms);
  }
  const one = (b: boolean): number => (b ? 1 : 0);
  const desired = one(run);
  const status: DaemonSetStatus = {
    currentNumberScheduled: one(run && has),
    numberMisscheduled: one(!run && has),
    desiredNumberScheduled: desired,
    numberReady: one(run && active.some(isReady)),
    observedGeneration: ds.metadata.generation ?? 1,
    updatedNumberScheduled: one(
      run && active.some((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash),
    ),
    numberAvailable: one(run && available),
    numberUnavailable: desired - one(run && available),
    ...(ds.status.collisionCount !== undefined ? { collisionCount: ds.status.collisionCount } : {}),
  };
  return { status, requeueMs };
}

/**
 * `pods`: every pod of the DaemonSet's namespace; `node`: this node (undefined until registered); `hash`:
 * the current ControllerRevision's (plan-revisions.ts), which new pods carry.
 */
export function reconcileDaemonSet(
  ds: DaemonSet,
  pods: readonly Pod[],
  node: Node | undefined,
  now: number,
  hash: string,
): DaemonSetPlan {
  const uid = ds.metadata.uid;
  const active = pods.filter((p) => controllerOf(p.metadata)?.uid === uid && isActive(p));
  const place = daemonPlacement(ds, node);
  const deleting = ds.metadata.deletionTimestamp !== undefined;
  const actions = deleting ? [] : podActions(ds, active, hash, place);
  const { status, requeueMs } = statusOf(ds, active, hash, place.shouldRun, now);
  const { conditions: _c, ...current } = ds.status;
  if (JSON.stringify(sortKeys(status)) !== JSON.stringify(sortKeys(current)))
    actions.push({
      type: 'status',
      status: { ...status, ...(ds.status.conditions ? { conditions: ds.status.conditions } : {}) },
    });
  return { actions, ...(requeueMs !== undefined ? { requeueMs } : {}) };
}

const sortKeys = (o: object): object =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
