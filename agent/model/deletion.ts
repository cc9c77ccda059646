// Graceful deletion: the object stays, with deletionTimestamp = now + grace, until its owner removes it.
import { isoTime } from '../clock';
import type { ObjectMeta } from './meta';

export function markDeleting<T extends { metadata: ObjectMeta }>(
  obj: T,
  now: number,
  graceSeconds: number,
): T {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      deletionTimestamp: isoTime(now + graceSeconds * 1000),
      deletionGracePeriodSeconds: graceSeconds,
    },
  };
}
