// The batch controllers' loop: one SyncQueue fed by changes of their own objects and of the objects they
// control (within milliseconds, from store events), with a periodic resync as the backstop. The Job and
// CronJob controllers differ only in what a sync does.
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { controllerOf } from '../model/job';
import type { ObjectStore, StoredObject } from '../store/object-store';
import { SyncQueue, keyOf } from './sync-queue';

export interface OwnerSyncLoopDeps<O extends StoredObject, D extends StoredObject> {
  owners: ObjectStore<O>;
  /** Objects whose controller is one of the owners (by ownerKind): a change of one syncs its owner. */
  dependents: ObjectStore<D>;
  ownerKind: string;
  clock: Clock;
  logger: Logger;
  resyncMs: number;
  sync: (key: string) => void;
}

export class OwnerSyncLoop<O extends StoredObject, D extends StoredObject> {
  readonly queue: SyncQueue;
  private readonly unsubscribe: (() => void)[] = [];
  private cancelResync: (() => void) | undefined;

  constructor(private readonly deps: OwnerSyncLoopDeps<O, D>) {
    this.queue = new SyncQueue({ clock: deps.clock, logger: deps.logger, sync: deps.sync });
  }

  start(): void {
    const { owners, dependents, ownerKind } = this.deps;
    this.unsubscribe.push(
      owners.onChange(({ type, object }) => {
        const key = keyOf(object.metadata.namespace, object.metadata.name);
        // A deleted owner's dependents are the garbage collector's.
        if (type === 'DELETED') this.queue.forget(key);
        else this.queue.add(key);
      }),
      dependents.onChange(({ object }) => {
        const owner = controllerOf(object.metadata);
        if (owner?.kind === ownerKind) this.queue.add(keyOf(object.metadata.namespace, owner.name));
      }),
    );
    this.resync();
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
    this.cancelResync?.();
    this.queue.stop();
  }

  /** Syncs every owner marked by a change now (tests). */
  drain(): void {
    this.queue.drain();
  }

  private resync(): void {
    for (const o of this.deps.owners.list()) this.queue.add(keyOf(o.metadata.namespace, o.metadata.name));
    this.cancelResync = this.deps.clock.setTimer(() => this.resync(), this.deps.resyncMs);
  }
}
