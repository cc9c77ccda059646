// Creating, updating and deleting PriorityClasses (cluster-scoped): decoded and validated
// (agent/model/priority-class-decode.ts), then the Priority admission plugin's check of classes (one
// globalDefault only) and the storage's refusal to delete a system class. The system classes are created at
// start when missing, as kube-apiserver's post-start hook does.
import { MiniKubeletError } from '../errors';
import {
  PRIORITY_CLASS_KIND,
  type PriorityClass,
  SCHEDULING_GROUP,
  SYSTEM_PRIORITY_CLASSES,
  isSystemPriorityClass,
} from '../model/priority-class';
import { decodePriorityClass, decodePriorityClassUpdate } from '../model/priority-class-decode';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';
import { defaultPriorityClass } from './priority-admission';

const forbidden = (name: string, why: string): MiniKubeletError =>
  new MiniKubeletError('Forbidden', `priorityclasses.${SCHEDULING_GROUP} "${name}" is forbidden: ${why}`, {
    name,
    kind: PRIORITY_CLASS_KIND,
    group: SCHEDULING_GROUP,
  });

export class PriorityClassRegistry implements Registry<PriorityClass> {
  constructor(private readonly store: ObjectStore<PriorityClass>) {}

  create(raw: unknown, _namespace: string, opts: WriteOptions = {}): PriorityClass {
    const pc = decodePriorityClass(raw);
    this.checkDefault(pc, true);
    return this.store.create(pc, opts);
  }

  update(raw: unknown, _namespace: string, name: string, opts: UpdateOptions = {}): PriorityClass {
    const old = this.store.mustGet('', name);
    const next = decodePriorityClassUpdate(old, raw);
    this.checkDefault(next, false);
    return this.store.update(next, { specChanged: false, persist: true, ...opts });
  }

  delete(_namespace: string, name: string, opts: DeleteOptions = {}): PriorityClass {
    if (isSystemPriorityClass(name))
      throw forbidden(name, 'this is a system priority class and cannot be deleted');
    const obj = this.store.mustGet('', name);
    checkPreconditions(obj, opts);
    return opts.dryRun ? obj : this.store.remove('', name);
  }

  /** A second default, or another class made default while one is: refused (the Priority plugin's Validate). */
  private checkDefault(pc: PriorityClass, creating: boolean): void {
    if (!pc.globalDefault) return;
    const current = defaultPriorityClass(this.store.list());
    if (current && (creating || current.metadata.name !== pc.metadata.name))
      throw forbidden(
        pc.metadata.name,
        `PriorityClass ${current.metadata.name} is already marked as default. Only one default can exist`,
      );
  }
}

/** The system classes a fresh (or older) store lacks. */
export function ensureSystemPriorityClasses(store: ObjectStore<PriorityClass>): void {
  for (const c of SYSTEM_PRIORITY_CLASSES) {
    if (store.get('', c.name)) continue;
    store.create({
      apiVersion: 'scheduling.k8s.io/v1',
      kind: PRIORITY_CLASS_KIND,
      metadata: { name: c.name, namespace: '', uid: '', creationTimestamp: '', resourceVersion: '' },
      value: c.value,
      description: c.description,
      preemptionPolicy: 'PreemptLowerPriority',
    });
  }
}
