// The DisruptionTarget pod condition (upstream's PodDisruptionConditions): written on a pod just before a
// disruption deletes it, so that its owner (a Job's podFailurePolicy) and users can tell why it went.
// Each cause is a reason and message worded as upstream.
import { isoTime } from '../clock';
import type { Pod, PodCondition, PodStatus } from '../model/pod';
import type { ObjectStore } from '../store/object-store';

export interface DisruptionCause {
  reason: string;
  message: string;
}

/** The pods/eviction subresource (pkg/registry/core/pod/storage/eviction.go). */
export const EVICTION_BY_EVICTION_API: DisruptionCause = {
  reason: 'EvictionByEvictionAPI',
  message: 'Eviction API: evicting',
};

/** The NoExecute taint manager (pkg/controller/tainteviction). */
export const DELETION_BY_TAINT_MANAGER: DisruptionCause = {
  reason: 'DeletionByTaintManager',
  message: 'Taint manager: deleting due to NoExecute taint',
};

/** kube-scheduler's preemption of a lower-priority pod; `schedulerName` is the preemptor's scheduler. */
export const preemptionByScheduler = (schedulerName: string): DisruptionCause => ({
  reason: 'PreemptionByScheduler',
  message: `${schedulerName}: preempting to accommodate a higher priority pod`,
});

/**
 * UpdatePodCondition with DisruptionTarget True: the status with the condition set (its transition time kept
 * when it was True already), or undefined when it is there as it would be written.
 */
export function withDisruptionTarget(
  status: PodStatus,
  cause: DisruptionCause,
  now: number,
): PodStatus | undefined {
  const conditions = status.conditions ?? [];
  const old = conditions.find((c) => c.type === 'DisruptionTarget');
  if (old && old.status === 'True' && old.reason === cause.reason && old.message === cause.message)
    return undefined;
  const condition: PodCondition = {
    type: 'DisruptionTarget',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: old?.status === 'True' ? old.lastTransitionTime : isoTime(now),
    reason: cause.reason,
    message: cause.message,
  };
  return {
    ...status,
    conditions: old ? conditions.map((c) => (c === old ? condition : c)) : [...conditions, condition],
  };
}

/** Writes the condition on the stored pod (unless there already); the pod as stored afterwards. */
export function markDisruptionTarget(
  pods: Pick<ObjectStore<Pod>, 'update'>,
  pod: Pod,
  cause: DisruptionCause,
  now: number,
): Pod {
  const status = withDisruptionTarget(pod.status, cause, now);
  return status
    ? pods.update({ ...pod, metadata: { ...pod.metadata }, status }, { specChanged: false })
    : pod;
}
