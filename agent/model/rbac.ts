// rbac.authorization.k8s.io/v1 as the API stores it: Roles and ClusterRoles say what may be done, RoleBindings and
// ClusterRoleBindings say who may do it. The authorizer (api/authz/) reads them through RbacObjects.
import type { LabelSelector } from './workload';
import type { ObjectMeta } from './meta';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One grant: verbs on resources of API groups (optionally by name), or verbs on non-resource URLs. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface AggregationRule {
  clusterRoleSelectors?: LabelSelector[];
}

export interface Role {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'Role';
  metadata: ObjectMeta;
  rules?: PolicyRule[];
}

export interface ClusterRole {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'ClusterRole';
  metadata: ObjectMeta;
  rules?: PolicyRule[];
  aggregationRule?: AggregationRule;
}

/** Who a binding grants to: a User, a Group, or a ServiceAccount (namespace required for it). */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole';
  name: string;
}

export interface RoleBinding {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'RoleBinding';
  metadata: ObjectMeta;
  subjects?: Subject[];
  roleRef: RoleRef;
}

export interface ClusterRoleBinding {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'ClusterRoleBinding';
  metadata: ObjectMeta;
  subjects?: Subject[];
  roleRef: RoleRef;
}

/** What the authorizer reads: the stored RBAC objects (cluster-scoped ones with namespace ''). */
export interface RbacObjects {
  roles(namespace: string): readonly Role[];
  role(namespace: string, name: string): Role | undefined;
  roleBindings(namespace: string): readonly RoleBinding[];
  clusterRoles(): readonly ClusterRole[];
  clusterRole(name: string): ClusterRole | undefined;
  clusterRoleBindings(): readonly ClusterRoleBinding[];
}
