// rbac.authorization.k8s.io: the four stores (persisted), their write paths, the RbacObjects the authorizer
// reads, the bootstrap policy (reconciled now, as kube-apiserver does at start) and the ClusterRole
// aggregation controller (agent/rbac/).
import type { Clock } from '../agent/clock';
import type { Logger } from '../agent/log';
import { RBAC_GROUP } from '../agent/model/rbac';
import type { ClusterRole, ClusterRoleBinding, RbacObjects, Role, RoleBinding } from '../agent/model/rbac';
import { ClusterRoleAggregator, reconcileBootstrapPolicy } from '../agent/rbac/rbac-controllers';
import { type RbacStores, StoreRbacObjects } from '../agent/rbac/rbac-objects';
import { RbacRegistry } from '../agent/rbac/rbac-registry';
import { ObjectStore, type Persistence, type ResourceVersions } from '../agent/store/object-store';

export interface Rbac extends RbacStores {
  registries: {
    roles: RbacRegistry<Role>;
    roleBindings: RbacRegistry<RoleBinding>;
    clusterRoles: RbacRegistry<ClusterRole>;
    clusterRoleBindings: RbacRegistry<ClusterRoleBinding>;
  };
  objects: RbacObjects;
  aggregator: ClusterRoleAggregator;
}

export function createRbac(o: {
  clock: Clock;
  versions: ResourceVersions;
  persistence: Persistence;
  logger: Logger;
}): Rbac {
  const deps = { clock: o.clock, versions: o.versions, persistence: o.persistence };
  const stores: RbacStores = {
    roles: new ObjectStore<Role>('Role', deps, RBAC_GROUP),
    roleBindings: new ObjectStore<RoleBinding>('RoleBinding', deps, RBAC_GROUP),
    clusterRoles: new ObjectStore<ClusterRole>('ClusterRole', deps, RBAC_GROUP),
    clusterRoleBindings: new ObjectStore<ClusterRoleBinding>('ClusterRoleBinding', deps, RBAC_GROUP),
  };
  const logger = o.logger.child({ component: 'rbac' });
  reconcileBootstrapPolicy(stores, logger);
  const aggregator = new ClusterRoleAggregator(
    stores.clusterRoles,
    logger.child({ component: 'clusterrole-aggregation' }),
  );
  // before the API answers: admin, edit and view hold their rules from the first request on
  aggregator.sync();
  return {
    ...stores,
    registries: {
      roles: new RbacRegistry(stores.roles, true),
      roleBindings: new RbacRegistry(stores.roleBindings, true),
      clusterRoles: new RbacRegistry(stores.clusterRoles, false),
      clusterRoleBindings: new RbacRegistry(stores.clusterRoleBindings, false),
    },
    objects: new StoreRbacObjects(stores),
    aggregator,
  };
}
