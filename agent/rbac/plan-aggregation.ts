// kube-controller-manager's clusterrole-aggregation controller as a pure planner: a ClusterRole with an
// aggregationRule gets as rules the union of the rules of the other ClusterRoles its selectors match (each
// selector in turn, the matches by name, a rule once), written only when they differ from what it has.
import { selectorMatches } from '../model/label-selector';
import type { ClusterRole, PolicyRule } from '../model/rbac';

export interface AggregatedRules {
  name: string;
  rules: PolicyRule[];
}

/** A rule with its lists normalized (absent = empty), for equality as Go's semantic DeepEqual sees it. */
const ruleKey = (r: PolicyRule): string =>
  JSON.stringify([
    r.verbs ?? [],
    r.apiGroups ?? [],
    r.resources ?? [],
    r.resourceNames ?? [],
    r.nonResourceURLs ?? [],
  ]);

export const sameRules = (a: readonly PolicyRule[] = [], b: readonly PolicyRule[] = []): boolean =>
  a.length === b.length && a.every((r, i) => ruleKey(r) === ruleKey(b[i] as PolicyRule));

/** The rules an aggregated ClusterRole should have. */
export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] {
  const byName = [...all].sort((a, b) =>
    a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0,
  );
  const seen = new Set<string>();
  const rules: PolicyRule[] = [];
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    for (const other of byName) {
      if (other.metadata.name === role.metadata.name || !selectorMatches(selector, other.metadata.labels))
        continue;
      for (const r of other.rules ?? []) {
        const key = ruleKey(r);
        if (seen.has(key)) continue;
        seen.add(key);
        rules.push(structuredClone(r));
      }
    }
  }
  return rules;
}

/** The aggregated ClusterRoles whose rules are not what their selectors gather, with the rules they should have. */
export function planAggregation(all: readonly ClusterRole[]): AggregatedRules[] {
  return all
    .filter((r) => r.aggregationRule)
    .map((r) => ({ role: r, rules: aggregatedRules(r, all) }))
    .filter(({ role, rules }) => !sameRules(role.rules, rules))
    .map(({ role, rules }) => ({ name: role.metadata.name, rules }));
}
