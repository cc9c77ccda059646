// From a request body to a defaulted, validated PriorityClass, or a Status-ready error, as upstream's
// pkg/apis/scheduling/validation words it: a `system-` name must be one of the system classes (their value,
// globalDefault false), a user's class stays at or below HighestUserDefinablePriority, the preemptionPolicy is
// one of two; on update the value and preemptionPolicy are immutable.
import { type FieldError, fieldError, invalidError } from './field-errors';
import { SCHEDULING_V1, apiVersionOf } from './group-version';
import { validateMetadataMaps, validateObjectName } from './meta-validation';
import { dns1123SubdomainProblems } from './names';
import { decodeObject } from './pod-decode';
import {
  HIGHEST_USER_DEFINABLE_PRIORITY,
  PREEMPT_LOWER_PRIORITY,
  PRIORITY_CLASS_KIND,
  type PriorityClass,
  SCHEDULING_GROUP,
  SYSTEM_PRIORITY_CLASS_PREFIX,
  systemClassProblem,
} from './priority-class';
import { checkBodyShape, kindShape, shapedCopy } from './shape';
import { decodeUpdateOf } from './update-body';

const SHAPE = kindShape(PRIORITY_CLASS_KIND, SCHEDULING_V1);

export const priorityClassInvalid = (name: string, errors: FieldError[]): Error =>
  invalidError(PRIORITY_CLASS_KIND, name, errors, SCHEDULING_GROUP);

/** ValidatePreemptionPolicy (core validation, shared with the pod's field). */
export function preemptionPolicyErrors(policy: unknown, field: string): FieldError[] {
  if (policy === undefined || policy === 'PreemptLowerPriority' || policy === 'Never') return [];
  if (policy === '') return [fieldError('Required', field)];
  return [fieldError('NotSupported', field, policy, 'supported values: "PreemptLowerPriority", "Never"')];
}

export function validatePriorityClass(pc: PriorityClass): FieldError[] {
  const out: FieldError[] = [];
  const name = pc.metadata.name;
  validateObjectName(name, 'metadata.name', dns1123SubdomainProblems, out);
  validateMetadataMaps(pc.metadata, out);
  if (typeof name === 'string' && name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const problem = systemClassProblem(name, pc.value, pc.globalDefault === true);
    if (problem)
      out.push(
        fieldError(
          'Forbidden',
          'metadata.name',
          undefined,
          `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${problem}`,
        ),
      );
  } else if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY)
    out.push(
      fieldError(
        'Forbidden',
        'value',
        undefined,
        `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`,
      ),
    );
  out.push(...preemptionPolicyErrors(pc.preemptionPolicy, 'preemptionPolicy'));
  return out;
}

/** The body as a PriorityClass: shape checked (value an int32), preemptionPolicy defaulted, not validated. */
function decodeShaped(raw: unknown): PriorityClass {
  const obj = decodeObject(raw, PRIORITY_CLASS_KIND, '', apiVersionOf(SCHEDULING_V1));
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const errors: FieldError[] = [];
  checkBodyShape(obj, SHAPE, PRIORITY_CLASS_KIND, SCHEDULING_V1.version, errors);
  if (errors.length) throw priorityClassInvalid(name, errors);
  const pc = shapedCopy<PriorityClass>(obj, SHAPE);
  delete (pc.metadata as { resourceVersion?: string }).resourceVersion;
  pc.value ??= 0; // an int32 that is not a pointer: absent is 0
  pc.preemptionPolicy ??= PREEMPT_LOWER_PRIORITY; // SetDefaults_PriorityClass
  if (pc.globalDefault === false) delete pc.globalDefault; // omitempty
  return pc;
}

export function decodePriorityClass(raw: unknown): PriorityClass {
  const pc = decodeShaped(raw);
  const invalid = validatePriorityClass(pc);
  if (invalid.length) throw priorityClassInvalid(pc.metadata.name ?? '', invalid);
  return pc;
}

/** The strategy's ValidateUpdate: the create rules, then ValidatePriorityClassUpdate (value and policy stay). */
export function decodePriorityClassUpdate(old: PriorityClass, raw: unknown): PriorityClass {
  const next = decodeUpdateOf(old, raw, (body) => decodeShaped(body), priorityClassInvalid);
  const errors = validatePriorityClass(next);
  if (next.value !== old.value)
    errors.push(fieldError('Forbidden', 'value', undefined, 'may not be changed in an update.'));
  if (next.preemptionPolicy !== old.preemptionPolicy)
    errors.push(fieldError('Invalid', 'preemptionPolicy', next.preemptionPolicy, 'field is immutable'));
  if (errors.length) throw priorityClassInvalid(old.metadata.name, errors);
  const { status: _status, ...rest } = next as PriorityClass & { status?: unknown };
  return rest;
}
