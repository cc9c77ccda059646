// The NoExecute taint manager's decision for the one node, pure (upstream's pkg/controller/tainteviction):
// a pod bound to the node that does not tolerate every NoExecute taint goes now; one whose tolerations all
// carry tolerationSeconds goes that long (the smallest of them) after its timer started: when the controller
// first found it tolerating for a while (the taint added, or the pod bound); a toleration without
// tolerationSeconds keeps it for good. No NoExecute taint left (or a pod tolerating forever) cancels the timer.
import type { Taint } from '../model/node';
import type { Pod } from '../model/pod';
import { isMirrorPod } from '../model/static-pod';
import { matchingTolerations, type Toleration, tolerationsOf } from '../scheduler/tolerations';

/** A pod whose eviction waits: by uid, with its name for the events and when its timer started. */
export interface PendingEviction {
  namespace: string;
  name: string;
  uid: string;
  since: number;
}

export type PendingEvictions = ReadonlyMap<string, PendingEviction>;

export interface TaintEvictionPlan {
  /** Pods to mark (DisruptionTarget) and delete now. */
  evict: Pod[];
  /** Waiting evictions called off ("Cancelling deletion" events). */
  cancelled: PendingEviction[];
  /** The timers running after this pass. */
  pending: Map<string, PendingEviction>;
  /** When the earliest of them fires (ms since the epoch), if any. */
  wakeAt?: number;
}

/** getMinTolerationTime: 0 for none or a non-positive one, the smallest in ms, or undefined for forever. */
export function minTolerationMs(used: readonly Toleration[]): number | undefined {
  if (used.length === 0) return 0;
  let min: number | undefined;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min ?? Infinity, t.tolerationSeconds);
  }
  return min === undefined ? undefined : min * 1000;
}

/**
 * The taint manager's look at the pods bound to it. A pod already terminating is left to its deletion; a
 * mirror pod too (deleting it would not stop its static pod: the kubelet makes it again).
 */
const considered = (pod: Pod, nodeName: string): boolean =>
  pod.spec.nodeName === nodeName && pod.metadata.deletionTimestamp === undefined && !isMirrorPod(pod);

export function planTaintEviction(
  nodeName: string,
  taints: readonly Taint[],
  pods: readonly Pod[],
  pending: PendingEvictions,
  now: number,
): TaintEvictionPlan {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  const plan: TaintEvictionPlan = { evict: [], cancelled: [], pending: new Map() };
  const seen = new Set<string>();
  for (const pod of pods) {
    if (!considered(pod, nodeName)) continue;
    const uid = pod.metadata.uid;
    seen.add(uid);
    const waiting = pending.get(uid);
    if (noExecute.length === 0) {
      if (waiting) plan.cancelled.push(waiting);
      continue;
    }
    const used = matchingTolerations(noExecute, tolerationsOf(pod));
    const ms = used ? minTolerationMs(used) : 0;
    if (ms === undefined) {
      if (waiting) plan.cancelled.push(waiting);
      continue;
    }
    if (!used && waiting) plan.cancelled.push(waiting); // as upstream: called off, then deleted at once
    const since = used ? (waiting?.since ?? now) : now;
    const fireAt = since + ms;
    if (fireAt <= now) {
      plan.evict.push(pod);
      continue;
    }
    plan.pending.set(uid, { namespace: pod.metadata.namespace, name: pod.metadata.name, uid, since });
    plan.wakeAt = Math.min(plan.wakeAt ?? Infinity, fireAt);
  }
  // A pod deleted (or unbound) while its timer ran: the timer goes with it (upstream cancels it too).
  for (const [uid, p] of pending) if (!seen.has(uid)) plan.cancelled.push(p);
  return plan;
}
