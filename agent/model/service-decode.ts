// From a decoded request body to a defaulted, validated Service (ClusterIP not yet allocated).
import { fieldError, invalidError, type FieldError } from './field-errors';
import { decodeObject } from './pod-decode';
import type { Service } from './service';
import { applyServiceDefaults, validateService } from './service-validation';
import { SERVICE_SHAPE, checkBodyShape, isObject, shapedCopy } from './shape';

export function decodeService(raw: unknown, namespace: string): Service {
  const obj = decodeObject(raw, 'Service', namespace);
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const errors: FieldError[] = [];
  checkBodyShape(obj, SERVICE_SHAPE, 'Service', 'v1', errors);
  if (obj.spec !== undefined && !isObject(obj.spec))
    errors.push(fieldError('Invalid', 'spec', obj.spec, 'must be an object'));
  if (errors.length) throw invalidError('Service', name, errors);
  const svc = shapedCopy<Service>({ ...obj, spec: obj.spec ?? {} }, SERVICE_SHAPE);
  delete (svc.metadata as { resourceVersion?: string }).resourceVersion;
  applyServiceDefaults(svc);
  const invalid = validateService(svc);
  if (invalid.length) throw invalidError('Service', name, invalid);
  return svc;
}
