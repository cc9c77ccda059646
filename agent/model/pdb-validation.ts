// Validation of a policy/v1 PodDisruptionBudget, worded as upstream's (pkg/apis/policy/validation:
// ValidatePodDisruptionBudgetSpec): minAvailable and maxUnavailable exclusive, each a count or a percentage
// of at most 100%, the selector, the unhealthy-pod eviction policy; the status counts non-negative.
import { type FieldError, fieldError } from './field-errors';
import { isPercent } from './int-or-percent';
import { validateMetadataMaps, validateObjectName } from './meta-validation';
import { dns1123LabelProblems, dns1123SubdomainProblems } from './names';
import {
  UNHEALTHY_POD_EVICTION_POLICIES,
  type PodDisruptionBudget,
  type PodDisruptionBudgetSpec,
} from './pdb';
import { validateLabelSelector } from './selector-validation';
import { validateIntOrPercent, validateNonNegative } from './workload-validation';

const supported = (values: readonly string[]): string =>
  `supported values: ${values.map((v) => `"${v}"`).join(', ')}`;

/** The spec as upstream's internal struct orders its fields (the value of the both-set error). */
const specValue = (s: PodDisruptionBudgetSpec): Record<string, unknown> =>
  Object.fromEntries(
    (['minAvailable', 'selector', 'maxUnavailable', 'unhealthyPodEvictionPolicy'] as const)
      .filter((k) => s[k] !== undefined)
      .map((k) => [k, s[k]]),
  );

function validateBound(v: number | string | undefined, field: string, out: FieldError[]): void {
  if (v === undefined) return;
  validateIntOrPercent(v, field, out);
  if (isPercent(v) && Number(v.slice(0, -1)) > 100)
    out.push(fieldError('Invalid', field, v, 'must not be greater than 100%'));
}

export function validatePdbSpec(spec: PodDisruptionBudgetSpec, out: FieldError[]): void {
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined)
    out.push(
      fieldError('Invalid', 'spec', specValue(spec), 'minAvailable and maxUnavailable cannot be both set'),
    );
  validateBound(spec.minAvailable, 'spec.minAvailable', out);
  validateBound(spec.maxUnavailable, 'spec.maxUnavailable', out);
  if (spec.selector) validateLabelSelector(spec.selector, 'spec.selector', out);
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !UNHEALTHY_POD_EVICTION_POLICIES.includes(policy))
    out.push(
      fieldError(
        'NotSupported',
        'spec.unhealthyPodEvictionPolicy',
        policy,
        supported(UNHEALTHY_POD_EVICTION_POLICIES),
      ),
    );
}

export function validatePdb(pdb: PodDisruptionBudget): FieldError[] {
  const out: FieldError[] = [];
  validateObjectName(pdb.metadata.name, 'metadata.name', dns1123SubdomainProblems, out);
  validateObjectName(pdb.metadata.namespace, 'metadata.namespace', dns1123LabelProblems, out);
  validateMetadataMaps(pdb.metadata, out);
  validatePdbSpec(pdb.spec, out);
  return out;
}

/** ValidatePodDisruptionBudgetStatusUpdate: the counts are never negative. */
export function validatePdbStatus(pdb: PodDisruptionBudget): FieldError[] {
  const out: FieldError[] = [];
  const s = pdb.status;
  for (const k of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const)
    validateNonNegative(s[k], `status.${k}`, out);
  return out;
}
