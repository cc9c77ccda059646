// Deletion as the propagation policy asks, for every kind that owns others: Background removes the object at
// once (the garbage collector then deletes its dependents); Foreground and Orphan mark it with their
// finalizer and a deletionTimestamp and leave the rest to the garbage collector (agent/controllers/gc/).
import { isoTime } from '../clock';
import type { ObjectStore, StoredObject } from '../store/object-store';
import type { DeleteOptions } from '../store/registry';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export function propagatedDelete<T extends StoredObject>(
  store: ObjectStore<T>,
  obj: T,
  o: DeleteOptions,
  now: number,
): T {
  const m = obj.metadata;
  if (m.deletionTimestamp !== undefined) return obj;
  const policy = o.propagationPolicy ?? 'Background';
  if (policy === 'Background') return o.dryRun ? obj : store.remove(m.namespace, m.name);
  const finalizer = policy === 'Orphan' ? ORPHAN_FINALIZER : FOREGROUND_FINALIZER;
  const finalizers = Array.isArray(m['finalizers']) ? (m['finalizers'] as string[]) : [];
  const marked = {
    ...obj,
    metadata: {
      ...m,
      deletionTimestamp: isoTime(now),
      deletionGracePeriodSeconds: 0,
      finalizers: [...new Set([...finalizers, finalizer])],
    },
  };
  return o.dryRun ? marked : store.update(marked, { specChanged: false, persist: true });
}
