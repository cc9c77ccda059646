// A pod's priority as the scheduler reads it (corev1helpers.PodPriority: 0 when unset) and upstream's
// orders: the queue's (higher priority, then older) and MoreImportantPod (higher priority, then started
// earlier) that preemption reprieves victims by.
import type { Pod } from '../model/pod';

export const podPriority = (pod: Pod): number => pod.spec.priority ?? 0;

const byName = (a: Pod, b: Pod): number =>
  `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);

/** The scheduling queue's order (PrioritySort): higher priority first, then the older pod. */
export const queueOrder = (a: Pod, b: Pod): number =>
  podPriority(b) - podPriority(a) ||
  a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) ||
  byName(a, b);

/** MoreImportantPod as a sort: higher priority first, then the earlier start. */
export const importanceOrder = (a: Pod, b: Pod): number =>
  podPriority(b) - podPriority(a) ||
  (a.status.startTime ?? a.metadata.creationTimestamp).localeCompare(
    b.status.startTime ?? b.metadata.creationTimestamp,
  ) ||
  byName(a, b);
