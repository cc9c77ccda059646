// The garbage collector's decision for one namespace, pure: from the owners and dependents stored there
// to what to do (upstream's attemptToDeleteItem / orphanDependents / foreground processing):
// - a dependent whose owners are all gone is deleted; a reference to a gone owner beside live ones is
//   dropped;
// - a dependent of an owner deleted with propagationPolicy Orphan loses that reference; once none is
//   left, the owner's `orphan` finalizer is removed;
// - a dependent of an owner deleted with Foreground is deleted; once none is left, the owner's
//   `foregroundDeletion` finalizer is removed.
// Only references to kinds the collector knows are looked at: an owner of another kind is never judged gone.
import type { StoredObject } from '../../store/object-store';
import { ownerReferencesOf } from '../../model/workload';

export const ORPHAN = 'orphan';
export const FOREGROUND = 'foregroundDeletion';

export type CollectionAction =
  | { type: 'delete'; kind: string; name: string }
  | { type: 'dropReference'; kind: string; name: string; uid: string }
  | { type: 'finalize'; kind: string; name: string; finalizer: string };

const finalizersOf = (o: StoredObject): string[] =>
  Array.isArray(o.metadata['finalizers']) ? (o.metadata['finalizers'] as string[]) : [];

const deleting = (o: StoredObject): boolean => o.metadata.deletionTimestamp !== undefined;

/** `objects`: every object of the namespace of the kinds the collector knows (owners and dependents). */
export function planCollection(
  objects: readonly StoredObject[],
  ownerKinds: ReadonlySet<string>,
): CollectionAction[] {
  const byUid = new Map(objects.map((o) => [o.metadata.uid, o]));
  const actions: CollectionAction[] = [];
  const referenced = new Set<string>();
  for (const dep of objects) {
    const refs = ownerReferencesOf(dep.metadata).filter((r) => ownerKinds.has(r.kind));
    if (!refs.length) continue;
    const target = { kind: dep.kind, name: dep.metadata.name };
    const live = refs.filter((r) => byUid.get(r.uid)?.kind === r.kind);
    let remove = false;
    for (const r of refs) {
      const owner = byUid.get(r.uid);
      if (!owner || owner.kind !== r.kind) {
        if (live.length) actions.push({ type: 'dropReference', ...target, uid: r.uid });
        else remove = true;
        continue;
      }
      referenced.add(r.uid);
      if (!deleting(owner)) continue;
      const finalizers = finalizersOf(owner);
      if (finalizers.includes(ORPHAN)) actions.push({ type: 'dropReference', ...target, uid: r.uid });
      else if (finalizers.includes(FOREGROUND)) remove = true;
    }
    if (remove && !deleting(dep)) actions.push({ type: 'delete', ...target });
  }
  for (const owner of objects) {
    if (!deleting(owner)) continue;
    const finalizers = finalizersOf(owner);
    const orphaned = finalizers.includes(ORPHAN) && !objects.some((d) => refersTo(d, owner));
    if (orphaned)
      actions.push({ type: 'finalize', kind: owner.kind, name: owner.metadata.name, finalizer: ORPHAN });
    if (finalizers.includes(FOREGROUND) && !referenced.has(owner.metadata.uid))
      actions.push({ type: 'finalize', kind: owner.kind, name: owner.metadata.name, finalizer: FOREGROUND });
  }
  return actions;
}

const refersTo = (d: StoredObject, owner: StoredObject): boolean =>
  ownerReferencesOf(d.metadata).some((r) => r.uid === owner.metadata.uid);
