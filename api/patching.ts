// What PATCH and PUT share: the patch function a media type selects, the base a patch applies to, server-side
// apply detection, the preconditions of a body (its name, resourceVersion and uid).
import { MiniKubeletError, badRequest } from '../agent/errors';
import { MERGE_KEYS, jsonPatch, mergePatch, strategicMergePatch } from '../agent/model/patch';
import { isObject } from '../agent/model/shape';
import type { UpdateOptions } from '../agent/store/registry';
import type { Req } from './request';

/** `kubectl apply --server-side`: the body is the applied object; a missing object is created. */
export const isApply = (req: Req): boolean =>
  (req.headers['content-type'] ?? '').split(';')[0]?.trim() === 'application/apply-patch+yaml';

/**
 * The stored object a patch applies to, whole, as upstream applies it: a JSON patch may `test` or `replace`
 * metadata.resourceVersion (kubectl's managed-fields migration does), and the version the result carries is
 * the optimistic-concurrency check (bodyPreconditions). Status changes are ignored as in a PUT: the agent owns it.
 */
export function patchBase(obj: { metadata: object }): Record<string, unknown> {
  return structuredClone(obj);
}

/**
 * What a PUT body or patch result asks of the stored object, for every kind and subresource: it names the
 * object of the URL (checkName: another name is a BadRequest), metadata.resourceVersion is the version the
 * client based its change on, and a PUT's non-empty metadata.uid is a precondition (upstream's
 * DefaultUpdatedObjectInfo). A patch has none: a uid it changed is refused by the store as immutable.
 */
export function bodyPreconditions(req: Req, body: unknown): Pick<UpdateOptions, 'expectedVersion' | 'uid'> {
  // the decoder words what is wrong with a body or a metadata that is not an object (upstream decodes first)
  if (!isObject(body) || (body.metadata !== undefined && body.metadata !== null && !isObject(body.metadata)))
    return {};
  checkName(bodyName(body), req);
  const m = isObject(body.metadata) ? body.metadata : {};
  const uid = req.method === 'PUT' && typeof m.uid === 'string' && m.uid ? { uid: m.uid } : {};
  const version = typeof m.resourceVersion === 'string' && m.resourceVersion;
  return { ...(version ? { expectedVersion: version } : {}), ...uid };
}

/** metadata.name of a body not yet decoded (for messages). */
export const bodyName = (body: unknown): string =>
  isObject(body) && isObject(body.metadata) && typeof body.metadata.name === 'string'
    ? body.metadata.name
    : '';

/** A body (PUT, patch result, server-side apply) names the object of the URL. */
export function checkName(name: string, req: Req): void {
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
