// StatefulSets (apps/v1): written through the WorkloadRegistry, kept by the statefulset controller
// (agent/controllers/statefulset/); `kubectl get sts` columns as upstream's printer (NAME READY AGE, wide:
// CONTAINERS IMAGES); the status and scale subresources (`kubectl scale sts`).
import { APPS_V1 } from '../../agent/model/group-version';
import { MERGE_KEYS } from '../../agent/model/patch';
import type { StatefulSet } from '../../agent/model/workload';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, age, ageColumn, metaFields, nameColumn } from '../resources';
import { WORKLOAD_SUBRESOURCES, workloadSubresourceRoutes } from '../routes/workload-subresources';
import { column } from '../table';
import { templateCells, templateColumns } from './workload-columns';

export function statefulSetResource(deps: ApiDeps): ResourceDefinition<StatefulSet> {
  const registry = deps.registries.statefulSets;
  const def: ResourceDefinition<StatefulSet> = {
    groupVersion: APPS_V1,
    name: 'statefulsets',
    singularName: 'statefulset',
    kind: 'StatefulSet',
    listKind: 'StatefulSetList',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['sts'],
    categories: ['all'],
    fields: metaFields,
    columns: [
      nameColumn,
      column('Ready', 'Number of the pod with ready state'),
      ageColumn,
      ...templateColumns,
    ],
    cells: (s, now) => [
      s.metadata.name,
      `${s.status.readyReplicas ?? 0}/${s.spec.replicas}`,
      age(s, now),
      ...templateCells(s.spec.template, s.spec.selector).slice(0, 2),
    ],
    source: deps.statefulSets,
    registry,
    mergeKeys: MERGE_KEYS,
    subresources: WORKLOAD_SUBRESOURCES,
    logCreated: (s) => ['statefulset created', { statefulSet: `${s.metadata.namespace}/${s.metadata.name}` }],
    routes: (app, paths) => workloadSubresourceRoutes(app, def, registry, paths, deps.clock),
  };
  return def;
}
