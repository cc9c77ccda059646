// rbac.authorization.k8s.io/v1 defaults and validation as upstream's (pkg/apis/rbac/v1/defaults.go,
// pkg/apis/rbac/validation/validation.go), with its wording.
import { type FieldError, fieldError } from './field-errors';
import { validateMetadataMaps, validateObjectName } from './meta-validation';
import { dns1123SubdomainProblems } from './names';
import {
  type ClusterRole,
  type ClusterRoleBinding,
  type PolicyRule,
  RBAC_GROUP,
  type Role,
  type RoleBinding,
  type RoleRef,
  type Subject,
} from './rbac';
import { validateLabelSelector } from './selector-validation';

type Binding = RoleBinding | ClusterRoleBinding;

const supported = (values: string[]): string => `supported values: ${values.map((v) => `"${v}"`).join(', ')}`;

/** ValidateRBACName (path.IsValidPathSegmentName): names end up in URL paths. */
export function rbacNameProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

/** SetDefaults_RoleBinding / _ClusterRoleBinding / _Subject: the groups left out. */
export function applyBindingDefaults(b: Binding): void {
  if (!b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of b.subjects ?? [])
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
}

/** Go's %#v of a []string, as field errors print a value of a type they have no case for. */
const goStrings = (v: string[]): string => `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}`;

/** ValidatePolicyRule: verbs always; a resource rule its groups and resources; URLs only on ClusterRoles. */
export function validatePolicyRule(
  rule: PolicyRule,
  namespaced: boolean,
  path: string,
  out: FieldError[],
): void {
  const len = (v: string[] | undefined): number => v?.length ?? 0;
  if (!len(rule.verbs))
    out.push(fieldError('Required', `${path}.verbs`, undefined, 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length) {
    // the value is printed as Go prints a []string (the type's own rendering), so it goes in the detail
    const invalid = (why: string): FieldError =>
      fieldError('Invalid', `${path}.nonResourceURLs`, undefined, `${goStrings(urls)}: ${why}`);
    if (namespaced) out.push(invalid('namespaced rules cannot apply to non-resource URLs'));
    if (len(rule.apiGroups) || len(rule.resources) || len(rule.resourceNames))
      out.push(invalid('rules cannot apply to both regular resources and non-resource URLs'));
    return;
  }
  if (!len(rule.apiGroups))
    out.push(
      fieldError(
        'Required',
        `${path}.apiGroups`,
        undefined,
        'resource rules must supply at least one api group',
      ),
    );
  if (!len(rule.resources))
    out.push(
      fieldError(
        'Required',
        `${path}.resources`,
        undefined,
        'resource rules must supply at least one resource',
      ),
    );
}

function validateMeta(meta: Role['metadata'], out: FieldError[]): void {
  validateObjectName(meta.name, 'metadata.name', rbacNameProblems, out);
  validateMetadataMaps(meta, out);
}

export function validateRole(role: Role): FieldError[] {
  const out: FieldError[] = [];
  validateMeta(role.metadata, out);
  (role.rules ?? []).forEach((r, i) => validatePolicyRule(r, true, `rules[${i}]`, out));
  return out;
}

export function validateClusterRole(role: ClusterRole): FieldError[] {
  const out: FieldError[] = [];
  validateMeta(role.metadata, out);
  (role.rules ?? []).forEach((r, i) => validatePolicyRule(r, false, `rules[${i}]`, out));
  const agg = role.aggregationRule;
  if (agg) {
    const selectors = agg.clusterRoleSelectors ?? [];
    if (!selectors.length)
      out.push(
        fieldError(
          'Required',
          'aggregationRule.clusterRoleSelectors',
          undefined,
          'at least one clusterRoleSelector required if aggregationRule is non-nil',
        ),
      );
    selectors.forEach((s, i) => validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`, out));
  }
  return out;
}

/** ValidateRoleBindingSubject: a ServiceAccount names a valid account (and a namespace outside a namespace). */
function validateSubject(s: Subject, namespaced: boolean, path: string, out: FieldError[]): void {
  const name = s.name ?? '';
  if (!name) out.push(fieldError('Required', `${path}.name`));
  const group = s.apiGroup ?? '';
  switch (s.kind) {
    case 'ServiceAccount':
      if (name)
        for (const p of dns1123SubdomainProblems(name))
          out.push(fieldError('Invalid', `${path}.name`, name, p));
      if (group) out.push(fieldError('NotSupported', `${path}.apiGroup`, group, supported([''])));
      if (!namespaced && !s.namespace) out.push(fieldError('Required', `${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (group !== RBAC_GROUP)
        out.push(fieldError('NotSupported', `${path}.apiGroup`, group, supported([RBAC_GROUP])));
      break;
    default:
      out.push(
        fieldError(
          'NotSupported',
          `${path}.kind`,
          s.kind ?? '',
          supported(['ServiceAccount', 'User', 'Group']),
        ),
      );
  }
}

/** ValidateRoleBinding / ValidateClusterRoleBinding: the roleRef, then each subject. */
export function validateBinding(b: Binding): FieldError[] {
  const out: FieldError[] = [];
  const namespaced = b.kind === 'RoleBinding';
  validateMeta(b.metadata, out);
  const ref = b.roleRef;
  if (ref.apiGroup !== RBAC_GROUP)
    out.push(fieldError('NotSupported', 'roleRef.apiGroup', ref.apiGroup ?? '', supported([RBAC_GROUP])));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind))
    out.push(fieldError('NotSupported', 'roleRef.kind', ref.kind ?? '', supported(kinds)));
  if (!ref.name) out.push(fieldError('Required', 'roleRef.name'));
  else
    for (const p of rbacNameProblems(ref.name)) out.push(fieldError('Invalid', 'roleRef.name', ref.name, p));
  (b.subjects ?? []).forEach((s, i) => validateSubject(s, namespaced, `subjects[${i}]`, out));
  return out;
}

/** ValidateRoleBindingUpdate's own check: the role a binding grants never changes. */
export function validateRoleRefUpdate(next: RoleRef, old: RoleRef): FieldError[] {
  if (next.apiGroup === old.apiGroup && next.kind === old.kind && next.name === old.name) return [];
  // upstream prints the internal struct with %#v
  const shown = `rbac.RoleRef{APIGroup:${JSON.stringify(next.apiGroup)}, Kind:${JSON.stringify(next.kind)}, Name:${JSON.stringify(next.name)}}`;
  return [fieldError('Invalid', 'roleRef', undefined, `${shown}: cannot change roleRef`)];
}
