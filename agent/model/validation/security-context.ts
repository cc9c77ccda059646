// ValidateSecurityContext (pkg/apis/core/validation) for a container: the user and group IDs it names.
import { fieldError, type FieldError } from '../field-errors';
import type { SecurityContext } from '../pod';

/** The largest Linux user or group ID the API server accepts (math.MaxInt32). */
const MAX_ID = 2147483647;

/** `field` is the container's path (`spec.containers[0]`). */
export function validateSecurityContext(
  sc: SecurityContext | undefined,
  field: string,
  out: FieldError[],
): void {
  for (const k of ['runAsUser', 'runAsGroup'] as const) {
    const v = sc?.[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > MAX_ID)) {
      out.push(
        fieldError(
          'Invalid',
          `${field}.securityContext.${k}`,
          v,
          `must be between 0 and ${MAX_ID}, inclusive`,
        ),
      );
    }
  }
}
