// rbac.authorization.k8s.io/v1: Roles and RoleBindings (namespaced), ClusterRoles and ClusterRoleBindings
// (cluster-scoped), written through agent/rbac/rbac-registry.ts. `kubectl get` columns as upstream's printer:
// NAME CREATED AT for the roles; NAME ROLE AGE for the bindings, and USERS GROUPS SERVICEACCOUNTS with -o wide.
import { isoTime } from '../../agent/clock';
import { RBAC_V1 } from '../../agent/model/group-version';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, Subject } from '../../agent/model/rbac';
import type { ObjectStore } from '../../agent/store/object-store';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, age, ageColumn, metaFields, nameColumn } from '../resources';
import { type TableSpec, column } from '../table';

const createdAtColumn = {
  ...column(
    'Created At',
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  ),
  type: 'date',
};

const roleTable: TableSpec<Role | ClusterRole> = {
  columns: [nameColumn, createdAtColumn],
  cells: (r) => [r.metadata.name, isoTime(Date.parse(r.metadata.creationTimestamp))],
};

const ROLE_REF_TEXT = {
  RoleBinding:
    'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
  ClusterRoleBinding:
    'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
};

/** upstream's SubjectsStrings: users, groups, and `namespace/name` of the ServiceAccounts. */
export function subjectsStrings(subjects: readonly Subject[] = []): [string, string, string] {
  const of = (kind: Subject['kind'], show: (s: Subject) => string): string =>
    subjects
      .filter((s) => s.kind === kind)
      .map(show)
      .join(', ');
  return [
    of('User', (s) => s.name),
    of('Group', (s) => s.name),
    of('ServiceAccount', (s) => `${s.namespace ?? ''}/${s.name}`),
  ];
}

function bindingTable(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
): TableSpec<RoleBinding | ClusterRoleBinding> {
  const lower = kind === 'RoleBinding' ? 'roleBinding' : 'clusterRoleBinding';
  return {
    columns: [
      nameColumn,
      column('Role', ROLE_REF_TEXT[kind]),
      ageColumn,
      column('Users', `Users in the ${lower}`, 1),
      column('Groups', `Groups in the ${lower}`, 1),
      column('ServiceAccounts', `ServiceAccounts in the ${lower}`, 1),
    ],
    cells: (b, now) => [
      b.metadata.name,
      `${b.roleRef.kind}/${b.roleRef.name}`,
      age(b, now),
      ...subjectsStrings(b.subjects),
    ],
  };
}

/** The cluster-scoped kinds' objects, stored under namespace ''. */
const clusterSource = <T extends ClusterRole | ClusterRoleBinding>(
  store: ObjectStore<T>,
): ResourceDefinition<T>['source'] => ({ list: () => store.list(), get: (_ns, name) => store.get('', name) });

const common = { groupVersion: RBAC_V1, verbs: ALL_VERBS, fields: metaFields } as const;

export function roleResource(deps: ApiDeps): ResourceDefinition<Role> {
  return {
    ...common,
    verbs: [...ALL_VERBS],
    name: 'roles',
    singularName: 'role',
    kind: 'Role',
    listKind: 'RoleList',
    namespaced: true,
    ...roleTable,
    source: deps.rbac.roles,
    registry: deps.rbac.registries.roles,
  };
}

export function clusterRoleResource(deps: ApiDeps): ResourceDefinition<ClusterRole> {
  return {
    ...common,
    verbs: [...ALL_VERBS],
    name: 'clusterroles',
    singularName: 'clusterrole',
    kind: 'ClusterRole',
    listKind: 'ClusterRoleList',
    namespaced: false,
    fields: { 'metadata.name': (r) => r.metadata.name },
    ...roleTable,
    source: clusterSource(deps.rbac.clusterRoles),
    registry: deps.rbac.registries.clusterRoles,
  };
}

export function roleBindingResource(deps: ApiDeps): ResourceDefinition<RoleBinding> {
  return {
    ...common,
    verbs: [...ALL_VERBS],
    name: 'rolebindings',
    singularName: 'rolebinding',
    kind: 'RoleBinding',
    listKind: 'RoleBindingList',
    namespaced: true,
    ...bindingTable('RoleBinding'),
    source: deps.rbac.roleBindings,
    registry: deps.rbac.registries.roleBindings,
  };
}

export function clusterRoleBindingResource(deps: ApiDeps): ResourceDefinition<ClusterRoleBinding> {
  return {
    ...common,
    verbs: [...ALL_VERBS],
    name: 'clusterrolebindings',
    singularName: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    listKind: 'ClusterRoleBindingList',
    namespaced: false,
    fields: { 'metadata.name': (b) => b.metadata.name },
    ...bindingTable('ClusterRoleBinding'),
    source: clusterSource(deps.rbac.clusterRoleBindings),
    registry: deps.rbac.registries.clusterRoleBindings,
  };
}
