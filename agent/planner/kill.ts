// How a container is killed: the pod's grace period, and a kill target the executor can carry out without
// looking anything up to decide.
import type { Container, Pod } from '../model/pod';
import type { ObservedContainer, PodContainerKind } from '../runtime/runtime';
import { type KillTarget, type PodAction, together } from './actions';

/** The kubelet's minimumGracePeriodInSeconds: no stop gets less, unless the grace period is 0. */
export const MIN_GRACE_SECONDS = 2;

export function graceSeconds(pod: Pod): number {
  return (
    pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? MIN_GRACE_SECONDS
  );
}

export function specOf(pod: Pod, kind: PodContainerKind, name: string): Container | undefined {
  const list: Container[] =
    kind === 'init'
      ? (pod.spec.initContainers ?? [])
      : kind === 'ephemeral'
        ? (pod.spec.ephemeralContainers ?? [])
        : pod.spec.containers;
  return list.find((c) => c.name === name);
}

/** Which list of the spec names a container (exec, attach and logs reach every kind). */
export function kindOf(pod: Pod, name: string): PodContainerKind | undefined {
  const kinds: PodContainerKind[] = ['app', 'init', 'ephemeral'];
  return kinds.find((k) => specOf(pod, k, name) !== undefined);
}

export type PodContainer = ObservedContainer & { kind: PodContainerKind };

export const isPodContainer = (c: ObservedContainer): c is PodContainer => c.kind !== 'sandbox';

/** A container to kill; its preStop hook runs when it is running, has one, and there is a grace period. */
export function killTarget(pod: Pod, c: PodContainer, message: string): KillTarget {
  const hook = specOf(pod, c.kind, c.name)?.lifecycle?.preStop;
  const preStop = c.state === 'running' && graceSeconds(pod) > 0 && hook !== undefined;
  return { id: c.id, name: c.name, kind: c.kind, message, preStop };
}

/** Stops the running sandboxes at once: the pause container has nothing to shut down. */
export function stopSandboxes(observed: readonly ObservedContainer[], reason: string): PodAction[] {
  return together(
    observed
      .filter((c) => c.kind === 'sandbox' && c.state === 'running')
      .map((c) => ({ type: 'stopContainer', id: c.id, name: c.name, reason })),
  );
}
