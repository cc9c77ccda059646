// Creating, updating and deleting ReplicaSets and Deployments: decoding with defaults and validation, the
// selector immutable, status owned by the controllers, and deletion as the propagation policy asks
// (propagated-delete.ts).
import type { Clock } from '../clock';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../model/workload';
import { type WorkloadKind, decodeWorkload, decodeWorkloadUpdate } from '../model/workload-decode';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';
import { propagatedDelete } from './propagated-delete';

export class WorkloadRegistry<
  T extends ReplicaSet | Deployment | DaemonSet | StatefulSet,
> implements Registry<T> {
  constructor(private readonly deps: { store: ObjectStore<T>; clock: Clock; kind: WorkloadKind<T> }) {}

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): T {
    return this.deps.store.create(decodeWorkload(this.deps.kind, raw, namespace), opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): T {
    const old = this.deps.store.mustGet(namespace, name);
    const next = decodeWorkloadUpdate(this.deps.kind, old, raw);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return this.deps.store.update(next, { specChanged, ...opts });
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
    checkPreconditions(obj, o);
    return propagatedDelete(store, obj, o, clock.now());
  }
}
