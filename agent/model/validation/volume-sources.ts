// The configMap, secret, downwardAPI and projected volume sources as upstream validates them
// (validateConfigMapVolumeSource, validateSecretVolumeSource, validateDownwardAPIVolumeSource,
// validateProjectedVolumeSource in pkg/apis/core/validation).
import { fieldError, type FieldError } from '../field-errors';
import type { DownwardAPIVolumeFile, KeyToPath, Volume, VolumeProjection } from '../pod';
import { localNonReservedPath } from './local-path';

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/** metadata fields a downwardAPI volume file may hold (validVolumeDownwardAPIFieldPathExpressions). */
const VOLUME_FIELD_PATHS = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
];
const RESOURCES = [
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
];

function mode(value: number | undefined, field: string, out: FieldError[]): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 0o777))
    out.push(fieldError('Invalid', field, value, FILE_MODE_ERROR));
}

function keyToPaths(items: readonly KeyToPath[] | undefined, field: string, out: FieldError[]): void {
  (items ?? []).forEach((item, i) => {
    const f = `${field}.items[${i}]`;
    if (!item?.key) out.push(fieldError('Required', `${f}.key`));
    if (!item?.path) out.push(fieldError('Required', `${f}.path`));
    else localNonReservedPath(item.path, `${f}.path`, out);
    mode(item?.mode, `${f}.mode`, out);
  });
}

/** The field path with its subscript (`metadata.labels['a']`) reduced to the field it reads. */
function fieldPathBase(path: string): string {
  const m = /^(metadata\.(?:labels|annotations))\['[^']*'\]$/.exec(path);
  return m?.[1] ?? path;
}

function downwardFiles(
  items: readonly DownwardAPIVolumeFile[] | undefined,
  field: string,
  out: FieldError[],
): void {
  (items ?? []).forEach((item, i) => {
    const f = `${field}.items[${i}]`;
    if (!item?.path) out.push(fieldError('Required', `${f}.path`));
    else localNonReservedPath(item.path, `${f}.path`, out);
    mode(item?.mode, `${f}.mode`, out);
    if (item?.fieldRef && item.resourceFieldRef) {
      const detail = 'fieldRef and resourceFieldRef can not be specified simultaneously';
      out.push(fieldError('Invalid', f, 'resource', detail));
    }
    const path = item?.fieldRef?.fieldPath;
    if (item?.fieldRef) {
      if (!path) out.push(fieldError('Required', `${f}.fieldRef.fieldPath`));
      else if (!VOLUME_FIELD_PATHS.includes(fieldPathBase(path))) {
        const detail = `supported values: ${VOLUME_FIELD_PATHS.map((p) => `"${p}"`).join(', ')}`;
        out.push(fieldError('NotSupported', `${f}.fieldRef.fieldPath`, path, detail));
      }
    }
    const r = item?.resourceFieldRef;
    if (r) {
      if (!r.containerName) out.push(fieldError('Required', `${f}.resourceFieldRef.containerName`));
      if (!r.resource) out.push(fieldError('Required', `${f}.resourceFieldRef.resource`));
      else if (!RESOURCES.includes(r.resource)) {
        const detail = `supported values: ${RESOURCES.map((p) => `"${p}"`).join(', ')}`;
        out.push(fieldError('NotSupported', `${f}.resourceFieldRef.resource`, r.resource, detail));
      }
    }
  });
}

const PROJECTION_TYPES = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken'] as const;

/** Upstream's TokenRequest bounds: at least 10 minutes, at most 2^32 seconds. */
export const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 2 ** 32;

/**
 * As upstream: the missing or non-local path is reported on the projected volume (`...projected.path`), not on
 * the source, and a token's path takes no part in the duplicate check.
 */
function tokenProjection(p: VolumeProjection, projected: string, field: string, out: FieldError[]): void {
  const t = p?.serviceAccountToken;
  if (!t) return;
  const seconds = t.expirationSeconds ?? 3600;
  const f = `${field}.serviceAccountToken.expirationSeconds`;
  if (seconds < MIN_TOKEN_SECONDS)
    out.push(fieldError('Invalid', f, seconds, 'may not specify a duration less than 10 minutes'));
  if (seconds > MAX_TOKEN_SECONDS)
    out.push(fieldError('Invalid', f, seconds, 'may not specify a duration larger than 2^32 seconds'));
  if (!t.path) out.push(fieldError('Required', `${projected}.path`));
  else localNonReservedPath(t.path, `${projected}.path`, out);
}

function projection(p: VolumeProjection, field: string, out: FieldError[]): string[] {
  const present = PROJECTION_TYPES.filter((t) => p?.[t] !== undefined);
  if (present.length === 0)
    out.push(fieldError('Required', field, undefined, 'must specify exactly 1 volume type'));
  for (const t of present.slice(1))
    out.push(
      fieldError(
        'Forbidden',
        `${field}.${t}`,
        undefined,
        'may not specify more than 1 volume type per source',
      ),
    );
  const paths: string[] = [];
  for (const t of ['secret', 'configMap'] as const) {
    const src = p?.[t];
    if (!src) continue;
    if (!src.name) out.push(fieldError('Required', `${field}.${t}.name`));
    keyToPaths(src.items, `${field}.${t}`, out);
    paths.push(...(src.items ?? []).map((i) => i?.path));
  }
  if (p?.downwardAPI) {
    downwardFiles(p.downwardAPI.items, `${field}.downwardAPI`, out);
    paths.push(...(p.downwardAPI.items ?? []).map((i) => i?.path));
  }
  return paths;
}

/** Adds the problems of the volume's configMap, secret, persistentVolumeClaim, downwardAPI or projected source. */
export function validateVolumeSource(v: Volume, field: string, out: FieldError[]): void {
  if (v.configMap) {
    if (!v.configMap.name) out.push(fieldError('Required', `${field}.configMap.name`));
    mode(v.configMap.defaultMode, `${field}.configMap.defaultMode`, out);
    keyToPaths(v.configMap.items, `${field}.configMap`, out);
  }
  if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName)
    out.push(fieldError('Required', `${field}.persistentVolumeClaim.claimName`));
  if (v.secret) {
    if (!v.secret.secretName) out.push(fieldError('Required', `${field}.secret.secretName`));
    mode(v.secret.defaultMode, `${field}.secret.defaultMode`, out);
    keyToPaths(v.secret.items, `${field}.secret`, out);
  }
  if (v.downwardAPI) {
    mode(v.downwardAPI.defaultMode, `${field}.downwardAPI.defaultMode`, out);
    downwardFiles(v.downwardAPI.items, `${field}.downwardAPI`, out);
  }
  if (v.projected) {
    const f = `${field}.projected`;
    mode(v.projected.defaultMode, `${f}.defaultMode`, out);
    const seen = new Set<string>();
    (v.projected.sources ?? []).forEach((p, i) => {
      tokenProjection(p, f, `${f}.sources[${i}]`, out);
      for (const path of projection(p, `${f}.sources[${i}]`, out)) {
        if (path && seen.has(path))
          out.push(fieldError('Invalid', `${f}.sources[${i}]`, path, 'conflicting duplicate paths'));
        seen.add(path);
      }
    });
  }
}

/** The volume types present, in upstream's order of checking (the first one counts, later ones are refused). */
export function volumeTypes(v: Volume): string[] {
  return [
    'hostPath',
    'emptyDir',
    'secret',
    'persistentVolumeClaim',
    'downwardAPI',
    'configMap',
    'projected',
  ].filter((t) => v?.[t] !== undefined);
}
