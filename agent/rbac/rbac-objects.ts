// The RbacObjects the authorizer reads (agent/model/rbac.ts), over the RBAC stores.
import type { ClusterRole, ClusterRoleBinding, RbacObjects, Role, RoleBinding } from '../model/rbac';
import type { ObjectStore } from '../store/object-store';

export interface RbacStores {
  roles: ObjectStore<Role>;
  roleBindings: ObjectStore<RoleBinding>;
  /** Cluster-scoped: stored under namespace ''. */
  clusterRoles: ObjectStore<ClusterRole>;
  clusterRoleBindings: ObjectStore<ClusterRoleBinding>;
}

export class StoreRbacObjects implements RbacObjects {
  constructor(private readonly stores: RbacStores) {}

  // ObjectStore.list('') lists every namespace: a cluster-scoped request has no namespaced grants
  roles(namespace: string): readonly Role[] {
    return namespace ? this.stores.roles.list(namespace) : [];
  }

  role(namespace: string, name: string): Role | undefined {
    return namespace ? this.stores.roles.get(namespace, name) : undefined;
  }

  roleBindings(namespace: string): readonly RoleBinding[] {
    return namespace ? this.stores.roleBindings.list(namespace) : [];
  }

  clusterRoles(): readonly ClusterRole[] {
    return this.stores.clusterRoles.list();
  }

  clusterRole(name: string): ClusterRole | undefined {
    return this.stores.clusterRoles.get('', name);
  }

  clusterRoleBindings(): readonly ClusterRoleBinding[] {
    return this.stores.clusterRoleBindings.list();
  }
}
