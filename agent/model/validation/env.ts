// ValidateEnv (pkg/apis/core/validation): names as RelaxedEnvironmentVariableValidation allows them, plus
// the kernel's limits on what exec can carry (one entry, and the whole environment).
import { fieldError, type FieldError } from '../field-errors';
import type { EnvVar } from '../pod';

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
