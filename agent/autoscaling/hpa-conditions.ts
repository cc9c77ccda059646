// Pure: an HPA's conditions as upstream's setCondition keeps them (one per type, in the order first set;
// lastTransitionTime moves only when the status does).
import { isoTime } from '../clock';
import type { HpaCondition } from '../model/hpa';

export function setCondition(
  conditions: HpaCondition[],
  type: HpaCondition['type'],
  status: HpaCondition['status'],
  reason: string,
  message: string,
  now: number,
): HpaCondition[] {
  const old = conditions.find((c) => c.type === type);
  const lastTransitionTime = old && old.status === status ? old.lastTransitionTime : isoTime(now);
  const next: HpaCondition = { type, status, reason, message, lastTransitionTime };
  return old ? conditions.map((c) => (c === old ? next : c)) : [...conditions, next];
}
