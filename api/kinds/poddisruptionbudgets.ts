// PodDisruptionBudgets (policy/v1): written through the PdbRegistry, their status kept by the disruption
// controller (agent/disruption/) and the eviction subresource; `kubectl get pdb` columns as upstream's printer
// (printPodDisruptionBudget); the status subresource.
import { POLICY_V1 } from '../../agent/model/group-version';
import type { PodDisruptionBudget } from '../../agent/model/pdb';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, age, ageColumn, metaFields, nameColumn } from '../resources';
import { workloadStatusRoutes } from '../routes/workload-subresources';
import { column } from '../table';

/** An IntOrString as upstream's String(): the count or the percentage; N/A when unset. */
const bound = (v: number | string | undefined): string => (v === undefined ? 'N/A' : String(v));

export function pdbResource(deps: ApiDeps): ResourceDefinition<PodDisruptionBudget> {
  const { registry } = deps.disruption;
  const def: ResourceDefinition<PodDisruptionBudget> = {
    groupVersion: POLICY_V1,
    name: 'poddisruptionbudgets',
    singularName: 'poddisruptionbudget',
    kind: 'PodDisruptionBudget',
    listKind: 'PodDisruptionBudgetList',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['pdb'],
    fields: metaFields,
    columns: [
      nameColumn,
      column('Min Available', 'The minimum number of pods that must be available.'),
      column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
      {
        ...column('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.'),
        type: 'integer',
      },
      ageColumn,
    ],
    cells: (pdb, now) => [
      pdb.metadata.name,
      bound(pdb.spec.minAvailable),
      bound(pdb.spec.maxUnavailable),
      pdb.status.disruptionsAllowed,
      age(pdb, now),
    ],
    source: deps.disruption.pdbs,
    registry,
    subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
    logCreated: (p) => ['poddisruptionbudget created', { pdb: `${p.metadata.namespace}/${p.metadata.name}` }],
    routes: (app, paths) => workloadStatusRoutes(app, def, registry, paths, deps.clock),
  };
  return def;
}
