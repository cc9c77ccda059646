// DaemonSets (apps/v1): written through the WorkloadRegistry, kept by the daemonset controller
// (agent/controllers/daemonset/); `kubectl get ds` columns as upstream's printer; the status subresource
// (no scale: a DaemonSet has no replicas).
import { APPS_V1 } from '../../agent/model/group-version';
import { MERGE_KEYS } from '../../agent/model/patch';
import type { DaemonSet } from '../../agent/model/workload';
import type { ApiDeps } from '../deps';
import {
  ALL_VERBS,
  type ResourceDefinition,
  NONE,
  age,
  ageColumn,
  metaFields,
  nameColumn,
} from '../resources';
import { WORKLOAD_SUBRESOURCES, workloadStatusRoutes } from '../routes/workload-subresources';
import { column } from '../table';
import { templateCells, templateColumns } from './workload-columns';

const nodeSelectorText = (ds: DaemonSet): string =>
  Object.entries(ds.spec.template.spec.nodeSelector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || NONE;

export function daemonSetResource(deps: ApiDeps): ResourceDefinition<DaemonSet> {
  const registry = deps.registries.daemonSets;
  const def: ResourceDefinition<DaemonSet> = {
    groupVersion: APPS_V1,
    name: 'daemonsets',
    singularName: 'daemonset',
    kind: 'DaemonSet',
    listKind: 'DaemonSetList',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['ds'],
    categories: ['all'],
    fields: metaFields,
    columns: [
      nameColumn,
      column(
        'Desired',
        'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).',
      ),
      column(
        'Current',
        'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
      ),
      column(
        'Ready',
        'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
      ),
      column('Up-to-date', 'The total number of nodes that are running updated daemon pod'),
      column(
        'Available',
        'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
      ),
      column(
        'Node Selector',
        "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
      ),
      ageColumn,
      ...templateColumns,
      column('Selector', 'A label query over pods that are managed by the daemon set.', 1),
    ],
    cells: (ds, now) => [
      ds.metadata.name,
      ds.status.desiredNumberScheduled,
      ds.status.currentNumberScheduled,
      ds.status.numberReady,
      ds.status.updatedNumberScheduled ?? 0,
      ds.status.numberAvailable ?? 0,
      nodeSelectorText(ds),
      age(ds, now),
      ...templateCells(ds.spec.template, ds.spec.selector),
    ],
    source: deps.daemonSets,
    registry,
    mergeKeys: MERGE_KEYS,
    subresources: WORKLOAD_SUBRESOURCES.filter((s) => s.name === 'status'),
    routes: (app, paths) => workloadStatusRoutes(app, def, registry, paths, deps.clock),
  };
  return def;
}
