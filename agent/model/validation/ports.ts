// validateContainerPorts (pkg/apis/core/validation): each containerPort a valid port number, each name an
// IANA_SVC_NAME used once in the container.
import { fieldError, type FieldError } from '../field-errors';
import { portNameProblems } from '../names';
import type { ContainerPort } from '../pod';

/** `field` is the container's path (`spec.containers[0]`). */
export function validateContainerPorts(
  ports: readonly ContainerPort[] | undefined,
  field: string,
  out: FieldError[],
): void {
  const names = new Set<string>();
  (ports ?? []).forEach((p, i) => {
    const name = p?.name;
    if (typeof name === 'string' && name !== '') {
      const problems = portNameProblems(name);
      for (const problem of problems)
        out.push(fieldError('Invalid', `${field}.ports[${i}].name`, name, problem));
      if (problems.length === 0 && names.has(name))
        out.push(fieldError('Duplicate', `${field}.ports[${i}].name`, name));
      names.add(name);
    }
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
