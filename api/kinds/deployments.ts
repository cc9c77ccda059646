// Deployments (apps/v1): written through the WorkloadRegistry, rolled out by the deployment controller
// (agent/controllers/deployment/); `kubectl get deploy` columns as upstream's printer; status and scale.
import { APPS_V1 } from '../../agent/model/group-version';
import { MERGE_KEYS } from '../../agent/model/patch';
import type { Deployment } from '../../agent/model/workload';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, age, ageColumn, metaFields, nameColumn } from '../resources';
import { WORKLOAD_SUBRESOURCES, workloadSubresourceRoutes } from '../routes/workload-subresources';
import { column } from '../table';
import { templateCells, templateColumns } from './workload-columns';

export function deploymentResource(deps: ApiDeps): ResourceDefinition<Deployment> {
  const registry = deps.registries.deployments;
  const def: ResourceDefinition<Deployment> = {
    groupVersion: APPS_V1,
    name: 'deployments',
    singularName: 'deployment',
    kind: 'Deployment',
    listKind: 'DeploymentList',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['deploy'],
    categories: ['all'],
    fields: metaFields,
    columns: [
      nameColumn,
      column('Ready', 'Number of the pod with ready state'),
      column(
        'Up-to-date',
        'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      ),
      column(
        'Available',
        'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      ),
      ageColumn,
      ...templateColumns,
      column(
        'Selector',
        'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
        1,
      ),
    ],
    cells: (d, now) => [
      d.metadata.name,
      `${d.status.readyReplicas ?? 0}/${d.spec.replicas}`,
      d.status.updatedReplicas ?? 0,
      d.status.availableReplicas ?? 0,
      age(d, now),
      ...templateCells(d.spec.template, d.spec.selector),
    ],
    source: deps.deployments,
    registry,
    mergeKeys: MERGE_KEYS,
    subresources: WORKLOAD_SUBRESOURCES,
    logCreated: (d) => ['deployment created', { deployment: `${d.metadata.namespace}/${d.metadata.name}` }],
    routes: (app, paths) => workloadSubresourceRoutes(app, def, registry, paths, deps.clock),
  };
  return def;
}
