// What the kinds' update decoders share: a PUT body that leaves metadata.name out still names the stored
// object; the decoded object keeps the stored identity (uid, creationTimestamp, resourceVersion) and status.
import { type FieldError, fieldError } from './field-errors';
import type { ObjectMeta } from './meta';
import { isObject } from './shape';

/** The body names the stored object even when it leaves metadata.name out. */
export function withName(raw: unknown, name: string): unknown {
  // A metadata of the wrong type is left for decodeObject to refuse.
  if (!isObject(raw) || (raw.metadata != null && !isObject(raw.metadata))) return raw;
  return { ...raw, metadata: { name, ...(isObject(raw.metadata) ? raw.metadata : {}) } };
}

/** The decoded body under the stored identity and status; a renamed body is refused (metadata.name is immutable). */
export function decodeUpdateOf<T extends { metadata: ObjectMeta; status?: unknown }>(
  old: T,
  raw: unknown,
  decode: (raw: unknown, namespace: string) => T,
  invalid: (name: string, errors: FieldError[]) => Error,
): T {
  const m = old.metadata;
  const next = decode(withName(raw, m.name), m.namespace);
  if (next.metadata.name !== m.name)
    throw invalid(m.name, [fieldError('Invalid', 'metadata.name', next.metadata.name, 'field is immutable')]);
  const keep = { uid: m.uid, creationTimestamp: m.creationTimestamp, resourceVersion: m.resourceVersion };
  return { ...next, metadata: { ...next.metadata, ...keep }, status: old.status };
}
