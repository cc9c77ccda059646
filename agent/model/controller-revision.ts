// The ControllerRevision (apps/v1) as the API stores it: an immutable snapshot of a controller's template
// (`data`, for a DaemonSet the patch that puts its pod template back) and its `revision` number, which the
// controller may raise. The DaemonSet controller writes them; `kubectl rollout history|undo ds` read them.
import { type FieldError, fieldError, invalidError } from './field-errors';
import { APPS_V1 } from './group-version';
import type { ObjectMeta } from './meta';
import { validateMetadataMaps } from './meta-validation';
import { dns1123SubdomainProblems } from './names';
import { decodeObject } from './pod-decode';

export interface ControllerRevision {
  apiVersion: 'apps/v1';
  kind: 'ControllerRevision';
  metadata: ObjectMeta;
  data?: unknown;
  revision: number;
}

/** From a request body to a valid ControllerRevision, or a Status-ready error (upstream's validation). */
export function decodeControllerRevision(raw: unknown, namespace: string): ControllerRevision {
  const obj = decodeObject(raw, 'ControllerRevision', namespace, 'apps/v1');
  const cr = structuredClone(obj) as unknown as ControllerRevision;
  const name = typeof cr.metadata.name === 'string' ? cr.metadata.name : '';
  delete (cr.metadata as { resourceVersion?: string }).resourceVersion;
  cr.apiVersion = 'apps/v1';
  cr.kind = 'ControllerRevision';
  const errors: FieldError[] = [];
  if (!name)
    errors.push(fieldError('Required', 'metadata.name', undefined, 'name or generateName is required'));
  for (const p of dns1123SubdomainProblems(name))
    errors.push(fieldError('Invalid', 'metadata.name', name, p));
  validateMetadataMaps(cr.metadata, errors);
  if (cr.revision === undefined) cr.revision = 0;
  if (!Number.isInteger(cr.revision) || cr.revision < 0)
    errors.push(fieldError('Invalid', 'revision', cr.revision, 'must be greater than or equal to 0'));
  if (cr.data === null) delete cr.data;
  if (errors.length) throw invalidError('ControllerRevision', name, errors, APPS_V1.group);
  return cr;
}

/** An update keeps the identity; `data` is immutable, as upstream's ValidateControllerRevisionUpdate. */
export function decodeControllerRevisionUpdate(old: ControllerRevision, raw: unknown): ControllerRevision {
  const next = decodeControllerRevision(raw, old.metadata.namespace);
  const name = old.metadata.name;
  if (JSON.stringify(next.data) !== JSON.stringify(old.data))
    throw invalidError(
      'ControllerRevision',
      name,
      [fieldError('Invalid', 'data', '', 'field is immutable')],
      APPS_V1.group,
    );
  next.metadata = {
    ...next.metadata,
    name,
    uid: old.metadata.uid,
    creationTimestamp: old.metadata.creationTimestamp,
  };
  return next;
}
