// The StatefulSet controller's decision, pure (upstream's stateful set control, for one node): pods
// `<set>-<ordinal>` for ordinals start..start+replicas-1, each created after its claims
// (`<template>-<set>-<ordinal>`, kept when the pod or the set goes: retention Retain). OrderedReady creates
// the next pod only once every lower one is Running and Ready and removes the highest first, one at a time;
// Parallel does all at once. RollingUpdate replaces pods of another revision from the highest ordinal down to
// the partition, one at a time, each once all pods are Ready; OnDelete only replaces pods the user deleted.
// A pod below the partition that must be re-created gets the current revision's template.
// persistentVolumeClaimRetentionPolicy is kept through the claims' owner references (plan-claim-owners.ts),
// set before any pod goes; a pod whose claim is being deleted waits for it to be gone (upstream's
// `pvc <name> is being deleted`).
import type { Pod } from '../../model/pod';
import {
  CONTROLLER_REVISION_HASH,
  type OwnerReference,
  type PodTemplateSpec,
  type StatefulSet,
  type StatefulSetStatus,
  controllerOf,
} from '../../model/workload';
import { isReady, msUntilAvailable } from '../pod-readiness';
import {
  type ClaimOwnersAction,
  type ClaimView,
  ownersAtCreation,
  planClaimOwners,
} from './plan-claim-owners';

/** A revision as the planner needs it: its name (the pods' label) and template. */
export interface RevisionView {
  name: string;
  template: PodTemplateSpec;
}

export type StatefulSetAction =
  | { type: 'createClaims'; ordinal: number; claims: string[]; ownerReferences?: OwnerReference[] }
  | ClaimOwnersAction
  | { type: 'claimDeleting'; ordinal: number; claim: string }
  | { type: 'createPod'; ordinal: number; revision: RevisionView }
  | { type: 'deletePod'; name: string }
  | { type: 'status'; status: StatefulSetStatus };

export interface StatefulSetPlan {
  actions: StatefulSetAction[];
  requeueMs?: number;
}

export interface StatefulSetView {
  /** Every pod of the set's namespace. */
  pods: readonly Pod[];
  /** The claims of the set's namespace, by name. */
  claims: ReadonlyMap<string, ClaimView>;
  /** The revision of the set's template, and the one its pods were at before (the same when none). */
  update: RevisionView;
  current: RevisionView;
  now: number;
}

export const podName = (sts: StatefulSet, ordinal: number): string => `${sts.metadata.name}-${ordinal}`;
export const claimName = (template: string, sts: StatefulSet, ordinal: number): string =>
  `${template}-${podName(sts, ordinal)}`;
const claimNames = (sts: StatefulSet, ordinal: number): string[] =>
  (sts.spec.volumeClaimTemplates ?? []).map((t) => claimName(t.metadata.name, sts, ordinal));

/** The ordinal a pod's name gives (`web-3` -> 3), or undefined when it is not the set's. */
function ordinalOf(sts: StatefulSet, pod: Pod): number | undefined {
  const m = /^(.*)-(\d+)$/.exec(pod.metadata.name);
  return m && m[1] === sts.metadata.name ? Number(m[2]) : undefined;
}

/** How soon a set waiting for a claim being deleted looks again. */
export const CLAIM_POLL_MS = 1000;

const terminating = (p: Pod): boolean => p.metadata.deletionTimestamp !== undefined;
const finished = (p: Pod): boolean => p.status.phase === 'Succeeded' || p.status.phase === 'Failed';
const runningAndReady = (p: Pod): boolean => p.status.phase === 'Running' && isReady(p) && !terminating(p);
const revisionOf = (p: Pod): string | undefined => p.metadata.labels?.[CONTROLLER_REVISION_HASH];

function statusOf(sts: StatefulSet, pods: Pod[], v: StatefulSetView) {
  const minReady = sts.spec.minReadySeconds ?? 0;
  let requeueMs: number | undefined;
  let available = 0;
  for (const p of pods) {
    if (terminating(p)) continue;
    const ms = msUntilAvailable(p, minReady, v.now);
    if (ms === 0) available++;
    else if (ms !== undefined) requeueMs = Math.min(requeueMs ?? ms, ms);
  }
  const count = (f: (p: Pod) => boolean): number => pods.filter(f).length;
  const replicas = count((p) => !terminating(p));
  const updated = count((p) => !terminating(p) && revisionOf(p) === v.update.name);
  const ready = count((p) => !terminating(p) && isReady(p));
  // The rollout is complete once every pod is of the update revision and ready: it becomes the current one.
  const done = updated === sts.spec.replicas && ready === sts.spec.replicas && replicas === sts.spec.replicas;
  const current = done ? v.update.name : v.current.name;
  const status: StatefulSetStatus = {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas,
    readyReplicas: ready,
    currentReplicas: done ? updated : count((p) => !terminating(p) && revisionOf(p) === current),
    updatedReplicas: updated,
    currentRevision: current,
    updateRevision: v.update.name,
    collisionCount: sts.status.collisionCount ?? 0,
    availableReplicas: available,
  };
  return { status, requeueMs };
}

