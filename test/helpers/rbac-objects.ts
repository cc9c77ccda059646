// RBAC objects in memory for tests of the authorizer: the RbacObjects reader over plain arrays, and builders.
import type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  RbacObjects,
  Role,
  RoleBinding,
  RoleRef,
  Subject,
} from '../../agent/model/rbac';
import type { ObjectMeta } from '../../agent/model/meta';

/** Only what the authorizer reads of metadata. */
const meta = (namespace: string, name: string): ObjectMeta => ({ namespace, name }) as ObjectMeta;

export class FakeRbacObjects implements RbacObjects {
  constructor(
    readonly all: {
      roles?: Role[];
      clusterRoles?: ClusterRole[];
      roleBindings?: RoleBinding[];
      clusterRoleBindings?: ClusterRoleBinding[];
    } = {},
  ) {}
  roles(namespace: string): readonly Role[] {
    return (this.all.roles ?? []).filter((r) => r.metadata.namespace === namespace);
  }
  role(namespace: string, name: string): Role | undefined {
    return this.roles(namespace).find((r) => r.metadata.name === name);
  }
  roleBindings(namespace: string): readonly RoleBinding[] {
    return (this.all.roleBindings ?? []).filter((b) => b.metadata.namespace === namespace);
  }
  clusterRoles(): readonly ClusterRole[] {
    return this.all.clusterRoles ?? [];
  }
  clusterRole(name: string): ClusterRole | undefined {
    return this.clusterRoles().find((r) => r.metadata.name === name);
  }
  clusterRoleBindings(): readonly ClusterRoleBinding[] {
    return this.all.clusterRoleBindings ?? [];
  }
}

const V1 = 'rbac.authorization.k8s.io/v1' as const;
export const aRole = (namespace: string, name: string, rules: PolicyRule[]): Role => ({
  apiVersion: V1,
  kind: 'Role',
  metadata: meta(namespace, name),
  rules,
});
export const aClusterRole = (name: string, rules: PolicyRule[]): ClusterRole => ({
  apiVersion: V1,
  kind: 'ClusterRole',
  metadata: meta('', name),
  rules,
});
const ref = (kind: RoleRef['kind'], name: string): RoleRef => ({
  apiGroup: 'rbac.authorization.k8s.io',
  kind,
  name,
});
export const aRoleBinding = (
  namespace: string,
  name: string,
  role: [RoleRef['kind'], string],
  subjects: Subject[],
): RoleBinding => ({
  apiVersion: V1,
  kind: 'RoleBinding',
  metadata: meta(namespace, name),
  roleRef: ref(...role),
  subjects,
});
export const aClusterRoleBinding = (name: string, role: string, subjects: Subject[]): ClusterRoleBinding => ({
  apiVersion: V1,
  kind: 'ClusterRoleBinding',
  metadata: meta('', name),
  roleRef: ref('ClusterRole', role),
  subjects,
});
export const sa = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', namespace, name });
export const user = (name: string): Subject => ({
  kind: 'User',
  apiGroup: 'rbac.authorization.k8s.io',
  name,
});
export const group = (name: string): Subject => ({
  kind: 'Group',
  apiGroup: 'rbac.authorization.k8s.io',
  name,
});
