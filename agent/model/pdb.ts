// policy/v1 PodDisruptionBudgets as the API stores them: a budget over the pods a selector picks, kept by
// the disruption controller (agent/disruption/) and read by the Eviction subresource.
import type { ObjectMeta } from './meta';
import type { LabelSelector } from './workload';

export const PDB_KIND = 'PodDisruptionBudget';
/** The events' source component, as upstream's controller names itself. */
export const PDB_COMPONENT = 'controllermanager';

export type UnhealthyPodEvictionPolicy = 'IfHealthyBudget' | 'AlwaysAllow';
export const UNHEALTHY_POD_EVICTION_POLICIES: readonly UnhealthyPodEvictionPolicy[] = [
  'AlwaysAllow',
  'IfHealthyBudget',
];

export interface PodDisruptionBudgetSpec {
  minAvailable?: number | string;
  /** A null selector matches no pods; an empty one every pod of the namespace. */
  selector?: LabelSelector;
  maxUnavailable?: number | string;
  unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy;
}

export interface PdbCondition {
  type: 'DisruptionAllowed';
  status: 'True' | 'False';
  reason: 'SufficientPods' | 'InsufficientPods' | 'SyncFailed';
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  /** Pods the eviction subresource let go that the controller has not yet seen terminating: name -> time. */
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: PdbCondition[];
}

export interface PodDisruptionBudget {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  metadata: ObjectMeta;
  spec: PodDisruptionBudgetSpec;
  status: PodDisruptionBudgetStatus;
}

/** The status a new budget starts with (upstream's zero values). */
export const emptyPdbStatus = (): PodDisruptionBudgetStatus => ({
  disruptionsAllowed: 0,
  currentHealthy: 0,
  desiredHealthy: 0,
  expectedPods: 0,
});
