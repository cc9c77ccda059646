// The ephemeralcontainers subresource's write (upstream's podEphemeralContainersStrategy): of the body only
// spec.ephemeralContainers is taken, everything else stays as stored; existing ones may not change.
import { fieldError, invalidError, type FieldError } from './field-errors';
import type { Pod } from './pod';
import { applyPodDefaults } from './pod-defaults';
import { decodeObject } from './pod-decode';
import { type PodPolicy, checkPodPolicy } from './pod-policy';
import { validatePod } from './pod-validation';
import { POD_SHAPE, checkBodyShape, isObject, shapedCopy } from './shape';
import { validateEphemeralContainersUpdate } from './validation/ephemeral-containers';

export function decodeEphemeralUpdate(old: Pod, raw: unknown, policy?: PodPolicy): Pod {
  const m = old.metadata;
  const obj = decodeObject(raw, 'Pod', m.namespace);
  const errors: FieldError[] = [];
  checkBodyShape(obj, POD_SHAPE, 'Pod', 'v1', errors);
  if (obj.metadata.name !== undefined && obj.metadata.name !== m.name)
    errors.push(fieldError('Invalid', 'metadata.name', obj.metadata.name, 'field is immutable'));
  if (errors.length) throw invalidError('Pod', m.name, errors);
  const next = structuredClone(old);
  const body = shapedCopy<Record<string, unknown>>(obj, POD_SHAPE);
  const list = isObject(body.spec) ? body.spec.ephemeralContainers : undefined;
  next.spec.ephemeralContainers = Array.isArray(list) ? list : [];
  applyPodDefaults(next, { pullLatestAlways: policy?.pullLatestAlways === true });
  errors.push(...validatePod(next), ...validateEphemeralContainersUpdate(old, next));
  if (errors.length === 0 && policy) errors.push(...checkPodPolicy(next, policy));
  if (errors.length) throw invalidError('Pod', m.name, errors);
  if (next.spec.ephemeralContainers?.length === 0) delete next.spec.ephemeralContainers;
  return next;
}
