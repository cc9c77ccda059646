// ValidateConfigMap / ValidateSecret and their update rules (pkg/apis/core/validation), with upstream's
// field paths and words. No message ever carries a Secret value: keys only, or `<secret contents redacted>`.
import { type FieldError, fieldError } from './field-errors';
import { validateMetadataMaps } from './meta-validation';
import { dns1123SubdomainProblems } from './names';
import { type ConfigMap, MAX_CONFIG_BYTES, SECRET_TYPES, type Secret } from './config-objects';

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_TEXT =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const IMMUTABLE = 'field is immutable when `immutable` is set';
const REDACTED = '<secret contents redacted>';

/** IsConfigMapKey: what a key of data, binaryData or an item may be (also a file name in a volume). */
export function configKeyProblems(key: string): string[] {
  const out: string[] = [];
  if (key.length > 253) out.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(key)) out.push(CONFIG_KEY_TEXT);
  if (key === '.') out.push("must not be '.'");
  else if (key === '..') out.push("must not be '..'");
  else if (key.startsWith('..')) out.push("must not start with '..'");
  return out;
}

function validateName(meta: { name: string; namespace: string }, out: FieldError[]): void {
  if (!meta.name)
    out.push(fieldError('Required', 'metadata.name', undefined, 'name or generateName is required'));
  else
    for (const p of dns1123SubdomainProblems(meta.name))
      out.push(fieldError('Invalid', 'metadata.name', meta.name, p));
}

/** The keys of a map, each checked; returns the decoded bytes of its values (base64 when `encoded`). */
function validateKeys(
  map: Record<string, string> | undefined,
  field: string,
  encoded: boolean,
  out: FieldError[],
): number {
  let bytes = 0;
  for (const [k, v] of Object.entries(map ?? {})) {
    for (const p of configKeyProblems(k)) out.push(fieldError('Invalid', `${field}[${k}]`, k, p));
    bytes += encoded ? Buffer.from(v, 'base64').length : Buffer.byteLength(v);
  }
  return bytes;
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const out: FieldError[] = [];
  validateName(cm.metadata, out);
  validateMetadataMaps(cm.metadata, out);
  let total = validateKeys(cm.data, 'data', false, out);
  total += validateKeys(cm.binaryData, 'binaryData', true, out);
  for (const k of Object.keys(cm.binaryData ?? {})) {
    if (cm.data && Object.hasOwn(cm.data, k))
      out.push(fieldError('Invalid', 'binaryData', k, 'duplicate of key present in data'));
  }
  // upstream passes the root path ("[]"): the error is the whole object's
  if (total > MAX_CONFIG_BYTES)
    out.push(fieldError('TooLong', '[]', undefined, `may not be more than ${MAX_CONFIG_BYTES} bytes`));
  return out;
}

const has = (s: Secret, key: string): boolean => s.data !== undefined && Object.hasOwn(s.data, key);

/** A key that must hold JSON (the docker config types). */
function checkJson(s: Secret, key: string, out: FieldError[]): void {
  if (!has(s, key)) {
    out.push(fieldError('Required', `data[${key}]`));
    return;
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(s.data?.[key] ?? '', 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
  } catch (err) {
    const why = err instanceof SyntaxError ? 'invalid character in JSON' : (err as Error).message;
    out.push(fieldError('Invalid', `data[${key}]`, REDACTED, why));
  }
}

/** The keys each type requires, as ValidateSecret checks them. */
function validateSecretType(s: Secret, out: FieldError[]): void {
  switch (s.type) {
    case SECRET_TYPES.serviceAccountToken:
      if (!s.metadata.annotations?.['kubernetes.io/service-account.name'])
        out.push(fieldError('Required', 'metadata.annotations[kubernetes.io/service-account.name]'));
      return;
    case SECRET_TYPES.dockercfg:
      return checkJson(s, '.dockercfg', out);
    case SECRET_TYPES.dockerConfigJson:
      return checkJson(s, '.dockerconfigjson', out);
    case SECRET_TYPES.basicAuth:
      if (!has(s, 'username') && !has(s, 'password')) {
        out.push(fieldError('Required', 'data[username]'), fieldError('Required', 'data[password]'));
      }
      return;
    case SECRET_TYPES.sshAuth:
      if (!s.data?.['ssh-privatekey']) out.push(fieldError('Required', 'data[ssh-privatekey]'));
      return;
    case SECRET_TYPES.tls:
      if (!has(s, 'tls.crt')) out.push(fieldError('Required', 'data[tls.crt]'));
      if (!has(s, 'tls.key')) out.push(fieldError('Required', 'data[tls.key]'));
      return;
    default:
      return; // Opaque and types of the user's own: any keys
  }
}

export function validateSecret(s: Secret): FieldError[] {
  const out: FieldError[] = [];
  validateName(s.metadata, out);
  validateMetadataMaps(s.metadata, out);
  const total = validateKeys(s.data, 'data', true, out);
  if (total > MAX_CONFIG_BYTES)
    out.push(fieldError('TooLong', 'data', undefined, `may not be more than ${MAX_CONFIG_BYTES} bytes`));
  validateSecretType(s, out);
  return out;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/** ValidateConfigMapUpdate: an immutable ConfigMap keeps its data and stays immutable. */
export function validateConfigMapUpdate(next: ConfigMap, old: ConfigMap): FieldError[] {
  const out = validateConfigMap(next);
  if (old.immutable === true) {
    if (next.immutable !== true) out.push(fieldError('Forbidden', 'immutable', undefined, IMMUTABLE));
    if (!same(next.data, old.data)) out.push(fieldError('Forbidden', 'data', undefined, IMMUTABLE));
    if (!same(next.binaryData, old.binaryData))
      out.push(fieldError('Forbidden', 'binaryData', undefined, IMMUTABLE));
  }
  return out;
}

/** ValidateSecretUpdate: the type never changes; an immutable Secret keeps its data and stays immutable. */
export function validateSecretUpdate(next: Secret, old: Secret): FieldError[] {
  const out = validateSecret(next);
  if (next.type !== old.type) out.push(fieldError('Invalid', 'type', next.type, 'field is immutable'));
  if (old.immutable === true) {
    if (next.immutable !== true) out.push(fieldError('Forbidden', 'immutable', undefined, IMMUTABLE));
    if (!same(next.data, old.data)) out.push(fieldError('Forbidden', 'data', undefined, IMMUTABLE));
  }
  return out;
}
