// From a request body to a defaulted, validated Role, ClusterRole, RoleBinding or ClusterRoleBinding, or a
// Status-ready error (`RoleBinding.rbac.authorization.k8s.io "b" is invalid: ...`); an update keeps the
// identity, and a binding's roleRef may not change (upstream's ValidateRoleBindingUpdate).
import { type FieldError, fieldError, invalidError } from './field-errors';
import { RBAC_V1, apiVersionOf } from './group-version';
import { decodeObject } from './pod-decode';
import { withName } from './update-body';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from './rbac';
import { RBAC_GROUP } from './rbac';
import {
  applyBindingDefaults,
  validateBinding,
  validateClusterRole,
  validateRole,
  validateRoleRefUpdate,
} from './rbac-validation';
import { type Shape, checkBodyShape, kindShape, shapedCopy } from './shape';

export type RbacObject = Role | ClusterRole | RoleBinding | ClusterRoleBinding;
export type RbacKind = RbacObject['kind'];

const SHAPES: Record<RbacKind, Shape> = {
  Role: kindShape('Role', RBAC_V1),
  ClusterRole: kindShape('ClusterRole', RBAC_V1),
  RoleBinding: kindShape('RoleBinding', RBAC_V1),
  ClusterRoleBinding: kindShape('ClusterRoleBinding', RBAC_V1),
};

const rbacInvalid = (kind: RbacKind, name: string, errors: FieldError[]): Error =>
  invalidError(kind, name, errors, RBAC_GROUP);

function validate(obj: RbacObject): FieldError[] {
  switch (obj.kind) {
    case 'Role':
      return validateRole(obj);
    case 'ClusterRole':
      return validateClusterRole(obj);
    default:
      applyBindingDefaults(obj);
      return validateBinding(obj);
  }
}

/** `namespace` is '' for the cluster-scoped kinds. */
export function decodeRbac<T extends RbacObject>(kind: T['kind'], raw: unknown, namespace: string): T {
  const obj = decodeObject(raw, kind, namespace, apiVersionOf(RBAC_V1));
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const errors: FieldError[] = [];
  checkBodyShape(obj, SHAPES[kind], kind, RBAC_V1.version, errors);
  if (errors.length) throw rbacInvalid(kind, name, errors);
  const decoded = shapedCopy<T>(obj, SHAPES[kind]);
  delete (decoded.metadata as { resourceVersion?: string }).resourceVersion;
  // Go decodes a missing roleRef as its zero value: each field then fails validation
  if (kind.endsWith('Binding')) (decoded as RoleBinding).roleRef = { ...(decoded as RoleBinding).roleRef };
  const invalid = validate(decoded);
  if (invalid.length) throw rbacInvalid(kind, name, invalid);
  return decoded;
}

export function decodeRbacUpdate<T extends RbacObject>(old: T, raw: unknown): T {
  const m = old.metadata;
  const next = decodeRbac<T>(old.kind, withName(raw, m.name), m.namespace);
  const errors: FieldError[] = [];
  if (next.metadata.name !== m.name)
    errors.push(fieldError('Invalid', 'metadata.name', next.metadata.name, 'field is immutable'));
  if ('roleRef' in next && 'roleRef' in old) errors.push(...validateRoleRefUpdate(next.roleRef, old.roleRef));
  if (errors.length) throw rbacInvalid(old.kind, m.name, errors);
  const keep = { uid: m.uid, creationTimestamp: m.creationTimestamp, resourceVersion: m.resourceVersion };
  return { ...next, metadata: { ...next.metadata, ...keep } };
}
