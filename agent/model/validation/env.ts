// ValidateEnv (pkg/apis/core/validation): names as RelaxedEnvironmentVariableValidation allows them, plus
// the kernel's limits on what exec can carry (one entry, and the whole environment).
import { configKeyProblems } from '../config-validation';
import { fieldError, type FieldError } from '../field-errors';
import { dns1123SubdomainProblems } from '../names';
import type { EnvFromSource, EnvVar, KeySelector } from '../pod';

/** RelaxedEnvironmentVariableValidation (GA in 1.34): printable ASCII except '='. */
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;
const ENV_NAME_TEXT =
  "a valid environment variable name must consist only of printable ASCII characters other than '='";
/** Linux's MAX_ARG_STRLEN (128 KiB with the terminating NUL): exec fails with one longer `NAME=value`. */
export const MAX_ENV_ENTRY_BYTES = 128 * 1024 - 1;
/** A container's whole environment, well under ARG_MAX (2 MiB), which it shares with the command line. */
export const MAX_ENV_TOTAL_BYTES = 1024 * 1024;

/** `field` is the container's path (`spec.containers[0]`). */
export function validateEnv(env: readonly EnvVar[] | undefined, field: string, out: FieldError[]): void {
  let envBytes = 0;
  (env ?? []).forEach((e, i) => {
    const f = `${field}.env[${i}]`;
    if (!e || typeof e.name !== 'string' || e.name === '') {
      out.push(fieldError('Required', `${f}.name`));
      return;
    }
    if (!ENV_NAME.test(e.name)) out.push(fieldError('Invalid', `${f}.name`, e.name, ENV_NAME_TEXT));
    if (e.valueFrom) validateValueFrom(e, `${f}.valueFrom`, out);
    const bytes =
      Buffer.byteLength(e.name) + 1 + (typeof e.value === 'string' ? Buffer.byteLength(e.value) : 0);
    envBytes += bytes;
    if (bytes > MAX_ENV_ENTRY_BYTES) {
      out.push(
        fieldError(
          'TooLong',
          `${f}.value`,
          undefined,
          `may not be more than ${MAX_ENV_ENTRY_BYTES} bytes with its name (the kernel's limit for one environment string)`,
        ),
      );
    }
  });
  if (envBytes > MAX_ENV_TOTAL_BYTES) {
    out.push(
      fieldError(
        'TooLong',
        `${field}.env`,
        undefined,
        `may not be more than ${MAX_ENV_TOTAL_BYTES} bytes in all`,
      ),
    );
  }
}

const SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'] as const;

/** validateEnvVarValueFrom: one source, and no `value` beside it. */
function validateValueFrom(e: EnvVar, f: string, out: FieldError[]): void {
  const from = e.valueFrom ?? {};
  const count = SOURCES.filter((k) => from[k] !== undefined && from[k] !== null).length;
  if (count === 0)
    out.push(
      fieldError(
        'Invalid',
        f,
        '',
        'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      ),
    );
  else if (e.value) out.push(fieldError('Invalid', f, '', 'may not be specified when `value` is not empty'));
  else if (count > 1)
    out.push(fieldError('Invalid', f, '', 'may not have more than one field specified at a time'));
  if (from.configMapKeyRef) validateKeySelector(from.configMapKeyRef, `${f}.configMapKeyRef`, out);
  if (from.secretKeyRef) validateKeySelector(from.secretKeyRef, `${f}.secretKeyRef`, out);
}

/** validateConfigMapKeySelector / validateSecretKeySelector. */
function validateKeySelector(s: KeySelector, f: string, out: FieldError[]): void {
  const name = s.name ?? '';
  for (const p of dns1123SubdomainProblems(name)) out.push(fieldError('Invalid', `${f}.name`, name, p));
  if (!s.key) out.push(fieldError('Required', `${f}.key`));
  else for (const p of configKeyProblems(s.key)) out.push(fieldError('Invalid', `${f}.key`, s.key, p));
}

/** validateEnvFrom: a relaxed name as prefix, exactly one of configMapRef and secretRef, each named. */
export function validateEnvFrom(
  list: readonly EnvFromSource[] | undefined,
  field: string,
  out: FieldError[],
): void {
  const f = `${field}.envFrom`;
  (list ?? []).forEach((e, i) => {
    if (e.prefix && !ENV_NAME.test(e.prefix))
      out.push(fieldError('Invalid', `${f}[${i}].prefix`, e.prefix, ENV_NAME_TEXT));
    const refs = (['configMapRef', 'secretRef'] as const).filter((k) => e[k]);
    for (const k of refs) {
      const name = e[k]?.name ?? '';
      if (!name) out.push(fieldError('Required', `${f}[${i}].${k}.name`));
      else
        for (const p of dns1123SubdomainProblems(name))
          out.push(fieldError('Invalid', `${f}[${i}].${k}.name`, name, p));
    }
    if (refs.length === 0)
      out.push(fieldError('Invalid', f, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (refs.length > 1)
      out.push(fieldError('Invalid', f, '', 'may not have more than one field specified at a time'));
  });
}
