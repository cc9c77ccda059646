// From a request body to a defaulted, validated autoscaling/v2 HorizontalPodAutoscaler, or a Status-ready
// error; an update keeps the name, identity and status (status is written through the status subresource).
import { type FieldError, fieldError, invalidError } from './field-errors';
import { AUTOSCALING_V2 } from './group-version';
import { HPA_KIND, type HorizontalPodAutoscaler } from './hpa';
import { applyHpaDefaults, validateHpa } from './hpa-validation';
import { decodeObject } from './pod-decode';
import { checkBodyShape, isObject, kindShape, shapedCopy } from './shape';
import { decodeUpdateOf } from './update-body';

const HPA_SHAPE = kindShape(HPA_KIND, AUTOSCALING_V2);

const hpaInvalid = (name: string, errors: FieldError[]): Error =>
  invalidError(HPA_KIND, name, errors, 'autoscaling');

export function decodeHpa(raw: unknown, namespace: string): HorizontalPodAutoscaler {
  const obj = decodeObject(raw, HPA_KIND, namespace, 'autoscaling/v2');
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const errors: FieldError[] = [];
  checkBodyShape(obj, HPA_SHAPE, HPA_KIND, AUTOSCALING_V2.version, errors);
  if (!isObject(obj.spec)) errors.push(fieldError('Required', 'spec'));
  if (errors.length) throw hpaInvalid(name, errors);
  const hpa = shapedCopy<HorizontalPodAutoscaler>({ ...obj, status: {} }, HPA_SHAPE);
  delete (hpa.metadata as { resourceVersion?: string }).resourceVersion;
  applyHpaDefaults(hpa);
  const invalid = validateHpa(hpa);
  if (invalid.length) throw hpaInvalid(name, invalid);
  return hpa;
}

export const decodeHpaUpdate = (old: HorizontalPodAutoscaler, raw: unknown): HorizontalPodAutoscaler =>
  decodeUpdateOf(old, raw, decodeHpa, hpaInvalid);
