// The Priority admission plugin's part for new pods (plugin/pkg/admission/priority), pure: the pod's
// priorityClassName resolves to spec.priority and spec.preemptionPolicy; no name takes the global default
// class (the lowest value when several claim it) or priority 0 and PreemptLowerPriority; an unknown name, or
// a priority or preemptionPolicy the pod set itself that differs from the computed one, is refused (403).
import {
  DEFAULT_PRIORITY,
  PREEMPT_LOWER_PRIORITY,
  type PreemptionPolicy,
  type PriorityClass,
} from '../model/priority-class';

export interface PodPriorityFields {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: PreemptionPolicy;
}

export type PriorityDecision =
  | {
      ok: true;
      fields: Required<Pick<PodPriorityFields, 'priority' | 'preemptionPolicy'>> & PodPriorityFields;
    }
  | { ok: false; why: string };

/** getDefaultPriorityClass: a race may leave several defaults; the lowest value wins. */
export function defaultPriorityClass(classes: readonly PriorityClass[]): PriorityClass | undefined {
  let found: PriorityClass | undefined;
  for (const c of classes) if (c.globalDefault && (!found || c.value < found.value)) found = c;
  return found;
}

export function admitPriority(spec: PodPriorityFields, classes: readonly PriorityClass[]): PriorityDecision {
  let name = spec.priorityClassName ?? '';
  let priority = DEFAULT_PRIORITY;
  let policy: PreemptionPolicy | undefined = PREEMPT_LOWER_PRIORITY;
  if (!name) {
    const def = defaultPriorityClass(classes);
    if (def) {
      name = def.metadata.name;
      priority = def.value;
      policy = def.preemptionPolicy;
    }
  } else {
    const pc = classes.find((c) => c.metadata.name === name);
    if (!pc) return { ok: false, why: `no PriorityClass with name ${name} was found` };
    priority = pc.value;
    policy = pc.preemptionPolicy;
  }
  if (spec.priority !== undefined && spec.priority !== priority)
    return {
      ok: false,
      why: `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
    };
  if (policy && spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy)
    return {
      ok: false,
      why: `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
    };
  const preemptionPolicy = policy ?? spec.preemptionPolicy ?? PREEMPT_LOWER_PRIORITY;
  return { ok: true, fields: { ...(name ? { priorityClassName: name } : {}), priority, preemptionPolicy } };
}
