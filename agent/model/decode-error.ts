// The 400 the API server answers when a body cannot be decoded into the kind's Go type (a JSON value of
// the wrong type where a struct is, strict decoding, bad base64), worded as its serializer words it.
import { badRequest, type MiniKubeletError } from '../errors';

/** `Deployment in version "v1" cannot be handled as a Deployment: <why>` (`version` without the group). */
export const decodeError = (kind: string, version: string, why: string): MiniKubeletError =>
  badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${why}`);

/** The JSON type Go's decoder names in `json: cannot unmarshal <type> into ...`. */
export function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string, number, object
}

/** A metadata that is not an object (null is none at all, as in Go). */
export function checkMetadataType(kind: string, apiVersion: string, metadata: unknown): void {
  if (metadata === undefined || metadata === null) return;
  if (typeof metadata === 'object' && !Array.isArray(metadata)) return;
  const why = `json: cannot unmarshal ${jsonTypeName(metadata)} into Go struct field ${kind}.metadata of type v1.ObjectMeta`;
  throw decodeError(kind, apiVersion.slice(apiVersion.indexOf('/') + 1), why);
}
