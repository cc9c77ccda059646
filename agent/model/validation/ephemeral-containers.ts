// Ephemeral containers as the API server checks them (validateEphemeralContainers,
// ValidatePodEphemeralContainersUpdate in pkg/apis/core/validation): the common container checks, a name
// unique across every container of the pod, a target that is an init or app container, only the fields a
// debugging container may set; and on the subresource, only additions.
import { fieldError, type FieldError } from '../field-errors';
import type { Container, EphemeralContainer, Pod } from '../pod';

const PATH = 'spec.ephemeralContainers';
const NOT_FOR_EPHEMERAL = 'cannot be set for an Ephemeral Container';

/** Fields outside upstream's allowedEphemeralContainerFields: pod services a debugging container must not provide. */
const FORBIDDEN_FIELDS = [
  'ports',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'restartPolicyRules',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
] as const;

/** Go's zero value, as validateFieldAllowList reads a field: unset, empty, false, 0, or an object of zeros. */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v).every(isZero);
  return false;
}

/**
 * `seen` holds the names of the init and app containers; `common` runs the checks every container gets.
 * Entries that are not objects are named by the caller's shape check.
 */
export function validateEphemeralContainers(
  pod: Pod,
  seen: Set<string>,
  common: (c: Container, field: string) => void,
  out: FieldError[],
): void {
  const list = pod.spec.ephemeralContainers;
  if (!Array.isArray(list)) return;
  const others = new Set(seen);
  list.forEach((ec: EphemeralContainer, i) => {
    const field = `${PATH}[${i}]`;
    if (typeof ec !== 'object' || ec === null) {
      out.push(fieldError('Invalid', field, ec, 'must be an object'));
      return;
    }
    const { restartPolicy: _r, ...rest } = ec;
    common(rest, field);
    if (typeof ec.name === 'string' && ec.name !== '') {
      if (seen.has(ec.name)) out.push(fieldError('Duplicate', `${field}.name`, ec.name));
      seen.add(ec.name);
    }
    const target = ec.targetContainerName;
    if (target !== undefined && target !== '' && !others.has(target))
      out.push(fieldError('NotFound', `${field}.targetContainerName`, target));
    for (const k of FORBIDDEN_FIELDS)
      if (!isZero(ec[k])) out.push(fieldError('Forbidden', `${field}.${k}`, undefined, NOT_FOR_EPHEMERAL));
    (ec.volumeMounts ?? []).forEach((vm, j) => {
      for (const k of ['subPath', 'subPathExpr'] as const)
        if (vm?.[k])
          out.push(fieldError('Forbidden', `${field}.volumeMounts[${j}].${k}`, undefined, NOT_FOR_EPHEMERAL));
    });
  });
}

/** Deep equality that ignores key order (a PUT body need not list fields as they were stored). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => k in rb && same(ra[k], rb[k]));
}

/** The fields of two versions of one container that differ, as `field: old -> new` lines. */
function differences(old: EphemeralContainer, next: EphemeralContainer): string {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
  return keys
    .filter((k) => !same(old[k], next[k]))
    .map((k) => `  ${k}: ${JSON.stringify(old[k]) ?? 'null'} -> ${JSON.stringify(next[k]) ?? 'null'}`)
    .join('\n');
}

/** Existing ephemeral containers stay as they are (by name: a patch need not keep their order). */
export function validateEphemeralContainersUpdate(old: Pod, next: Pod): FieldError[] {
  const out: FieldError[] = [];
  const byName = new Map((next.spec.ephemeralContainers ?? []).map((c) => [c.name, c]));
  for (const o of old.spec.ephemeralContainers ?? []) {
    const n = byName.get(o.name);
    if (!n)
      out.push(
        fieldError(
          'Forbidden',
          PATH,
          undefined,
          `existing ephemeral containers "${o.name}" may not be removed\n`,
        ),
      );
    else if (!same(o, n))
      out.push(
        fieldError(
          'Forbidden',
          PATH,
          undefined,
          `existing ephemeral containers "${o.name}" may not be changed\n${differences(o, n)}`,
        ),
      );
  }
  return out;
}

/** ValidatePodCreate: they are added to a running pod only. */
export function ephemeralOnCreate(pod: Pod): FieldError[] {
  const list = pod.spec.ephemeralContainers;
  return Array.isArray(list) && list.length > 0
    ? [fieldError('Forbidden', PATH, undefined, 'cannot be set on create')]
    : [];
}
