// One container's API status from its observed instances (kubelet convertToAPIContainerStatuses, dockershim reasons).
import { isoTime } from '../clock';
import type { Container, ContainerState, ContainerStatus } from '../model/pod';
import { isSidecar } from '../model/pod-predicates';
import type { ObservedContainer, PodContainerKind } from '../runtime/runtime';

export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface ContainerStatusInput {
  container: Container;
  kind: PodContainerKind;
  /** Newest instance in the current sandbox. */
  current: ObservedContainer | undefined;
  /** Newest instance of any sandbox. */
  latest: ObservedContainer | undefined;
  /** Newest instance other than `current`, for lastState. */
  previous: ObservedContainer | undefined;
  /** Why the container is not running, from the last start attempt (CrashLoopBackOff, ErrImagePull, ...). */
  waiting: WaitingReason | undefined;
  defaultWaiting: string;
  readiness: boolean | undefined;
  startup: boolean | undefined;
}

export function terminatedState(c: ObservedContainer): ContainerState {
  const reason = c.oomKilled
    ? 'OOMKilled'
    : c.exitCode === 0
      ? 'Completed'
      : c.startedAt === undefined
        ? 'ContainerCannotRun'
        : 'Error';
  const started = c.startedAt ?? c.createdAt;
  return {
    terminated: {
      exitCode: c.exitCode,
      reason,
      ...(c.error ? { message: c.error } : {}),
      startedAt: isoTime(started),
      finishedAt: isoTime(c.finishedAt ?? started),
      containerID: `docker://${c.id}`,
    },
  };
}

function stateOf(c: ObservedContainer): ContainerState {
  switch (c.state) {
    case 'running':
      return { running: { startedAt: isoTime(c.startedAt ?? c.createdAt) } };
    case 'exited':
      return terminatedState(c);
    case 'created':
      return { waiting: { reason: 'ContainerCreating' } };
    case 'unknown':
      return {
        terminated: {
          exitCode: 137,
          reason: 'ContainerStatusUnknown',
          message: 'The container could not be located when the pod was terminated',
          containerID: `docker://${c.id}`,
        },
      };
  }
}

export function containerStatus(input: ContainerStatusInput): ContainerStatus {
  const { container, current, latest, previous, waiting } = input;
  const sidecar = input.kind === 'init' && isSidecar(container);
  let state: ContainerState;
  let lastState: ContainerState = {};
  if (current && current.state === 'exited' && waiting) {
    // Exited and waiting to be started again (back-off, pull error): the failure moves to lastState.
    state = { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
    lastState = terminatedState(current);
  } else if (current && current.state === 'created' && waiting) {
    // Created but the start failed (RunContainerError...): the kubelet's reason cache names why.
    state = { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
    if (previous && previous.state === 'exited') lastState = terminatedState(previous);
  } else if (current) {
    state = stateOf(current);
    if (previous && previous.state === 'exited') lastState = terminatedState(previous);
  } else {
    state = {
      waiting: {
        reason: waiting?.reason ?? input.defaultWaiting,
        ...(waiting?.message ? { message: waiting.message } : {}),
      },
    };
    if (latest && latest.state === 'exited') lastState = terminatedState(latest);
  }
  const running = current?.state === 'running';
  // A declared probe without a result yet means not started / not ready; no probe means yes (prober manager).
  const started = running && (container.startupProbe ? input.startup === true : true);
  let ready: boolean;
  // No probes run in an ephemeral container: the prober leaves ready false and started unset.
  if (input.kind === 'ephemeral') ready = false;
  else if (input.kind === 'init' && !sidecar)
    ready = current?.state === 'exited' && current.exitCode === 0 && !current.oomKilled && !waiting;
  else ready = started && (container.readinessProbe ? input.readiness === true : true);
  const shown = current ?? latest;
  return {
    name: container.name,
    state,
    lastState,
    ready,
    restartCount: latest?.attempt ?? 0,
    image: container.image,
    imageID: shown?.imageId ?? '',
    ...(shown ? { containerID: `docker://${shown.id}` } : {}),
    ...(input.kind === 'ephemeral' ? {} : { started }),
  };
}
