// The API's authorizer, as kube-apiserver's union of authorizers: the privileged group system:masters first
// (the admin token's holder), then RBAC over the stored objects. A request without credentials while the API
// asks for none (--auth=none, or loopback with --auth=auto) is allowed everything, as before RBAC (SECURITY.md).
import type { PolicyRule, RbacObjects } from '../../agent/model/rbac';
import type { UserInfo } from '../authn/user-info';
import { type Decision, aggregate, rbacAuthorize, rbacRulesFor } from './rbac-authorizer';
import type { RequestAttributes } from './request-info';

export const MASTERS_GROUP = 'system:masters';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
export const AUTHENTICATED_GROUP = 'system:authenticated';

/** What a SelfSubjectRulesReview answers. */
export interface RulesReview {
  resourceRules: PolicyRule[];
  nonResourceRules: PolicyRule[];
  incomplete: boolean;
  evaluationError?: string;
}

export interface Authorizer {
  authorize(user: UserInfo, attributes: RequestAttributes): Decision;
  rulesFor(user: UserInfo, namespace: string): RulesReview;
}

const EVERYTHING: RulesReview = {
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
  incomplete: false,
};
const everything = (): RulesReview => structuredClone(EVERYTHING);

export interface AuthorizerOptions {
  /** The stored RBAC objects (rbac.authorization.k8s.io). */
  rbac: RbacObjects;
  /** The API asks no credentials: system:unauthenticated may do everything (no caller can be told apart). */
  openAccess: boolean;
}

export function apiAuthorizer(opts: AuthorizerOptions): Authorizer {
  const privileged = (user: UserInfo): string | undefined => {
    if (user.groups.includes(MASTERS_GROUP)) return '';
    if (opts.openAccess && user.groups.includes(UNAUTHENTICATED_GROUP))
      return 'minikubelet runs without authentication: every request may do everything';
    return undefined;
  };
  return {
    authorize(user, attributes) {
      const reason = privileged(user);
      if (reason !== undefined) return { allowed: true, reason };
      return rbacAuthorize(opts.rbac, user, attributes);
    },
    rulesFor(user, namespace) {
      // Everything covers whatever bindings add (upstream lists cluster-admin's `*` beside them).
      if (privileged(user) !== undefined) return everything();
      const { rules, errors } = rbacRulesFor(opts.rbac, user, namespace);
      const review: RulesReview = { resourceRules: [], nonResourceRules: [], incomplete: false };
      for (const r of rules) {
        if (r.resources?.length)
          review.resourceRules.push({
            verbs: r.verbs,
            ...(r.apiGroups?.length ? { apiGroups: r.apiGroups } : {}),
            resources: r.resources,
            ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
          });
        if (r.nonResourceURLs?.length)
          review.nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
      }
      if (errors.length) {
        review.incomplete = true;
        review.evaluationError = aggregate(errors);
      }
      return review;
    },
  };
}