function podActions(sts: StatefulSet, pods: Map<number, Pod>, extra: Pod[], v: StatefulSetView) {
  const actions: StatefulSetAction[] = [];
  const ordered = sts.spec.podManagementPolicy !== 'Parallel';
  const start = sts.spec.ordinals?.start ?? 0;
  const end = start + sts.spec.replicas;
  const partition = sts.spec.updateStrategy.rollingUpdate?.partition ?? 0;
  let healthy = true;
  for (let ordinal = start; ordinal < end; ordinal++) {
    const pod = pods.get(ordinal);
    const names = claimNames(sts, ordinal);
    const missing = names.filter((c) => !v.claims.has(c));
    const owners = ownersAtCreation(sts);
    if (missing.length)
      actions.push({
        type: 'createClaims',
        ordinal,
        claims: missing,
        ...(owners.length ? { ownerReferences: owners } : {}),
      });
    const deleting = names.find((c) => v.claims.get(c)?.deleting);
    if (!pod && deleting) {
      actions.push({ type: 'claimDeleting', ordinal, claim: deleting });
      healthy = false;
      if (ordered) return { actions, healthy };
      continue;
    }
    if (!pod) {
      const belowPartition = sts.spec.updateStrategy.type === 'RollingUpdate' && ordinal - start < partition;
      actions.push({ type: 'createPod', ordinal, revision: belowPartition ? v.current : v.update });
      healthy = false;
      if (ordered) return { actions, healthy };
      continue;
    }
    if (finished(pod) && !terminating(pod)) {
      actions.push({ type: 'deletePod', name: pod.metadata.name }); // re-created on the next round
      healthy = false;
      if (ordered) return { actions, healthy };
      continue;
    }
    if (!runningAndReady(pod)) {
      healthy = false;
      if (ordered) return { actions, healthy };
    }
  }
  // Scale down: the highest ordinals first (pods beyond the range, and any not of the set's numbering).
  const condemned = [
    ...[...pods.entries()].filter(([o]) => o < start || o >= end).map(([, p]) => p),
    ...extra,
  ]
    .filter((p) => !terminating(p))
    .sort((a, b) => (ordinalOf(sts, b) ?? 0) - (ordinalOf(sts, a) ?? 0));
  const stillGoing = [...pods.values()].some((p) => terminating(p));
  if (condemned.length) {
    if (!ordered) for (const p of condemned) actions.push({ type: 'deletePod', name: p.metadata.name });
    else if (healthy && !stillGoing && condemned[0])
      actions.push({ type: 'deletePod', name: condemned[0].metadata.name });
    return { actions, healthy: false };
  }
  return { actions, healthy: healthy && !stillGoing };
}

/** One pod of another revision replaced, the highest ordinal first, down to the partition. */
function rollingUpdate(sts: StatefulSet, pods: Map<number, Pod>, v: StatefulSetView): StatefulSetAction[] {
  if (sts.spec.updateStrategy.type !== 'RollingUpdate') return [];
  const start = sts.spec.ordinals?.start ?? 0;
  const partition = sts.spec.updateStrategy.rollingUpdate?.partition ?? 0;
  for (let ordinal = start + sts.spec.replicas - 1; ordinal >= start + partition; ordinal--) {
    const pod = pods.get(ordinal);
    if (pod && revisionOf(pod) !== v.update.name) return [{ type: 'deletePod', name: pod.metadata.name }];
  }
  return [];
}

export function reconcileStatefulSet(sts: StatefulSet, v: StatefulSetView): StatefulSetPlan {
  const uid = sts.metadata.uid;
  const own = v.pods.filter((p) => controllerOf(p.metadata)?.uid === uid);
  const byOrdinal = new Map<number, Pod>();
  const extra: Pod[] = [];
  for (const p of own) {
    const o = ordinalOf(sts, p);
    if (o === undefined || byOrdinal.has(o)) extra.push(p);
    else byOrdinal.set(o, p);
  }
  const actions: StatefulSetAction[] = [];
  if (sts.metadata.deletionTimestamp === undefined) {
    const start = sts.spec.ordinals?.start ?? 0;
    const inRange = (o: number): boolean => o >= start && o < start + sts.spec.replicas;
    actions.push(...planClaimOwners(sts, byOrdinal, v.claims, (o) => claimNames(sts, o), inRange));
    const planned = podActions(sts, byOrdinal, extra, v);
    actions.push(...planned.actions);
    if (planned.healthy && !actions.length) actions.push(...rollingUpdate(sts, byOrdinal, v));
  }
  const { status, requeueMs: availableIn } = statusOf(sts, own, v);
  // A claim being deleted is looked at again soon: its going does not queue the set.
  const waiting = actions.some((a) => a.type === 'claimDeleting');
  const requeueMs = waiting ? Math.min(availableIn ?? CLAIM_POLL_MS, CLAIM_POLL_MS) : availableIn;
  const { conditions, ...current } = sts.status;
  if (JSON.stringify(sortKeys(status)) !== JSON.stringify(sortKeys(current)))
    actions.push({ type: 'status', status: { ...status, ...(conditions ? { conditions } : {}) } });
  return { actions, ...(requeueMs !== undefined ? { requeueMs } : {}) };
}

const sortKeys = (o: object): object =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
