// ValidatePodUpdate: on a running pod only the container and init-container images (and a few
// scheduling fields) may change; metadata labels and annotations may change freely.
import { fieldError, invalidError, type FieldError } from './field-errors';
import type { Pod, PodSpec } from './pod';
import { applyPodDefaults } from './pod-defaults';
import { decodeObject } from './pod-decode';
import { type PodPolicy, checkPodPolicy } from './pod-policy';
import { validatePod } from './pod-validation';
import { POD_SHAPE, checkBodyShape, isObject, shapedCopy } from './shape';

const ALLOWED =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The spec with every mutable field blanked, for comparison. */
function frozenPart(spec: PodSpec): string {
  const blank = (list: PodSpec['containers'] | undefined): unknown => list?.map((c) => ({ ...c, image: '' }));
  const { activeDeadlineSeconds: _a, tolerations: _t, ...rest } = spec;
  return JSON.stringify({
    ...rest,
    containers: blank(spec.containers),
    initContainers: blank(spec.initContainers),
  });
}

export function validatePodUpdate(old: Pod, next: Pod): FieldError[] {
  const out: FieldError[] = [];
  if (next.metadata.uid && next.metadata.uid !== old.metadata.uid) {
    out.push(fieldError('Invalid', 'metadata.uid', next.metadata.uid, 'field is immutable'));
  }
  const count = (p: Pod): string => `${p.spec.containers.length}/${p.spec.initContainers?.length ?? 0}`;
  if (count(old) !== count(next)) {
    out.push(
      fieldError('Forbidden', 'spec.containers', undefined, 'pod updates may not add or remove containers'),
    );
    return out;
  }
  if (frozenPart(old.spec) !== frozenPart(next.spec))
    out.push(fieldError('Forbidden', 'spec', undefined, ALLOWED));
  return out;
}

/**
 * From a PUT/PATCH body to the updated pod (status kept from the stored one), or a 4xx error. A change of
 * the spec (an image) is checked against the allow-flags as a new pod is, as PodSecurity admission does:
 * a pod stored under wider flags keeps running but cannot be changed until they are given again.
 */
export function decodePodUpdate(old: Pod, raw: unknown, policy?: PodPolicy): Pod {
  const m = old.metadata;
  const obj = decodeObject(raw, 'Pod', m.namespace);
  const shapeErrors: FieldError[] = [];
  checkBodyShape(obj, POD_SHAPE, 'Pod', 'v1', shapeErrors);
  // A patch may have removed what the comparison below reads.
  if (!isObject(obj.spec)) shapeErrors.push(fieldError('Required', 'spec'));
  else if (!Array.isArray(obj.spec.containers)) shapeErrors.push(fieldError('Required', 'spec.containers'));
  if (shapeErrors.length) throw invalidError('Pod', m.name, shapeErrors);
  if (obj.metadata.name !== undefined && obj.metadata.name !== m.name) {
    throw invalidError('Pod', m.name, [
      fieldError('Invalid', 'metadata.name', obj.metadata.name, 'field is immutable'),
    ]);
  }
  const next = shapedCopy<Pod>(obj, POD_SHAPE);
  const keep = {
    name: m.name,
    namespace: m.namespace,
    uid: m.uid,
    creationTimestamp: m.creationTimestamp,
    resourceVersion: m.resourceVersion,
  };
  const deleting = m.deletionTimestamp
    ? { deletionTimestamp: m.deletionTimestamp, deletionGracePeriodSeconds: m.deletionGracePeriodSeconds }
    : {};
  next.metadata = { ...next.metadata, ...keep, ...deleting };
  next.spec.nodeName = old.spec.nodeName;
  applyPodDefaults(next);
  const errors = [...validatePodUpdate(old, next), ...validatePod(next)];
  if (errors.length === 0 && policy && JSON.stringify(next.spec) !== JSON.stringify(old.spec))
    errors.push(...checkPodPolicy(next, policy));
  if (errors.length) throw invalidError('Pod', m.name, errors);
  next.status = old.status;
  return next;
}
