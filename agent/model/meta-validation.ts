// Labels, annotations and selectors as apimachinery validates them (IsQualifiedName, IsValidLabelValue,
// ValidateAnnotations): hostile metadata is refused with the messages kubectl users know.
import { fieldError, invalidError, type FieldError } from './field-errors';
import { dns1123SubdomainProblems } from './names';

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAME_MAX = 63;
const LABEL_VALUE_MAX = 63;
/** TotalAnnotationSizeLimitB: keys and values of all annotations together. */
export const TOTAL_ANNOTATION_BYTES = 256 * 1024;

const QUALIFIED_TEXT =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_TEXT =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** IsQualifiedName: `[prefix/]name`, the prefix a DNS subdomain, the name at most 63 characters. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  const out: string[] = [];
  if (parts.length > 2) {
    return [
      `a qualified name ${QUALIFIED_TEXT} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') out.push('prefix part must be non-empty');
    else for (const p of dns1123SubdomainProblems(prefix)) out.push(`prefix part ${p}`);
  }
  if (name === '') out.push('name part must be non-empty');
  else if (name.length > NAME_MAX) out.push(`name part must be no more than ${NAME_MAX} characters`);
  if (!QUALIFIED_NAME.test(name)) out.push(`name part ${QUALIFIED_TEXT}`);
  return out;
}

/** IsValidLabelValue: empty, or at most 63 characters of the qualified-name alphabet. */
export function labelValueProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > LABEL_VALUE_MAX) out.push(`must be no more than ${LABEL_VALUE_MAX} characters`);
  if (!LABEL_VALUE.test(value)) out.push(LABEL_VALUE_TEXT);
  return out;
}

const entries = (map: unknown): [string, unknown][] =>
  typeof map === 'object' && map !== null && !Array.isArray(map) ? Object.entries(map) : [];

/** ValidateLabels (also used for Service selectors): every error names the map's path, as upstream does. */
export function validateLabels(labels: unknown, field: string, out: FieldError[]): void {
  for (const [k, v] of entries(labels)) {
    for (const p of qualifiedNameProblems(k)) out.push(fieldError('Invalid', field, k, p));
    if (typeof v !== 'string') continue; // the shape check reports it
    for (const p of labelValueProblems(v)) out.push(fieldError('Invalid', field, v, p));
  }
}

/** ValidateAnnotations: keys are qualified names (any case), keys and values together at most 256 KiB. */
export function validateAnnotations(annotations: unknown, field: string, out: FieldError[]): void {
  let total = 0;
  for (const [k, v] of entries(annotations)) {
    for (const p of qualifiedNameProblems(k.toLowerCase())) out.push(fieldError('Invalid', field, k, p));
    total += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  }
  if (total > TOTAL_ANNOTATION_BYTES)
    out.push(fieldError('TooLong', field, undefined, `may not be more than ${TOTAL_ANNOTATION_BYTES} bytes`));
}

/** ValidateObjectMeta's name check: required (a generateName was made a name before), then `problems`. */
export function validateObjectName(
  value: unknown,
  field: string,
  problems: (v: string) => string[],
  out: FieldError[],
): void {
  if (typeof value !== 'string' || !value)
    out.push(fieldError('Required', field, undefined, 'name or generateName is required'));
  else for (const p of problems(value)) out.push(fieldError('Invalid', field, value, p));
}

/** The parts of ValidateObjectMeta the name checks do not cover: labels, annotations, ownerReferences. */
export function validateMetadataMaps(
  meta: { labels?: unknown; annotations?: unknown; ownerReferences?: unknown },
  out: FieldError[],
): void {
  validateLabels(meta.labels, 'metadata.labels', out);
  validateAnnotations(meta.annotations, 'metadata.annotations', out);
  validateOwnerReferences(meta.ownerReferences, out);
}

/** Labels and annotations of an object written as a whole (Namespace, Node): string maps, valid as any object's. */
export function checkMetadataMaps(kind: string, name: string, m: Record<string, unknown>): void {
  const errors: FieldError[] = [];
  for (const k of ['labels', 'annotations'] as const) {
    const map = m[k];
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object' || Array.isArray(map))
      errors.push(fieldError('Invalid', `metadata.${k}`, map, 'must be a map of strings'));
    else
      for (const [key, v] of Object.entries(map))
        if (typeof v !== 'string')
          errors.push(fieldError('Invalid', `metadata.${k}[${key}]`, v, 'must be a string'));
  }
  validateMetadataMaps(m, errors);
  if (errors.length) throw invalidError(kind, name, errors);
}

interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

/** The version FromAPIVersionAndKind reads from `group/version` or `version` ('' when it cannot). */
function versionOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  if (parts.length > 2) return '';
  return parts[parts.length - 1] ?? '';
}

/**
 * ValidateOwnerReferences: each reference names a version, kind, name and uid, and one at most is the
 * controller. Upstream's path has no index (`metadata.ownerReferences.uid`), and so has this one.
 */
function validateOwnerReferences(refs: unknown, out: FieldError[]): void {
  if (!Array.isArray(refs)) return; // the shape check reports it
  const f = 'metadata.ownerReferences';
  let controller = '';
  for (const ref of refs as OwnerReference[]) {
    if (versionOf(ref.apiVersion ?? '') === '')
      out.push(fieldError('Invalid', `${f}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    for (const k of ['kind', 'name', 'uid'] as const)
      if (!ref[k]) out.push(fieldError('Invalid', `${f}.${k}`, ref[k] ?? '', `${k} must not be empty`));
    if (ref.controller !== true) continue;
    const current = `${ref.kind ?? ''}/${ref.name ?? ''}`;
    if (controller === '') controller = current;
    else {
      const detail = `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`;
      out.push(fieldError('Invalid', f, refs, detail));
    }
  }
}
