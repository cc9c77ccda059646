// Pure: a PodDisruptionBudget's status from the pods it selects and their controllers' scale, as upstream's
// disruption controller computes it (pkg/controller/disruption: getExpectedPodCount, getExpectedScale,
// buildDisruptedPodMap, countHealthyPods, updatePdbStatus, failSafe). Time comes in the context.
import { isDeepStrictEqual } from 'node:util';
import { isoTime } from '../clock';
import { isReady } from '../controllers/pod-readiness';
import { selectorMatches } from '../model/label-selector';
import type { ObjectMeta } from '../model/meta';
import type { PdbCondition, PodDisruptionBudget, PodDisruptionBudgetStatus } from '../model/pdb';
import type { Pod } from '../model/pod';
import { controllerOf } from '../model/workload';

/** upstream's DeletionTimeout: a pod the eviction let go must be terminating within 2 minutes. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

/** A Deployment, ReplicaSet or StatefulSet as the scale finders read it. */
export interface ScaleOwner {
  kind: string;
  metadata: ObjectMeta;
  spec: { replicas?: number };
}

export interface DisruptionContext {
  /** The pods of the budget's namespace (the planner selects). */
  pods: readonly Pod[];
  /** The namespace's Deployments, ReplicaSets and StatefulSets. */
  owners: readonly ScaleOwner[];
  now: number;
}

export interface DisruptionEvent {
  /** The budget, or the pod of that name. */
  on: 'pdb' | { pod: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface DisruptionPlan {
  /** The status to write; undefined when the stored one is up to date. */
  status: PodDisruptionBudgetStatus | undefined;
  events: DisruptionEvent[];
  /** Ms until an entry of disruptedPods times out (look again then). */
  recheckMs?: number;
}

/** LabelSelectorAsSelector: a null selector matches no pod, an empty one every pod. */
export const selectedPods = (pdb: PodDisruptionBudget, pods: readonly Pod[]): Pod[] => {
  const sel = pdb.spec.selector;
  return sel ? pods.filter((p) => selectorMatches(sel, p.metadata.labels)) : [];
};

/** Rounds up, as GetScaledValueFromIntOrPercent(..., true). */
const scaledUp = (v: number | string, total: number): number =>
  typeof v === 'number' ? v : Math.ceil((Number(v.slice(0, -1)) * total) / 100);

const byUid = (
  owners: readonly ScaleOwner[],
  kind: string,
  name: string,
  uid: string,
): ScaleOwner | undefined =>
  owners.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.uid === uid);

/**
 * The controller a pod counts against and its scale: a ReplicaSet's Deployment (getPodDeployment), a
 * ReplicaSet no Deployment controls, a StatefulSet; undefined when none is found.
 */
function scaleOf(pod: Pod, owners: readonly ScaleOwner[]): { uid: string; scale: number } | undefined {
  const ref = controllerOf(pod.metadata);
  if (!ref) return undefined;
  const owner = byUid(owners, ref.kind, ref.name, ref.uid);
  if (!owner || (ref.kind !== 'ReplicaSet' && ref.kind !== 'StatefulSet')) return undefined;
  const above = ref.kind === 'ReplicaSet' ? controllerOf(owner.metadata) : undefined;
  if (above?.kind === 'Deployment') {
    const d = byUid(owners, 'Deployment', above.name, above.uid);
    return d && { uid: d.metadata.uid, scale: d.spec.replicas ?? 1 };
  }
  return { uid: owner.metadata.uid, scale: owner.spec.replicas ?? 1 };
}

/** getExpectedScale: the sum of the scale of every controller of the pods; an error for a pod without one found. */
function expectedScale(
  pods: readonly Pod[],
  owners: readonly ScaleOwner[],
): { count: number; unmanaged: string[] } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    if (!controllerOf(pod.metadata)) {
      unmanaged.push(pod.metadata.name);
      continue;
    }
    const found = scaleOf(pod, owners);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    scales.set(found.uid, found.scale);
  }
  return { count: [...scales.values()].reduce((a, b) => a + b, 0), unmanaged };
}

/** getExpectedPodCount: an integer minAvailable counts the pods; a percentage or maxUnavailable their controllers' scale. */
export function expectedPodCount(
  pdb: PodDisruptionBudget,
  pods: readonly Pod[],
  owners: readonly ScaleOwner[],
): { expected: number; desiredHealthy: number; unmanaged: string[] } {
  const { minAvailable, maxUnavailable } = pdb.spec;
  if (maxUnavailable !== undefined) {
    const { count, unmanaged } = expectedScale(pods, owners);
    return {
      expected: count,
      desiredHealthy: Math.max(0, count - scaledUp(maxUnavailable, count)),
      unmanaged,
    };
  }
  if (typeof minAvailable === 'number')
    return { expected: pods.length, desiredHealthy: minAvailable, unmanaged: [] };
  if (minAvailable !== undefined) {
    const { count, unmanaged } = expectedScale(pods, owners);
    return { expected: count, desiredHealthy: scaledUp(minAvailable, count), unmanaged };
  }
  return { expected: 0, desiredHealthy: 0, unmanaged: [] };
}

