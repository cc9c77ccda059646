// Which pods a controller counts (upstream's FilterActivePods, IsPodReady, IsPodAvailable), pure.
import type { Pod } from '../model/pod';

/** Not being deleted and not finished: a pod that counts toward replicas. */
export const isActive = (p: Pod): boolean =>
  p.metadata.deletionTimestamp === undefined && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed';

const readyCondition = (p: Pod): { status: string; lastTransitionTime?: string } | undefined =>
  p.status.conditions?.find((c) => c.type === 'Ready');

export const isReady = (p: Pod): boolean => readyCondition(p)?.status === 'True';

/**
 * Ms until a ready pod becomes available (ready for minReadySeconds): 0 when it is, undefined when it is
 * not ready at all.
 */
export function msUntilAvailable(p: Pod, minReadySeconds: number, now: number): number | undefined {
  const ready = readyCondition(p);
  if (ready?.status !== 'True') return undefined;
  if (minReadySeconds <= 0) return 0;
  const since = Date.parse(ready.lastTransitionTime ?? '') || now;
  return Math.max(0, since + minReadySeconds * 1000 - now);
}
