// planTermination: a deleted pod -> the actions that stop and remove it, in the kubelet's deletion order.
// planLeftoverRemoval: what belongs to no stored pod (found at start-up) -> its removal. Pure: time is ctx.now.
import type { Pod } from '../model/pod';
import { isSidecar } from '../model/pod-predicates';
import type { ObservedContainer } from '../runtime/runtime';
import { type PodAction, together } from './actions';
import { MIN_GRACE_SECONDS, graceSeconds, isPodContainer, killTarget, stopSandboxes } from './kill';

export interface TerminationContext {
  now: number;
}

const REASON = 'deleted';

/**
 * Every preStop hook at once; then SIGTERM to the app containers; once they are gone, the sidecars one by
 * one in reverse spec order; SIGKILL for whatever outlives the grace period, counted from now; the
 * sandboxes last. A grace period of 0 (forced deletion) kills at once.
 */
function stopInOrder(pod: Pod, observed: readonly ObservedContainer[], now: number): PodAction[] {
  const grace = graceSeconds(pod);
  const killAt = grace === 0 ? {} : { killAt: now + grace * 1000 };
  const live = observed.filter(isPodContainer).filter((c) => c.state === 'running');
  const targets = live.map((c) => killTarget(pod, c, `Stopping container ${c.name}`));
  const sidecarOrder = (pod.spec.initContainers ?? []).filter(isSidecar).map((c) => c.name);
  const sidecar = (c: { kind: string; name: string }): boolean =>
    c.kind === 'init' && sidecarOrder.includes(c.name);
  const stop = (c: { id: string; name: string }): PodAction => ({
    type: 'stopContainer',
    id: c.id,
    name: c.name,
    ...killAt,
    reason: REASON,
  });
  const sidecars = live
    .filter(sidecar)
    .sort((a, b) => sidecarOrder.indexOf(b.name) - sidecarOrder.indexOf(a.name));
  return [
    ...targets.map(({ preStop: _hook, ...t }): PodAction => ({
      type: 'recordKilling',
      ...t,
      reason: REASON,
    })),
    ...together(
      targets
        .filter((t) => t.preStop)
        .map((t) => ({
          type: 'preStop',
          id: t.id,
          name: t.name,
          kind: t.kind,
          gracePeriodSeconds: grace,
          reason: REASON,
        })),
    ),
    ...together(live.filter((c) => !sidecar(c)).map(stop)),
    ...sidecars.map(stop),
    ...stopSandboxes(observed, REASON),
  ];
}

/** A pod gone from the store before its containers: stop what runs with the minimum grace period. */
function stopUnknown(observed: readonly ObservedContainer[], now: number, reason: string): PodAction[] {
  return together(
    observed
      .filter((c) => c.state === 'running')
      .map((c) => ({
        type: 'stopContainer',
        id: c.id,
        name: c.name,
        killAt: now + MIN_GRACE_SECONDS * 1000,
        reason,
      })),
  );
}

function removeAll(
  observed: readonly ObservedContainer[],
  volumes: readonly string[],
  reason: string,
): PodAction[] {
  return [
    ...together(observed.map((c) => ({ type: 'removeContainer', id: c.id, name: c.name, reason }))),
    ...volumes.map((name): PodAction => ({ type: 'removeVolume', name, reason })),
  ];
}

/** Stops a deleted pod (or what is left of one whose object is gone), then removes its containers and volumes. */
export function planTermination(
  pod: Pod | undefined,
  observed: readonly ObservedContainer[],
  volumes: readonly string[],
  ctx: TerminationContext,
): PodAction[] {
  const stops = pod ? stopInOrder(pod, observed, ctx.now) : stopUnknown(observed, ctx.now, REASON);
  return [...stops, ...removeAll(observed, volumes, REASON)];
}

/** Containers and volumes of pods the store does not know: removed (they were never stopped by us). */
export function planLeftoverRemoval(
  known: ReadonlySet<string>,
  containers: readonly ObservedContainer[],
  volumes: readonly string[],
): PodAction[] {
  const strays = containers.filter((c) => !known.has(c.podUid));
  const strayVolumes = volumes.filter((v) => ![...known].some((uid) => v.endsWith(`_${uid}`)));
  return removeAll(strays, strayVolumes, 'unknown pod');
}
