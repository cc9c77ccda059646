// Escalation prevention on RBAC writes (pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/
// policybased, pkg/registry/rbac/validation.ConfirmNoEscalation): a Role or ClusterRole may only grant what its
// writer already holds, unless the writer may `escalate` it; a binding may only grant its role's rules to
// others when the writer holds them, unless the writer may `bind` that role. system:masters is exempt.
// Checked on the object the write would store: a POST or PUT body, or a PATCH applied to the stored object.
import type { MiniKubeletError } from '../../agent/errors';
import { isObject } from '../../agent/model/shape';
import { type PolicyRule, RBAC_GROUP, type RbacObjects, type RoleRef } from '../../agent/model/rbac';
import type { UserInfo } from '../authn/user-info';
import type { Authorizer } from './authorizer';
import { forbiddenStatus } from './forbidden';
import { compactRules, compactString, goQuoted, uncovered } from './policy-rules';
import { roleRefRules } from './rbac-authorizer';
import type { RequestAttributes } from './request-info';

export const ROLE_RESOURCES = new Set(['roles', 'clusterroles']);
export const BINDING_RESOURCES = new Set(['rolebindings', 'clusterrolebindings']);
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** Whether a request writes an RBAC object whose content this module must check. */
export const isRbacWrite = (a: RequestAttributes): boolean =>
  a.isResourceRequest &&
  a.apiGroup === RBAC_GROUP &&
  a.subresource === '' &&
  ['create', 'update', 'patch'].includes(a.verb) &&
  (ROLE_RESOURCES.has(a.resource) || BINDING_RESOURCES.has(a.resource));

/** A string list of an unchecked body: a lone string counts as a list of it (the stricter reading). */
const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];

/** The rules of an unchecked body, every field read so that nothing it could grant is missed. */
export function rulesOf(obj: Record<string, unknown>): PolicyRule[] {
  const rules = Array.isArray(obj.rules) ? obj.rules : [];
  return rules.filter(isObject).map((r) => ({
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
    nonResourceURLs: strings(r.nonResourceURLs),
  }));
}

const nameOf = (obj: Record<string, unknown>, fallback: string): string =>
  isObject(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : fallback;

/** Go's %v of a []error: `[a b]`. */
const goErrors = (errors: readonly string[]): string => `[${errors.join(' ')}]`;

/** Upstream's ConfirmNoEscalation: the missing rules, or undefined when the user holds them all. */
function notHeld(
  authorizer: Authorizer,
  user: UserInfo,
  namespace: string,
  wanted: readonly PolicyRule[],
): string | undefined {
  const held = authorizer.rulesFor(user, namespace);
  const missing = uncovered([...held.resourceRules, ...held.nonResourceRules], wanted);
  if (!missing.length) return undefined;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  const errors = held.evaluationError ? `; resolution errors: ${goErrors([held.evaluationError])}` : '';
  return `user ${JSON.stringify(user.username)} (groups=${goQuoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}${errors}`;
}

export interface EscalationInput {
  authorizer: Authorizer;
  rbac: RbacObjects;
  user: UserInfo;
  /** The write's attributes (isRbacWrite). */
  request: RequestAttributes;
  /** The object the write would store. */
  object: Record<string, unknown>;
}

/** The Forbidden a write gets when it would grant more than its writer holds; undefined when it may go on. */
export function escalationError(i: EscalationInput): MiniKubeletError | undefined {
  const { authorizer, user, request: a, object } = i;
  const name = nameOf(object, a.name);
  const target = { apiGroup: RBAC_GROUP, resource: a.resource, name };
  const may = (verb: string, resource: string, objectName: string, apiGroup = RBAC_GROUP): boolean =>
    authorizer.authorize(user, {
      ...a,
      verb,
      apiGroup,
      resource,
      subresource: '',
      name: objectName,
    }).allowed;
  if (ROLE_RESOURCES.has(a.resource)) {
    // upstream asks `escalate` with the URL's name (none on a create)
    if (may('escalate', a.resource, a.name)) return undefined;
    const why = notHeld(authorizer, user, a.namespace, rulesOf(object));
    if (why) return forbiddenStatus(target, why);
    if (
      a.resource === 'clusterroles' &&
      object.aggregationRule != null &&
      notHeld(authorizer, user, '', FULL_AUTHORITY)
    )
      return forbiddenStatus(target, 'must have cluster-admin privileges to use the aggregationRule');
    return undefined;
  }
  const ref = object.roleRef;
  if (!isObject(ref)) return undefined; // no role referred to: validation refuses the body
  const roleRef: RoleRef = {
    apiGroup: typeof ref.apiGroup === 'string' ? ref.apiGroup : '',
    kind: ref.kind as RoleRef['kind'],
    name: typeof ref.name === 'string' ? ref.name : '',
  };
  const refResource =
    roleRef.kind === 'ClusterRole' ? 'clusterroles' : roleRef.kind === 'Role' ? 'roles' : '';
  if (!refResource) return undefined; // a kind that is no role: validation refuses the body
  if (may('bind', refResource, roleRef.name, roleRef.apiGroup)) return undefined;
  const granted = roleRefRules(i.rbac, roleRef, a.namespace);
  if ('error' in granted) return forbiddenStatus(target, granted.error);
  const why = notHeld(authorizer, user, a.namespace, granted.rules);
  return why ? forbiddenStatus(target, why) : undefined;
}
