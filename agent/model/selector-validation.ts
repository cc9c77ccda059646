// ValidateLabelSelector (apimachinery's metav1 validation): matchLabels as labels are checked, and each
// matchExpressions entry a known operator with the values it calls for, a qualified key and label values.
import { fieldError, type FieldError } from './field-errors';
import { labelValueProblems, qualifiedNameProblems, validateLabels } from './meta-validation';
import type { LabelSelector } from './workload';

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * The selector's problems under `field`; false when a matchExpressions entry has one, which
 * LabelSelectorAsSelector (labels.NewRequirement) refuses as well.
 */
export function validateLabelSelector(sel: LabelSelector, field: string, out: FieldError[]): boolean {
  validateLabels(sel.matchLabels, `${field}.matchLabels`, out);
  const before = out.length;
  (sel.matchExpressions ?? []).forEach((r, i) => {
    const f = `${field}.matchExpressions[${i}]`;
    const values = r.values ?? [];
    if (!OPERATORS.has(r.operator)) {
      out.push(fieldError('Invalid', `${f}.operator`, r.operator, 'not a valid selector operator'));
    } else if ((r.operator === 'In' || r.operator === 'NotIn') && values.length === 0) {
      out.push(
        fieldError(
          'Required',
          `${f}.values`,
          undefined,
          "must be specified when `operator` is 'In' or 'NotIn'",
        ),
      );
    } else if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && values.length > 0) {
      const detail = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'";
      out.push(fieldError('Forbidden', `${f}.values`, undefined, detail));
    }
    // Go decodes a missing or null string as "": so are they checked here (not a TypeError)
    const key = r.key ?? '';
    for (const p of qualifiedNameProblems(key)) out.push(fieldError('Invalid', `${f}.key`, key, p));
    values.forEach((v, j) => {
      const value = v ?? '';
      for (const p of labelValueProblems(value))
        out.push(fieldError('Invalid', `${f}.values[${j}]`, value, p));
    });
  });
  return out.length === before;
}
