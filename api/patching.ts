// What PATCH and PUT share: the patch function a media type selects, the base a patch applies to, server-side
// apply detection, preconditions.
import { MiniKubeletError, badRequest } from '../agent/errors';
import { MERGE_KEYS, jsonPatch, mergePatch, strategicMergePatch } from '../agent/model/patch';
import { isObject } from '../agent/model/shape';
import type { Req } from './request';

/** `kubectl apply --server-side`: the body is the applied object; a missing object is created. */
export const isApply = (req: Req): boolean =>
  (req.headers['content-type'] ?? '').split(';')[0]?.trim() === 'application/apply-patch+yaml';

/** The stored object a patch applies to: no status (the agent owns it), no resourceVersion (a patch that
 * sets one asks for an optimistic-concurrency check). */
export function patchBase(obj: { metadata: object; status?: unknown }): Record<string, unknown> {
  const { status: _status, ...rest } = structuredClone(obj) as {
    metadata: Record<string, unknown>;
    status?: unknown;
  };
  delete rest.metadata.resourceVersion;
  return rest;
}

/** metadata.resourceVersion of a PUT body or patch result: the version the client based its change on. */
export function expectedVersion(body: unknown): { expectedVersion?: string } {
  const m = isObject(body) && isObject(body.metadata) ? body.metadata : {};
  return typeof m.resourceVersion === 'string' && m.resourceVersion
    ? { expectedVersion: m.resourceVersion }
    : {};
}

/** metadata.name of a body not yet decoded (for messages). */
export const bodyName = (body: unknown): string =>
  isObject(body) && isObject(body.metadata) && typeof body.metadata.name === 'string'
    ? body.metadata.name
    : '';

/** A server-side apply body names the object of the URL. */
export function checkApplyName(req: Req): void {
  const name = bodyName(req.body);
  if (name !== (req.params.name ?? '')) {
    throw badRequest(
      `the name of the object (${name}) does not match the name on the URL (${req.params.name ?? ''})`,
    );
  }
}

/** The patch a Content-Type names, applied to `target` (list fields of a strategic merge by `keys`). */
export function applyPatch(
  contentType: string,
  target: unknown,
  patch: unknown,
  keys: Record<string, string> = MERGE_KEYS,
): unknown {
  const type = contentType.split(';')[0]?.trim();
  switch (type) {
    case 'application/merge-patch+json':
      return mergePatch(target, patch);
    case 'application/strategic-merge-patch+json':
    case 'application/apply-patch+yaml': // server-side apply, simplified: the applied object merged in
      return strategicMergePatch(target, patch, keys);
    case 'application/json-patch+json':
      return jsonPatch(target, patch);
    default:
      throw new MiniKubeletError(
        'UnsupportedMediaType',
        `the server does not support the patch type ${JSON.stringify(type)}`,
      );
  }
}
