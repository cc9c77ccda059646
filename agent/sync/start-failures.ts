// Start failures that retrying will not cure, shown as the kubelet shows them rather than only in the log
// (issue 18): a sandbox the engine refuses (event FailedCreatePodSandBox; the containers keep their usual
// waiting reason, with the error as its message) and a malformed image (InvalidImageName, nothing pulled).
import { errorMessage } from '../errors';
import type { EventRecorder } from '../events/recorder';
import type { Container, Pod } from '../model/pod';
import { invalidImageMessage } from '../runtime/image-ref';
import type { WaitingReason } from '../status/container-status';
import { podRef } from './pod-ref';
import type { StepResult } from './step-result';

const containersOf = (pod: Pod): Container[] => [...(pod.spec.initContainers ?? []), ...pod.spec.containers];

/** A refused sandbox: the kubelet's event, and the error as every container's waiting message. */
export function sandboxRefused(pod: Pod, err: unknown, events: EventRecorder): StepResult[] {
  const message = `Failed to create pod sandbox: ${errorMessage(err)}`;
  events.record(podRef(pod), 'Warning', 'FailedCreatePodSandBox', message);
  // The reason each container shows anyway while the pod starts (agent/status/pod-status.ts), now with why.
  const reason = (pod.spec.initContainers ?? []).length ? 'PodInitializing' : 'ContainerCreating';
  return containersOf(pod).map((c) => ({
    action: 'createSandbox',
    target: c.name,
    ok: true,
    waiting: { reason, message },
  }));
}

/** A sandbox was made: no container waits for an earlier reason (a refused sandbox's message included). */
export function sandboxMade(pod: Pod): StepResult[] {
  return containersOf(pod).map((c) => ({
    action: 'createSandbox',
    target: c.name,
    ok: true,
    waiting: 'none',
  }));
}

/**
 * The waiting reason (recorded as the kubelet's image manager does) when the container's image reference
 * is malformed: it will never pull, so the container waits as InvalidImageName until the spec changes.
 */
export function invalidImage(
  pod: Pod,
  c: Container,
  path: string,
  events: EventRecorder,
): WaitingReason | undefined {
  const message = invalidImageMessage(c.image);
  if (message === undefined) return undefined;
  events.record(podRef(pod, path), 'Warning', 'InspectFailed', message);
  events.record(podRef(pod, path), 'Warning', 'Failed', 'Error: InvalidImageName');
  return { reason: 'InvalidImageName', message };
}
