// validateContainerPorts (pkg/apis/core/validation): each containerPort a valid port number.
import { fieldError, type FieldError } from '../field-errors';
import type { ContainerPort } from '../pod';

/** `field` is the container's path (`spec.containers[0]`). */
export function validateContainerPorts(
  ports: readonly ContainerPort[] | undefined,
  field: string,
  out: FieldError[],
): void {
  (ports ?? []).forEach((p, i) => {
    const port = p?.containerPort;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      out.push(
        fieldError(
          'Invalid',
          `${field}.ports[${i}].containerPort`,
          port,
          'must be between 1 and 65535, inclusive',
        ),
      );
    }
  });
}