/** setStatusCondition: one condition of the type; lastTransitionTime moves only when the status does. */
function withCondition(
  conditions: readonly PdbCondition[] | undefined,
  next: Omit<PdbCondition, 'lastTransitionTime'>,
  now: number,
): PdbCondition[] {
  const old = conditions?.find((c) => c.type === next.type);
  const lastTransitionTime = old && old.status === next.status ? old.lastTransitionTime : isoTime(now);
  return [{ ...next, lastTransitionTime }];
}

const unmanagedMessage = (pdb: PodDisruptionBudget): string =>
  `Pods selected by this PodDisruptionBudget (selector: ${JSON.stringify(pdb.spec.selector ?? null)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`;

export function planDisruption(pdb: PodDisruptionBudget, ctx: DisruptionContext): DisruptionPlan {
  const { now } = ctx;
  const pods = selectedPods(pdb, ctx.pods);
  const events: DisruptionEvent[] = [];
  if (!pods.length)
    events.push({ on: 'pdb', type: 'Normal', reason: 'NoPods', message: 'No matching pods found' });
  const generation = pdb.metadata.generation ?? 1;
  let counted: ReturnType<typeof expectedPodCount>;
  try {
    counted = expectedPodCount(pdb, pods, ctx.owners);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    events.push({
      on: 'pdb',
      type: 'Warning',
      reason: 'CalculateExpectedPodCountFailed',
      message: `Failed to calculate the number of expected pods: ${message}`,
    });
    return { status: changed(pdb, failSafe(pdb, message, now)), events };
  }
  if (counted.unmanaged.length)
    events.push({ on: 'pdb', type: 'Warning', reason: 'UnmanagedPods', message: unmanagedMessage(pdb) });
  // buildDisruptedPodMap: entries of pods not yet terminating, until their deletion timeout
  const disrupted: Record<string, string> = {};
  let recheckAt: number | undefined;
  for (const pod of pods) {
    const at = pdb.status.disruptedPods?.[pod.metadata.name];
    if (pod.metadata.deletionTimestamp !== undefined || at === undefined) continue;
    const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expires < now) {
      const message = `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.name} to be deleted but it wasn't`;
      events.push({ on: { pod: pod.metadata.name }, type: 'Warning', reason: 'NotDeleted', message });
    } else {
      disrupted[pod.metadata.name] = at;
      recheckAt = Math.min(recheckAt ?? expires, expires);
    }
  }
  const healthy = pods.filter(
    (p) =>
      p.metadata.deletionTimestamp === undefined && disrupted[p.metadata.name] === undefined && isReady(p),
  ).length;
  const { expected, desiredHealthy } = counted;
  // expectedPods 0 allows nothing: the first pods of a budget are safe before its status is computed
  const allowed = expected <= 0 ? 0 : Math.max(0, healthy - desiredHealthy);
  const status: PodDisruptionBudgetStatus = {
    observedGeneration: generation,
    ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
    disruptionsAllowed: allowed,
    currentHealthy: healthy,
    desiredHealthy,
    expectedPods: expected,
    conditions: withCondition(
      pdb.status.conditions,
      allowed > 0
        ? {
            type: 'DisruptionAllowed',
            status: 'True',
            reason: 'SufficientPods',
            message: '',
            observedGeneration: generation,
          }
        : {
            type: 'DisruptionAllowed',
            status: 'False',
            reason: 'InsufficientPods',
            message: '',
            observedGeneration: generation,
          },
      now,
    ),
  };
  return {
    status: changed(pdb, status),
    events,
    ...(recheckAt !== undefined ? { recheckMs: Math.max(0, recheckAt - now) } : {}),
  };
}

/** The status when it differs from the stored one (no write otherwise). */
const changed = (
  pdb: PodDisruptionBudget,
  status: PodDisruptionBudgetStatus,
): PodDisruptionBudgetStatus | undefined => (isDeepStrictEqual(status, pdb.status) ? undefined : status);

/** failSafe: nothing allowed, the DisruptionAllowed condition False with SyncFailed and the error. */
function failSafe(pdb: PodDisruptionBudget, message: string, now: number): PodDisruptionBudgetStatus {
  const observedGeneration = pdb.status.observedGeneration;
  return {
    ...pdb.status,
    disruptionsAllowed: 0,
    conditions: withCondition(
      pdb.status.conditions,
      {
        type: 'DisruptionAllowed',
        status: 'False',
        reason: 'SyncFailed',
        message,
        ...(observedGeneration !== undefined ? { observedGeneration } : {}),
      },
      now,
    ),
  };
}
