// ReplicaSets (apps/v1): written through the WorkloadRegistry, kept by the replicaset controller
// (agent/controllers/replicaset/); `kubectl get rs` columns as upstream's printer; status and scale.
import { APPS_V1 } from '../../agent/model/group-version';
import { MERGE_KEYS } from '../../agent/model/patch';
import type { ReplicaSet } from '../../agent/model/workload';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, age, ageColumn, metaFields, nameColumn } from '../resources';
import { WORKLOAD_SUBRESOURCES, workloadSubresourceRoutes } from '../routes/workload-subresources';
import { column } from '../table';
import { templateCells, templateColumns } from './workload-columns';

export function replicaSetResource(deps: ApiDeps): ResourceDefinition<ReplicaSet> {
  const registry = deps.registries.replicaSets;
  const def: ResourceDefinition<ReplicaSet> = {
    groupVersion: APPS_V1,
    name: 'replicasets',
    singularName: 'replicaset',
    kind: 'ReplicaSet',
    listKind: 'ReplicaSetList',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['rs'],
    categories: ['all'],
    fields: metaFields,
    columns: [
      nameColumn,
      column('Desired', 'Number of desired pods'),
      column('Current', 'Number of actual replicas.'),
      column('Ready', 'The number of ready replicas for this replica set.'),
      ageColumn,
      ...templateColumns,
      column('Selector', 'The label selector of the replica set.', 1),
    ],
    cells: (rs, now) => [
      rs.metadata.name,
      rs.spec.replicas,
      rs.status.replicas ?? 0,
      rs.status.readyReplicas ?? 0,
      age(rs, now),
      ...templateCells(rs.spec.template, rs.spec.selector),
    ],
    source: deps.replicaSets,
    registry,
    mergeKeys: MERGE_KEYS,
    subresources: WORKLOAD_SUBRESOURCES,
    routes: (app, paths) => workloadSubresourceRoutes(app, def, registry, paths, deps.clock),
  };
  return def;
}
