// From a request body to a defaulted, validated ConfigMap or Secret (create and update). Base64 values are
// checked as Go's decoder checks them (a bad one is a 400, as upstream's decoding fails before validation);
// a Secret's stringData is merged into data and dropped.
import { decodeError } from './decode-error';
import { type FieldError, invalidError } from './field-errors';
import type { ObjectMeta } from './meta';
import { type ConfigMap, SECRET_TYPES, type Secret } from './config-objects';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateSecret,
  validateSecretUpdate,
} from './config-validation';
import { decodeObject } from './pod-decode';
import { CONFIGMAP_SHAPE, SECRET_SHAPE, type Shape, checkBodyShape, isObject, shapedCopy } from './shape';

const BASE64 = /^[A-Za-z0-9+/]*$/;

/** Where Go's StdEncoding gives up on a value, or undefined when it decodes. */
function base64Problem(v: string): number | undefined {
  const body = v.replace(/={1,2}$/, '');
  for (let i = 0; i < body.length; i++) if (!BASE64.test(body[i] ?? '')) return i;
  if (v.length % 4 !== 0) return v.length - (v.length % 4 === 1 ? 1 : 0);
  return undefined;
}

function checkBase64(kind: string, map: unknown): void {
  if (!isObject(map)) return;
  for (const v of Object.values(map)) {
    if (typeof v !== 'string') continue;
    const at = base64Problem(v);
    if (at !== undefined) throw decodeError(kind, 'v1', `illegal base64 data at input byte ${at}`);
  }
}

/** decodeObject, the shape check, then a clone without the client's resourceVersion. */
function decodeBody<T>(
  raw: unknown,
  kind: string,
  namespace: string,
  shape: Shape,
  encoded: string[],
): { decoded: T; name: string } {
  const obj = decodeObject(raw, kind, namespace);
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const errors: FieldError[] = [];
  checkBodyShape(obj, shape, kind, 'v1', errors);
  if (errors.length) throw invalidError(kind, name, errors);
  for (const field of encoded) checkBase64(kind, obj[field]);
  const out = shapedCopy<T & { metadata: ObjectMeta }>(obj, shape);
  delete (out.metadata as { resourceVersion?: string }).resourceVersion;
  return { decoded: out, name };
}

function check(kind: string, name: string, errors: FieldError[]): void {
  if (errors.length) throw invalidError(kind, name, errors);
}

export function decodeConfigMap(raw: unknown, namespace: string, old?: ConfigMap): ConfigMap {
  const { decoded: cm, name } = decodeBody<ConfigMap>(raw, 'ConfigMap', namespace, CONFIGMAP_SHAPE, [
    'binaryData',
  ]);
  // The checked name: a body without one is `ConfigMap "" is invalid`, as upstream words it.
  check('ConfigMap', name, old ? validateConfigMapUpdate(cm, old) : validateConfigMap(cm));
  return cm;
}

export function decodeSecret(raw: unknown, namespace: string, old?: Secret): Secret {
  const { decoded: s, name } = decodeBody<Secret>(raw, 'Secret', namespace, SECRET_SHAPE, ['data']);
  if (s.stringData) {
    const merged = { ...(s.data ?? {}) };
    for (const [k, v] of Object.entries(s.stringData)) merged[k] = Buffer.from(v, 'utf8').toString('base64');
    s.data = merged;
    delete s.stringData;
  }
  s.type ||= SECRET_TYPES.opaque;
  check('Secret', name, old ? validateSecretUpdate(s, old) : validateSecret(s));
  return s;
}
