// The DisruptionTarget condition the scheduler puts on a pod it preempts, before deleting it (as
// kube-scheduler's PreemptPod: reason PreemptionByScheduler). Kept apart so that the other writers of
// DisruptionTarget (taint eviction) can share one helper.
import { isoTime } from '../clock';
import type { PodCondition, PodStatus } from '../model/pod';

export const PREEMPTION_BY_SCHEDULER = 'PreemptionByScheduler';

/** The victim's status with DisruptionTarget True (replacing an older one); `schedulerName`: the preemptor's. */
export function withPreemptionCondition(status: PodStatus, schedulerName: string, now: number): PodStatus {
  const condition: PodCondition = {
    type: 'DisruptionTarget',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: isoTime(now),
    reason: PREEMPTION_BY_SCHEDULER,
    message: `${schedulerName}: preempting to accommodate a higher priority pod`,
  };
  const others = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
  return { ...status, conditions: [...others, condition] };
}
