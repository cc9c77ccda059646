// From a request body to a defaulted, validated ReplicaSet or Deployment (and the same for an update,
// checked against the stored object), or a Status-ready error.
import { APPS_V1, apiVersionOf } from './group-version';
import { fieldError, invalidError, type FieldError } from './field-errors';
import { decodeObject } from './pod-decode';
import { checkBodyShape, isObject, kindShape, shapedCopy } from './shape';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from './workload';
import {
  applyStatefulSetDefaults,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './statefulset-validation';
import {
  applyDaemonSetDefaults,
  applyDeploymentDefaults,
  applyReplicaSetDefaults,
  validateDaemonSet,
  validateDeployment,
  validateReplicaSet,
  validateWorkloadUpdate,
} from './workload-validation';
import type { Shape } from './shape';

type Workload = ReplicaSet | Deployment | DaemonSet | StatefulSet;

interface WorkloadKind<T extends Workload> {
  kind: T['kind'];
  shape: Shape;
  defaults(obj: T): void;
  validate(obj: T): FieldError[];
}

export const REPLICA_SET_KIND: WorkloadKind<ReplicaSet> = {
  kind: 'ReplicaSet',
  shape: kindShape('ReplicaSet', APPS_V1),
  defaults: applyReplicaSetDefaults,
  validate: validateReplicaSet,
};

export const DEPLOYMENT_KIND: WorkloadKind<Deployment> = {
  kind: 'Deployment',
  shape: kindShape('Deployment', APPS_V1),
  defaults: applyDeploymentDefaults,
  validate: validateDeployment,
};

export const DAEMON_SET_KIND: WorkloadKind<DaemonSet> = {
  kind: 'DaemonSet',
  shape: kindShape('DaemonSet', APPS_V1),
  defaults: applyDaemonSetDefaults,
  validate: validateDaemonSet,
};

export const STATEFUL_SET_KIND: WorkloadKind<StatefulSet> = {
  kind: 'StatefulSet',
  shape: kindShape('StatefulSet', APPS_V1),
  defaults: applyStatefulSetDefaults,
  validate: validateStatefulSet,
};

export function decodeWorkload<T extends Workload>(k: WorkloadKind<T>, raw: unknown, namespace: string): T {
  const obj = decodeObject(raw, k.kind, namespace, apiVersionOf(APPS_V1));
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const errors: FieldError[] = [];
  const { status: _status, ...rest } = obj;
  checkBodyShape(rest, k.shape, k.kind, APPS_V1.version, errors);
  if (!isObject(obj.spec)) errors.push(fieldError('Required', 'spec'));
  if (errors.length) throw invalidError(k.kind, name, errors, APPS_V1.group);
  const w = shapedCopy<T>(rest, k.shape);
  delete (w.metadata as { resourceVersion?: string }).resourceVersion;
  k.defaults(w);
  const invalid = k.validate(w);
  if (invalid.length) throw invalidError(k.kind, name, invalid, APPS_V1.group);
  return w;
}

/** A PUT body or patch result: validated as new, then against the stored object; status and identity kept. */
export function decodeWorkloadUpdate<T extends Workload>(k: WorkloadKind<T>, old: T, raw: unknown): T {
  const m = old.metadata;
  const next = decodeWorkload(k, raw, m.namespace);
  const errors: FieldError[] = [];
  if (next.metadata.name !== m.name)
    errors.push(fieldError('Invalid', 'metadata.name', next.metadata.name, 'field is immutable'));
  errors.push(...validateWorkloadUpdate(old, next));
  if (old.kind === 'StatefulSet') errors.push(...validateStatefulSetUpdate(old, next as StatefulSet));
  if (errors.length) throw invalidError(k.kind, m.name, errors, APPS_V1.group);
  next.status = old.status;
  // Set by the server: an update cannot take a deletion back.
  if (m.deletionTimestamp !== undefined) {
    next.metadata.deletionTimestamp = m.deletionTimestamp;
    next.metadata.deletionGracePeriodSeconds = m.deletionGracePeriodSeconds ?? 0;
  }
  return next;
}

export type { WorkloadKind };
