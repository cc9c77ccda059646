// scheduling.k8s.io/v1 PriorityClasses as the API stores them (no spec and no status: the fields sit at the
// top), and the two system classes that exist from the start (upstream's SystemPriorityClasses).
import type { ObjectMeta } from './meta';

export const SCHEDULING_GROUP = 'scheduling.k8s.io';
export const PRIORITY_CLASS_KIND = 'PriorityClass';

export type PreemptionPolicy = 'PreemptLowerPriority' | 'Never';
export const PREEMPTION_POLICIES: readonly PreemptionPolicy[] = ['Never', 'PreemptLowerPriority'];
export const PREEMPT_LOWER_PRIORITY: PreemptionPolicy = 'PreemptLowerPriority';

export interface PriorityClass {
  apiVersion: 'scheduling.k8s.io/v1';
  kind: 'PriorityClass';
  metadata: ObjectMeta;
  value: number;
  globalDefault?: boolean;
  description?: string;
  preemptionPolicy?: PreemptionPolicy;
}

/** A user's class may not go above this; the system classes do (upstream's HighestUserDefinablePriority). */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** upstream's SystemCriticalPriority. */
export const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
/** Names with this prefix are the system's only. */
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';
/** A pod's priority when neither it nor a global default names a class. */
export const DEFAULT_PRIORITY = 0;

export interface SystemPriorityClass {
  name: string;
  value: number;
  description: string;
}

export const SYSTEM_PRIORITY_CLASSES: readonly SystemPriorityClass[] = [
  {
    name: 'system-node-critical',
    value: SYSTEM_CRITICAL_PRIORITY + 1000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    name: 'system-cluster-critical',
    value: SYSTEM_CRITICAL_PRIORITY,
    description:
      'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

export const isSystemPriorityClass = (name: string): boolean =>
  SYSTEM_PRIORITY_CLASSES.some((c) => c.name === name);

/** IsKnownSystemPriorityClass: undefined when the name, value and globalDefault are a system class's, else why not. */
export function systemClassProblem(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}
