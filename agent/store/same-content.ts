// Whether a write would store what is stored already: upstream's GuaranteedUpdate skips a write whose
// encoded bytes equal the old object's (resourceVersion is not part of them), and the API server first puts
// back the old managedFields timestamps when nothing else changed (IgnoreManagedFieldsTimestampsTransformer).
// Compared as JSON would encode them: key order and undefined members do not count.
import type { StoredObject } from './object-store';

export function sameContent(next: StoredObject, old: StoredObject): boolean {
  return equalJson(comparable(next), comparable(old));
}

/** Without what the store writes itself on every write, and the managedFields' times. */
function comparable(o: StoredObject): unknown {
  const { resourceVersion: _rv, generation: _g, ...meta } = o.metadata;
  const managedFields = meta.managedFields?.map((e) => ({ ...e, time: undefined }));
  return { ...o, metadata: { ...meta, managedFields } };
}

function equalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v: unknown, i) => equalJson(v, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = (r: Record<string, unknown>): string[] => Object.keys(r).filter((k) => r[k] !== undefined);
  const ka = keys(ra);
  return ka.length === keys(rb).length && ka.every((k) => rb[k] !== undefined && equalJson(ra[k], rb[k]));
}
