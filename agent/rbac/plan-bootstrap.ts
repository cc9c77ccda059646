// kube-apiserver's reconciliation of the bootstrap roles and bindings (upstream's
// pkg/registry/rbac/reconciliation) as a pure planner: a missing one is created; one annotated
// autoupdate=false is left alone; otherwise what the default has and the stored one lacks is added (labels,
// annotations, rules, aggregation selectors, subjects), and a binding whose roleRef changed is recreated.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from '../model/rbac';
import type { LabelSelector } from '../model/workload';
import { AUTOUPDATE_ANNOTATION } from './bootstrap-policy';

export type BootstrapAction<T> =
  | { type: 'create'; object: T }
  | { type: 'update'; object: T }
  /** A binding's roleRef cannot change: deleted, then created anew. */
  | { type: 'recreate'; object: T };

const key = (v: unknown): string => JSON.stringify(v);

/** `have` followed by what of `want` it lacks. */
function union<T>(have: readonly T[] = [], want: readonly T[] = []): T[] {
  const keys = new Set(have.map(key));
  return [...have, ...want.filter((w) => !keys.has(key(w)))];
}

const mergeMaps = (
  have: Record<string, string> | undefined,
  want: Record<string, string> | undefined,
): Record<string, string> | undefined => (have || want ? { ...want, ...have } : undefined);

const autoUpdate = (o: { metadata: { annotations?: Record<string, string> } }): boolean =>
  o.metadata.annotations?.[AUTOUPDATE_ANNOTATION] !== 'false';

function reconcileMeta<T extends ClusterRole | ClusterRoleBinding>(have: T, want: T): T['metadata'] {
  const labels = mergeMaps(have.metadata.labels, want.metadata.labels);
  const annotations = mergeMaps(have.metadata.annotations, want.metadata.annotations);
  return { ...have.metadata, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
}

export function planClusterRole(
  want: ClusterRole,
  have: ClusterRole | undefined,
): BootstrapAction<ClusterRole>[] {
  if (!have) return [{ type: 'create', object: structuredClone(want) }];
  if (!autoUpdate(have)) return [];
  const next: ClusterRole = { ...have, metadata: reconcileMeta(have, want) };
  // an aggregated role's rules are the aggregation controller's: only its selectors are reconciled
  if (want.aggregationRule) {
    const selectors = union<LabelSelector>(
      have.aggregationRule?.clusterRoleSelectors,
      want.aggregationRule.clusterRoleSelectors,
    );
    next.aggregationRule = { clusterRoleSelectors: selectors };
  } else {
    const rules = union<PolicyRule>(have.rules, want.rules);
    if (rules.length) next.rules = rules;
  }
  return key(next) === key(have) ? [] : [{ type: 'update', object: next }];
}

export function planClusterRoleBinding(
  want: ClusterRoleBinding,
  have: ClusterRoleBinding | undefined,
): BootstrapAction<ClusterRoleBinding>[] {
  if (!have) return [{ type: 'create', object: structuredClone(want) }];
  if (!autoUpdate(have)) return [];
  if (key(have.roleRef) !== key(want.roleRef)) {
    const object = { ...structuredClone(want), subjects: union<Subject>(have.subjects, want.subjects) };
    return [{ type: 'recreate', object }];
  }
  const next: ClusterRoleBinding = {
    ...have,
    metadata: reconcileMeta(have, want),
    subjects: union<Subject>(have.subjects, want.subjects),
  };
  return key(next) === key(have) ? [] : [{ type: 'update', object: next }];
}
