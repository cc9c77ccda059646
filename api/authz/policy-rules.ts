// PolicyRules as upstream's RBAC reads them: whether a rule allows a request (plugin/pkg/auth/authorizer/rbac,
// RuleAllows), whether a set of rules covers another (pkg/apis/rbac/validation, Covers: what escalation
// prevention asks), and a rule written as upstream prints it in its errors (CompactString).
import type { PolicyRule } from '../../agent/model/rbac';
import type { RequestAttributes } from './request-info';

const ALL = '*';
const has = (set: readonly string[] | undefined, item: string): boolean => (set ?? []).includes(item);
const hasAll = (set: readonly string[] | undefined, items: readonly string[] | undefined): boolean =>
  (items ?? []).every((i) => has(set, i));

const verbMatches = (rule: PolicyRule, verb: string): boolean =>
  has(rule.verbs, ALL) || has(rule.verbs, verb);
const groupMatches = (rule: PolicyRule, group: string): boolean =>
  has(rule.apiGroups, ALL) || has(rule.apiGroups, group);

/** `*`, the exact `resource/subresource`, or `*\/subresource` for a subresource request. */
function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some(
    (r) => r === ALL || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

const resourceNameMatches = (rule: PolicyRule, name: string): boolean =>
  !rule.resourceNames?.length || has(rule.resourceNames, name);

/** An exact URL, `*`, or a prefix ending in `*` (`/healthz/*`). */
const urlCovers = (ruleUrl: string, path: string): boolean =>
  ruleUrl === ALL ||
  ruleUrl === path ||
  (ruleUrl.endsWith('*') && path.startsWith(ruleUrl.replace(/\*+$/, '')));

export function ruleAllows(a: RequestAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.isResourceRequest) return (rule.nonResourceURLs ?? []).some((u) => urlCovers(u, a.path));
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return (
    groupMatches(rule, a.apiGroup) &&
    resourceMatches(rule, combined, a.subresource) &&
    resourceNameMatches(rule, a.name)
  );
}

/** One rule per group x resource x verb (x name), and per URL x verb: what Covers checks one by one. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? [])
    for (const resource of rule.resources ?? [])
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        for (const name of names)
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
      }
  for (const url of rule.nonResourceURLs ?? [])
    for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function resourcesCover(
  owner: readonly string[] | undefined,
  wanted: readonly string[] | undefined,
): boolean {
  if (has(owner, ALL) || hasAll(owner, wanted)) return true;
  return (wanted ?? []).every((r) => {
    if (has(owner, r)) return true;
    const slash = r.indexOf('/');
    return slash >= 0 && has(owner, `*/${r.slice(slash + 1)}`);
  });
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const names =
    !owner.resourceNames?.length ||
    (!!sub.resourceNames?.length && hasAll(owner.resourceNames, sub.resourceNames));
  return (
    (has(owner.verbs, ALL) || hasAll(owner.verbs, sub.verbs)) &&
    (has(owner.apiGroups, ALL) || hasAll(owner.apiGroups, sub.apiGroups)) &&
    resourcesCover(owner.resources, sub.resources) &&
    (sub.nonResourceURLs ?? []).every((u) =>
      (owner.nonResourceURLs ?? []).some((o) => nonResourceUrlCovers(o, u)),
    ) &&
    names
  );
}
/** Covers' own URL test: `*` is only a prefix wildcard here, which `*` alone also is. */
const nonResourceUrlCovers = (owner: string, sub: string): boolean =>
  owner === sub || (owner.endsWith('*') && sub.startsWith(owner.replace(/\*+$/, '')));

/** The pieces of `wanted` that no rule of `owner` covers (none: the owner holds every permission asked). */
export function uncovered(owner: readonly PolicyRule[], wanted: readonly PolicyRule[]): PolicyRule[] {
  return wanted.flatMap(breakdownRule).filter((sub) => !owner.some((o) => ruleCovers(o, sub)));
}

/** Upstream's CompactRules: single-group, single-resource rules without names merged into one per resource. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const merged = new Map<string, PolicyRule>();
  for (const r of rules) {
    const simple =
      r.apiGroups?.length === 1 &&
      r.resources?.length === 1 &&
      !r.resourceNames?.length &&
      !r.nonResourceURLs?.length;
    if (!simple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups, r.resources]);
    const seen = merged.get(key);
    if (seen) {
      for (const v of r.verbs) if (!seen.verbs.includes(v)) seen.verbs.push(v);
    } else {
      const copy = { ...r, verbs: [...r.verbs] };
      merged.set(key, copy);
      out.push(copy);
    }
  }
  return out;
}

/** Go's %q of a []string: `["" "pods"]`. */
const goQuoted = (items: readonly string[]): string => `[${items.map((i) => JSON.stringify(i)).join(' ')}]`;

/** A rule as upstream's CompactString prints it: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoted(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoted(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoted(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoted(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuoted(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

export { goQuoted };
