// RBAC as kube-apiserver evaluates it (plugin/pkg/auth/authorizer/rbac, pkg/registry/rbac/validation/rule.go):
// pure functions of the stored objects, the user and the request's attributes. The ClusterRoleBindings apply
// everywhere, then the RoleBindings of the request's namespace; the first rule that allows the request decides,
// and no rule denies. A binding whose role is missing grants nothing and is named in a denial's reason.
import type {
  ClusterRoleBinding,
  PolicyRule,
  RbacObjects,
  RoleBinding,
  RoleRef,
  Subject,
} from '../../agent/model/rbac';
import { SERVICE_ACCOUNT_PREFIX, type UserInfo } from '../authn/user-info';
import { ruleAllows } from './policy-rules';
import type { RequestAttributes } from './request-info';

export interface Decision {
  allowed: boolean;
  /** Upstream's reason: `RBAC: allowed by ...` when allowed, the rules that could not be resolved when not. */
  reason: string;
}

/** Whether a binding's subject is this user (a ServiceAccount without a namespace: the binding's). */
export function subjectMatches(user: UserInfo, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.username === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns !== '' && user.username === `${SERVICE_ACCOUNT_PREFIX}${ns}:${s.name}`;
    }
    default:
      return false;
  }
}

/** Upstream's describeSubject: `User "u"`, `ServiceAccount "name/namespace"`. */
function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount')
    return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

const describeBinding = (b: RoleBinding | ClusterRoleBinding, s: Subject): string => {
  const ns = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
  const name = b.kind === 'RoleBinding' ? `${b.metadata.name}/${ns}` : b.metadata.name;
  return `${b.kind} ${JSON.stringify(name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(s, ns)}`;
};

/** The rules a role reference grants, or why there are none (upstream's lister wording: singular resource). */
export function roleRefRules(
  rbac: RbacObjects,
  ref: RoleRef,
  bindingNamespace: string,
): { rules: readonly PolicyRule[] } | { error: string } {
  if (ref.kind === 'ClusterRole') {
    const role = rbac.clusterRole(ref.name);
    return role
      ? { rules: role.rules ?? [] }
      : { error: `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
  }
  if (ref.kind === 'Role') {
    const role = rbac.role(bindingNamespace, ref.name);
    return role
      ? { rules: role.rules ?? [] }
      : { error: `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
  }
  return {
    error: `unsupported role reference kind: ${JSON.stringify(String((ref as { kind: unknown }).kind))}`,
  };
}

/**
 * Calls `visit` with every rule granted to `user` in `namespace` ('' for cluster scope: ClusterRoleBindings
 * only) and where it comes from, until `visit` returns false; `fail` hears each role that could not be found.
 */
export function visitRulesFor(
  rbac: RbacObjects,
  user: UserInfo,
  namespace: string,
  visit: (rule: PolicyRule, source: string) => boolean,
  fail: (error: string) => void = () => undefined,
): void {
  const bindings: [RoleBinding | ClusterRoleBinding, string][] = [
    ...rbac.clusterRoleBindings().map((b): [ClusterRoleBinding, string] => [b, '']),
    ...(namespace ? rbac.roleBindings(namespace).map((b): [RoleBinding, string] => [b, namespace]) : []),
  ];
  for (const [binding, ns] of bindings) {
    const subject = (binding.subjects ?? []).find((s) => subjectMatches(user, s, ns));
    if (!subject) continue;
    const granted = roleRefRules(rbac, binding.roleRef, ns);
    if ('error' in granted) {
      fail(granted.error);
      continue;
    }
    for (const rule of granted.rules) if (!visit(rule, describeBinding(binding, subject))) return;
  }
}

/** Go's utilerrors aggregate: one error as itself, more in brackets. */
export const aggregate = (errors: readonly string[]): string =>
  errors.length === 1 ? (errors[0] ?? '') : `[${errors.join(', ')}]`;

export function rbacAuthorize(rbac: RbacObjects, user: UserInfo, a: RequestAttributes): Decision {
  let reason = '';
  const errors: string[] = [];
  visitRulesFor(
    rbac,
    user,
    a.namespace,
    (rule, source) => {
      if (!ruleAllows(a, rule)) return true;
      reason = `RBAC: allowed by ${source}`;
      return false;
    },
    (e) => errors.push(e),
  );
  if (reason) return { allowed: true, reason };
  return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : '' };
}

/** Every rule that applies to `user` in `namespace`, and the roles that could not be resolved. */
export function rbacRulesFor(
  rbac: RbacObjects,
  user: UserInfo,
  namespace: string,
): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  visitRulesFor(
    rbac,
    user,
    namespace,
    (rule) => {
      rules.push(rule);
      return true;
    },
    (e) => errors.push(e),
  );
  return { rules, errors };
}
