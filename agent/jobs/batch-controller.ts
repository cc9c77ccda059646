// What the Job and CronJob controllers share around their own sync (agent/controllers/owner-controller.ts is
// the workload controllers' counterpart, on a WorkQueue): the owner loop (start, stop, drain), the
// owner's dependents, the status written back, the owner as events name it. Each subclass says only what a
// sync of one owner does.
import { isNotFound } from '../errors';
import { type EventRecorder, involvedObjectOf } from '../events/recorder';
import { ownedBy } from '../model/job';
import type { StoredObject } from '../store/object-store';
import { OwnerSyncLoop, type OwnerSyncLoopDeps } from './owner-sync-loop';

/** The loop's dependencies (the sync is the subclass's own) and where events go. */
export type BatchControllerBase<O extends StoredObject, D extends StoredObject> = Omit<
  OwnerSyncLoopDeps<O, D>,
  'sync'
> & { events: EventRecorder };

export { involvedObjectOf };

export abstract class BatchController<O extends StoredObject & { status?: unknown }, D extends StoredObject> {
  protected readonly loop: OwnerSyncLoop<O, D>;

  constructor(private readonly base: BatchControllerBase<O, D>) {
    this.loop = new OwnerSyncLoop({ ...base, sync: (key) => this.sync(key) });
  }

  /** Plans one owner (namespace/name) and carries the plan out. */
  abstract sync(key: string): void;

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** Syncs every owner marked by a change now (tests). */
  drain(): void {
    this.loop.drain();
  }

  protected dependentsOf(owner: O): D[] {
    return this.base.dependents
      .list(owner.metadata.namespace)
      .filter((d) => ownedBy(d.metadata, owner.metadata.uid));
  }

  /** An event about the owner, reported as upstream's controller of its kind (`job-controller`). */
  protected record(owner: O, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.base.events.record(
      involvedObjectOf(owner),
      type,
      reason,
      message,
      `${this.base.ownerKind.toLowerCase()}-controller`,
    );
  }

  /** Writes the planned status when it differs, persisted (the counters and schedule survive a restart),
   *  unless the owner was deleted or replaced meanwhile. */
  protected writeStatus(owner: O, status: O['status']): void {
    const fresh = this.base.owners.get(owner.metadata.namespace, owner.metadata.name);
    if (fresh?.metadata.uid !== owner.metadata.uid || JSON.stringify(fresh.status) === JSON.stringify(status))
      return;
    this.base.owners.update({ ...fresh, status }, { specChanged: false, persist: true });
  }

  /** Runs a delete; false when the object was already gone (a plan made from a slightly older view). */
  protected static deleted(remove: () => void): boolean {
    try {
      remove();
      return true;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return false;
    }
  }
}
