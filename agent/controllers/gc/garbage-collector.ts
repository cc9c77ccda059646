// The garbage collector, generic over kinds: every kind registered here (a store and how to delete one of
// its objects) can be an owner and a dependent. Changes to any of them queue their namespace; the plan
// (plan-collection.ts) is executed at once. On start every namespace is swept, so dependents whose owner
// went while the daemon was down are collected after a restart.
import type { Clock } from '../../clock';
import { errorMessage, isNotFound } from '../../errors';
import type { Logger } from '../../log';
import { ownerReferencesOf } from '../../model/workload';
import type { ObjectStore, StoredObject } from '../../store/object-store';
import { WorkQueue } from '../work-queue';
import { type CollectionAction, planCollection } from './plan-collection';

export interface CollectedKind {
  store: ObjectStore<StoredObject>;
  /** Deletes one object as a Background delete through its registry would (pods go gracefully). */
  delete: (namespace: string, name: string) => void;
}

export interface GarbageCollectorDeps {
  kinds: CollectedKind[];
  clock: Clock;
  logger: Logger;
  resyncMs: number;
}

export class GarbageCollector {
  readonly queue: WorkQueue;
  private readonly byKind: Map<string, CollectedKind>;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: GarbageCollectorDeps) {
    this.byKind = new Map(deps.kinds.map((k) => [k.store.kind, k]));
    this.queue = new WorkQueue({
      clock: deps.clock,
      logger: deps.logger,
      resyncMs: deps.resyncMs,
      keys: () => [...new Set(deps.kinds.flatMap((k) => k.store.list().map((o) => o.metadata.namespace)))],
      reconcile: (ns) => this.collect(ns),
    });
  }

  start(): void {
    for (const { store } of this.deps.kinds)
      this.unsubscribe.push(
        store.onChange(({ type, object }) => {
          const m = object.metadata;
          if (type === 'DELETED' || m.deletionTimestamp !== undefined || ownerReferencesOf(m).length)
            this.queue.add(m.namespace);
        }),
      );
    this.queue.start();
  }

  stop(): void {
    for (const fn of this.unsubscribe.splice(0)) fn();
    this.queue.stop();
  }

  private collect(namespace: string): undefined {
    const objects = this.deps.kinds.flatMap((k) => k.store.list(namespace));
    const plan = planCollection(objects, new Set(this.byKind.keys()));
    let done = 0;
    for (const a of plan) {
      try {
        this.run(namespace, a);
        done++;
      } catch (err) {
        if (!isNotFound(err))
          this.deps.logger.warn('garbage collection step failed', {
            namespace,
            action: a.type,
            object: `${a.kind}/${a.name}`,
            error: errorMessage(err),
          });
      }
    }
    // A step can unblock the next (references dropped, then the finalizer): look again.
    if (done) this.queue.add(namespace);
    return undefined;
  }

  private run(namespace: string, a: CollectionAction): void {
    const kind = this.byKind.get(a.kind);
    if (!kind) return;
    const obj = kind.store.mustGet(namespace, a.name);
    const m = obj.metadata;
    switch (a.type) {
      case 'delete':
        this.deps.logger.info('deleting dependent', { object: `${a.kind}/${namespace}/${a.name}` });
        kind.delete(namespace, a.name);
        return;
      case 'dropReference': {
        const ownerReferences = ownerReferencesOf(m).filter((r) => r.uid !== a.uid);
        const { ownerReferences: _old, ...rest } = m;
        const metadata = ownerReferences.length ? { ...rest, ownerReferences } : rest;
        kind.store.update({ ...obj, metadata }, { specChanged: false, persist: true });
        return;
      }
      case 'finalize': {
        const finalizers = (Array.isArray(m['finalizers']) ? (m['finalizers'] as string[]) : []).filter(
          (f) => f !== a.finalizer,
        );
        if (!finalizers.length) {
          kind.store.remove(namespace, a.name);
          return;
        }
        kind.store.update({ ...obj, metadata: { ...m, finalizers } }, { specChanged: false, persist: true });
        return;
      }
    }
  }
}
