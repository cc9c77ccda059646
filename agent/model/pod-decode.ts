// From a decoded request body to a defaulted, validated Pod, or a Status-ready error.
import { MiniKubeletError } from '../errors';
import { checkMetadataType } from './decode-error';
import { generateName } from './generate-name';
import { fieldError, invalidError, type FieldError } from './field-errors';
import type { Pod } from './pod';
import { applyPodDefaults } from './pod-defaults';
import { type PodPolicy, checkPodPolicy } from './pod-policy';
import { validatePod } from './pod-validation';
import { ephemeralOnCreate } from './validation/ephemeral-containers';
import { POD_SHAPE, checkBodyShape, isObject, shapedCopy } from './shape';

/** Checks kind/apiVersion (`v1` unless the kind's group says otherwise) and the namespace against the
 * request's; fills generateName. */
export function decodeObject(
  raw: unknown,
  kind: string,
  namespace: string,
  apiVersion = 'v1',
): Record<string, unknown> & { metadata: Record<string, unknown> } {
  if (!isObject(raw))
    throw new MiniKubeletError('BadRequest', `the body of the request must be a ${kind} object`);
  if (raw.kind !== undefined && raw.kind !== kind) {
    throw new MiniKubeletError(
      'BadRequest',
      `the object provided is unrecognized (wrong kind ${JSON.stringify(raw.kind)}, expected ${kind})`,
    );
  }
  if (raw.apiVersion !== undefined && raw.apiVersion !== apiVersion) {
    throw new MiniKubeletError(
      'BadRequest',
      `the API version in the data (${JSON.stringify(raw.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
  checkMetadataType(kind, apiVersion, raw.metadata);
  const metadata = isObject(raw.metadata) ? { ...raw.metadata } : {};
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
    throw new MiniKubeletError(
      'BadRequest',
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  metadata.namespace = namespace;
  if (!metadata.name && typeof metadata.generateName === 'string' && metadata.generateName) {
    metadata.name = generateName(metadata.generateName);
  }
  return { ...raw, apiVersion, kind, metadata };
}

/** A pod as it may be stored: valid, and within what the daemon's allow-flags permit. */
export function decodePod(raw: unknown, namespace: string, policy?: PodPolicy): Pod {
  const obj = decodeObject(raw, 'Pod', namespace);
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const shapeErrors: FieldError[] = [];
  checkBodyShape(obj, POD_SHAPE, 'Pod', 'v1', shapeErrors);
  if (!isObject(obj.spec)) shapeErrors.push(fieldError('Required', 'spec'));
  if (shapeErrors.length) throw invalidError('Pod', name, shapeErrors);
  const pod = shapedCopy<Pod>({ ...obj, status: { phase: 'Pending' } }, POD_SHAPE);
  delete (pod.metadata as { resourceVersion?: string }).resourceVersion;
  applyPodDefaults(pod, { pullLatestAlways: policy?.pullLatestAlways === true });
  const errors = [...ephemeralOnCreate(pod), ...validatePod(pod)];
  if (errors.length === 0 && policy) errors.push(...checkPodPolicy(pod, policy));
  if (errors.length) throw invalidError('Pod', name, errors);
  return pod;
}
