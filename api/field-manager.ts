// metadata.managedFields for the API's writes (agent/model/managed-fields/): who writes (the `fieldManager`
// query parameter, else the first part of the User-Agent, as the API server derives it), the managed fields
// of an update, and server-side apply with its conflicts and `force`.
import { isoTime, type Clock } from '../agent/clock';
import { badRequest } from '../agent/errors';
import { fieldError, invalidError } from '../agent/model/field-errors';
import { type Scope, listKeysOf } from '../agent/model/managed-fields/field-set';
import {
  type ApplyResult,
  type ManagedFieldsEntry,
  type Writer,
  isReset,
  recordApply,
  recordUpdate,
} from '../agent/model/managed-fields/managers';
import { MERGE_KEYS } from '../agent/model/patch';
import { isObject } from '../agent/model/shape';
import { type Req, boolParam } from './request';
import { type ResourceDefinition, apiVersionOfInfo } from './resources';

/** What a kind's managed fields need from its definition. */
type Kind = Pick<ResourceDefinition, 'groupVersion' | 'mergeKeys'>;

const MAX_MANAGER = 128;

/** `fieldManager`, else the User-Agent up to its first `/` (`kubectl/v1.35.0 (linux/amd64) ...` -> `kubectl`). */
export function managerOf(req: Req): string {
  const given = req.query.fieldManager;
  if (typeof given === 'string' && given) return given;
  return (req.headers['user-agent'] ?? '').split('/')[0]!.slice(0, MAX_MANAGER);
}

const writerOf = (req: Req, kind: Kind, clock: Clock, subresource?: string): Writer => ({
  manager: managerOf(req),
  apiVersion: apiVersionOfInfo(kind),
  time: isoTime(clock.now()),
  ...(subresource ? { subresource } : {}),
});

/** The list the request's object carries, which replaces the stored one when it has entries. */
const givenOf = (body: unknown): unknown =>
  isObject(body) && isObject(body.metadata) ? body.metadata.managedFields : undefined;

/**
 * The managed fields of a create (`old` undefined), PUT, non-apply patch or subresource write from `old` to
 * `next`: null when the request resets them (`managedFields: [{}]`).
 */
export function managedUpdate(
  req: Req,
  kind: Kind,
  clock: Clock,
  old: unknown,
  next: unknown,
  part: { scope?: Scope; subresource?: string } = {},
): ManagedFieldsEntry[] | null {
  const given = givenOf(next);
  if (isReset(given)) return null;
  const prior = Array.isArray(given) && given.length ? given : givenOf(old);
  const keys = listKeysOf(kind.mergeKeys ?? MERGE_KEYS);
  return recordUpdate(old, next, prior, writerOf(req, kind, clock, part.subresource), keys, part.scope);
}

/** PATCH options checked as the API server checks them: apply needs a manager; only apply may force. */
export function checkPatchOptions(req: Req, apply: boolean): void {
  const force = req.query.force !== undefined;
  if (apply && !req.query.fieldManager)
    throw invalidError(
      'PatchOptions',
      '',
      [fieldError('Required', 'fieldManager', undefined, 'is required for apply patch')],
      'meta.k8s.io',
    );
  if (!apply && force)
    throw invalidError(
      'PatchOptions',
      '',
      [fieldError('Forbidden', 'force', undefined, 'may not be specified for non-apply patch')],
      'meta.k8s.io',
    );
}

/**
 * An applied body is of the URL's kind and carries no managedFields (upstream's versionCheckManager, then its
 * structured merge manager), else a BadRequest naming what it is: `invalid object type: apps/v1, Kind=ReplicaSet`.
 */
export function checkAppliedBody(
  body: unknown,
  kind: Pick<ResourceDefinition, 'groupVersion' | 'kind'>,
): void {
  const obj = isObject(body) ? body : {};
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const given = typeof obj.kind === 'string' ? obj.kind : '';
  if (apiVersion !== apiVersionOfInfo(kind) || given !== kind.kind) {
    // GroupVersionKind.String(): `group/version, Kind=kind`, the group empty for core (`/v1`); an apiVersion
    // that does not parse leaves the whole of it empty
    const parts = apiVersion.split('/').length;
    const gvk =
      parts === 1
        ? `/${apiVersion}, Kind=${given}`
        : parts === 2
          ? `${apiVersion}, Kind=${given}`
          : '/, Kind=';
    throw badRequest(`invalid object type: ${gvk}`);
  }
  if (isObject(obj.metadata) && Array.isArray(obj.metadata.managedFields))
    throw badRequest('metadata.managedFields must be nil');
}

/** A server-side apply of the request's body onto `live`, `merged` being the body merged into it. */
export function managedApply(
  req: Req,
  kind: Kind,
  clock: Clock,
  live: unknown,
  merged: Record<string, unknown>,
): ApplyResult {
  return recordApply(live, req.body, merged, givenOf(live), writerOf(req, kind, clock), {
    force: boolParam(req, 'force'),
    listKeys: listKeysOf(kind.mergeKeys ?? MERGE_KEYS),
  });
}
