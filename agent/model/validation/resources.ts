// ValidateContainerResourceRequirements (pkg/apis/core/validation), for the quantities: none negative, and
// each request within its limit. The decoder has already refused a quantity that does not parse.
import { fieldError, type FieldError } from '../field-errors';
import type { ResourceRequirements } from '../pod';
import { readQuantity } from '../quantity';

const valueOf = (q: string | number): number => {
  const read = readQuantity(q);
  return 'value' in read ? read.value : 0;
};

/** helper.IsOvercommitAllowed: native resources but hugepages; a request for the rest must equal its limit. */
const overcommitAllowed = (name: string): boolean =>
  (!name.includes('/') || name.includes('kubernetes.io/')) && !name.startsWith('hugepages-');

/** `field` is the container's path (`spec.containers[0]`). */
export function validateResources(
  resources: ResourceRequirements | undefined,
  field: string,
  out: FieldError[],
): void {
  const limits = resources?.limits ?? {};
  const requests = resources?.requests ?? {};
  const nonNegative = (q: string | number, path: string): void => {
    if (valueOf(q) < 0)
      out.push(fieldError('Invalid', path, String(q), 'must be greater than or equal to 0'));
  };
  for (const [name, q] of Object.entries(limits)) nonNegative(q, `${field}.resources.limits[${name}]`);
  for (const [name, q] of Object.entries(requests)) {
    nonNegative(q, `${field}.resources.requests[${name}]`);
    const limit = limits[name];
    if (limit === undefined) continue;
    const path = `${field}.resources.requests`;
    if (!overcommitAllowed(name) && valueOf(q) !== valueOf(limit))
      out.push(fieldError('Invalid', path, String(q), `must be equal to ${name} limit of ${String(limit)}`));
    else if (valueOf(q) > valueOf(limit))
      out.push(
        fieldError(
          'Invalid',
          path,
          String(q),
          `must be less than or equal to ${name} limit of ${String(limit)}`,
        ),
      );
  }
}
