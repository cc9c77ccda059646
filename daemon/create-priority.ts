// scheduling.k8s.io/v1: the PriorityClass store (persisted, the system classes created when missing) and its
// write path (agent/priority/). The pod registry resolves new pods' priorities from it; the scheduler orders
// and preempts by them (agent/scheduler/).
import type { Clock } from '../agent/clock';
import { PRIORITY_CLASS_KIND, type PriorityClass, SCHEDULING_GROUP } from '../agent/model/priority-class';
import {
  PriorityClassRegistry,
  ensureSystemPriorityClasses,
} from '../agent/priority/priority-class-registry';
import { ObjectStore, type Persistence, type ResourceVersions } from '../agent/store/object-store';

export interface Priority {
  priorityClasses: ObjectStore<PriorityClass>;
  registry: PriorityClassRegistry;
}

export function createPriority(o: {
  clock: Clock;
  versions: ResourceVersions;
  persistence: Persistence;
}): Priority {
  const priorityClasses = new ObjectStore<PriorityClass>(PRIORITY_CLASS_KIND, o, SCHEDULING_GROUP);
  ensureSystemPriorityClasses(priorityClasses);
  return { priorityClasses, registry: new PriorityClassRegistry(priorityClasses) };
}
