// Creating, updating and deleting ReplicaSets and Deployments: decoding with defaults and validation, the
// selector immutable, status owned by the controllers, and deletion as the propagation policy asks:
// Background removes the object at once (the garbage collector then deletes its dependents); Foreground
// and Orphan mark it with their finalizer and leave the rest to the garbage collector (agent/gc/).
import type { Clock } from '../clock';
import { isoTime } from '../clock';
import type { DaemonSet, Deployment, ReplicaSet } from '../model/workload';
import { type WorkloadKind, decodeWorkload, decodeWorkloadUpdate } from '../model/workload-decode';
import type { ObjectStore } from '../store/object-store';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export class WorkloadRegistry<T extends ReplicaSet | Deployment | DaemonSet> implements Registry<T> {
  constructor(private readonly deps: { store: ObjectStore<T>; clock: Clock; kind: WorkloadKind<T> }) {}

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): T {
    return this.deps.store.create(decodeWorkload(this.deps.kind, raw, namespace), opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): T {
    const old = this.deps.store.mustGet(namespace, name);
    const next = decodeWorkloadUpdate(this.deps.kind, old, raw);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    const metaChanged = JSON.stringify(next.metadata) !== JSON.stringify(old.metadata);
    return this.deps.store.update(next, { specChanged, persist: metaChanged, ...opts });
  }

  /** Status from the controllers or the status subresource: kept in memory, rebuilt after a restart. */
  updateStatus(namespace: string, name: string, status: T['status'], opts: UpdateOptions = {}): T {
    const old = this.deps.store.mustGet(namespace, name);
    return this.deps.store.update(
      { ...old, metadata: { ...old.metadata }, status },
      { specChanged: false, ...opts },
    );
  }

  delete(namespace: string, name: string, o: DeleteOptions = {}): T {
    const { store, clock } = this.deps;
    const obj = store.mustGet(namespace, name);
    if (obj.metadata.deletionTimestamp !== undefined) return obj;
    const policy = o.propagationPolicy ?? 'Background';
    if (policy === 'Background') return o.dryRun ? obj : store.remove(namespace, name);
    const finalizer = policy === 'Orphan' ? ORPHAN_FINALIZER : FOREGROUND_FINALIZER;
    const finalizers = Array.isArray(obj.metadata['finalizers'])
      ? (obj.metadata['finalizers'] as string[])
      : [];
    const marked = {
      ...obj,
      metadata: {
        ...obj.metadata,
        deletionTimestamp: isoTime(clock.now()),
        deletionGracePeriodSeconds: 0,
        finalizers: [...new Set([...finalizers, finalizer])],
      },
    };
    return o.dryRun ? marked : store.update(marked, { specChanged: false, persist: true });
  }
}
