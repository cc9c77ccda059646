// The shape every owning controller shares (ReplicaSet over pods, Deployment over ReplicaSets, and Jobs
// over pods): store events queue owners (an owner changed; a dependent changed: its controller, or every
// owner of its namespace for an orphan, which may be adopted); each queued owner is reconciled against the
// dependents of its namespace. A periodic resync is the backstop.
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { controllerOf } from '../model/workload';
import type { ObjectStore, StoredObject } from '../store/object-store';
import { WorkQueue } from './work-queue';

export interface OwnerControllerDeps<O extends StoredObject, D extends StoredObject> {
  owners: ObjectStore<O>;
  dependents: ObjectStore<D>;
  /** Plans and executes one round; returns ms after which to look again, or undefined. */
  reconcile: (owner: O, dependents: D[]) => number | undefined;
  /** Namespaces being deleted get nothing new. */
  isTerminating: (namespace: string) => boolean;
  clock: Clock;
  logger: Logger;
  resyncMs: number;
}

const keyOf = (o: StoredObject): string => `${o.metadata.namespace}/${o.metadata.name}`;

export class OwnerController<O extends StoredObject, D extends StoredObject> {
  readonly queue: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: OwnerControllerDeps<O, D>) {
    this.queue = new WorkQueue({
      clock: deps.clock,
      logger: deps.logger,
      resyncMs: deps.resyncMs,
      keys: () => deps.owners.list().map(keyOf),
      reconcile: (key) => this.reconcile(key),
    });
  }

  start(): void {
    const { owners, dependents } = this.deps;
    this.unsubscribe.push(
      owners.onChange(({ object }) => this.queue.add(keyOf(object))),
      dependents.onChange(({ object }) => {
        const owner = controllerOf(object.metadata);
        if (owner?.kind === owners.kind) this.queue.add(`${object.metadata.namespace}/${owner.name}`);
        else if (!owner) for (const o of owners.list(object.metadata.namespace)) this.queue.add(keyOf(o));
      }),
    );
    this.queue.start();
  }

  stop(): void {
    for (const fn of this.unsubscribe.splice(0)) fn();
    this.queue.stop();
  }

  private reconcile(key: string): number | undefined {
    const [namespace = '', name = ''] = key.split('/');
    const owner = this.deps.owners.get(namespace, name);
    if (!owner || this.deps.isTerminating(namespace)) return undefined;
    return this.deps.reconcile(owner, this.deps.dependents.list(namespace));
  }
}
