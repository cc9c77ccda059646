// Writes a template history plan (plan-revisions.ts) for its owner, a DaemonSet or a StatefulSet: revisions
// created, renumbered, deleted, or the owner's collisionCount bumped; a failure is handed back (an event),
// retried on resync.
import { errorMessage } from '../../errors';
import type { ControllerRevision } from '../../model/controller-revision';
import type { Registry } from '../../store/registry';
import type { RevisionAction, RevisionOwner } from './plan-revisions';

export interface RevisionWriter {
  revisions: Registry<ControllerRevision>;
  /** The owner's status with collisionCount one more. */
  bumpCollisionCount(owner: RevisionOwner): void;
  failed(owner: RevisionOwner, message: string): void;
}

export function writeRevisions(
  owner: RevisionOwner,
  actions: readonly RevisionAction[],
  w: RevisionWriter,
): void {
  const ns = owner.metadata.namespace;
  for (const a of actions) {
    try {
      if (a.type === 'createRevision') w.revisions.create(a.revision, ns);
      else if (a.type === 'renumberRevision') w.revisions.update(a.revision, ns, a.revision.metadata.name);
      else if (a.type === 'bumpCollisionCount') w.bumpCollisionCount(owner);
      else for (const name of a.names) w.revisions.delete(ns, name);
    } catch (err) {
      w.failed(owner, `Error updating the revision history: ${errorMessage(err)}`);
    }
  }
}
