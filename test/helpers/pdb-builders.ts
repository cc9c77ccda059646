// A stored policy/v1 PodDisruptionBudget for the disruption planners' tables.
import {
  emptyPdbStatus,
  type PodDisruptionBudget,
  type PodDisruptionBudgetSpec,
} from '../../agent/model/pdb';
import { CREATED, iso } from './builders';

export function aPdb(
  spec: PodDisruptionBudgetSpec = { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
  status: Partial<PodDisruptionBudget['status']> = {},
  o: { name?: string; generation?: number } = {},
): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: o.name ?? 'web',
      namespace: 'default',
      uid: `uid-pdb-${o.name ?? 'web'}`,
      creationTimestamp: iso(CREATED),
      resourceVersion: '1',
      generation: o.generation ?? 1,
    },
    spec,
    status: { ...emptyPdbStatus(), ...status },
  };
}
