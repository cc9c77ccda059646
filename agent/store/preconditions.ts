// The preconditions a client may put on a write (DeleteOptions.preconditions, a PUT body's uid, a Scale's
// uid), checked as upstream's storage checks them before it changes anything: one that does not hold is a
// Conflict that names the object's qualified resource (`deployments.apps "d"`), and nothing is written.
import { conflict } from '../errors';
import { groupOf } from '../model/group-version';
import type { StoredObject } from './object-store';

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** `subresource`: the write is one of it (`scale`), which the Conflict names (`deployments/scale.apps "d"`). */
export function checkPreconditions(obj: StoredObject, p: Preconditions, subresource?: string): void {
  const m = obj.metadata;
  const failed = (why: string): Error =>
    conflict(obj.kind, m.name, `Precondition failed: ${why}`, groupOf(obj.apiVersion), subresource);
  if (p.uid !== undefined && p.uid !== m.uid)
    throw failed(`UID in precondition: ${p.uid}, UID in object meta: ${m.uid}`);
  if (p.resourceVersion !== undefined && p.resourceVersion !== m.resourceVersion)
    throw failed(
      `ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion}`,
    );
}
