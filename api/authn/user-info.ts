// Who a request is, as upstream's user.Info: set by authentication (api/auth.ts) on every request, read by the
// authorizer (api/authz/) and the self-subject reviews.
import { dns1123LabelProblems, dns1123SubdomainProblems } from '../../agent/model/names';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: readonly string[];
  extra?: Readonly<Record<string, readonly string[]>>;
}

/** The holder of the daemon's own bearer token (<data-dir>/token): in system:masters, allowed everything. */
export const ADMIN_USER: UserInfo = {
  username: 'minikubelet-admin',
  groups: ['system:masters', 'system:authenticated'],
};

/**
 * A request without credentials when the API asks for none (--auth=none, or on loopback with --auth=auto):
 * allowed everything, as before tokens for ServiceAccounts existed (SECURITY.md).
 */
export const UNAUTHENTICATED_USER: UserInfo = {
  username: 'system:anonymous',
  groups: ['system:unauthenticated'],
};

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/**
 * The namespace and name in a ServiceAccount's username (upstream's serviceaccount.SplitUsername): undefined
 * unless it is system:serviceaccount:<DNS-1123 label>:<DNS-1123 subdomain>, and then it names a user.
 */
export function splitServiceAccountUsername(
  username: string,
): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace = '', name = ''] = parts;
  if (dns1123LabelProblems(namespace).length || dns1123SubdomainProblems(name).length) return undefined;
  return { namespace, name };
}

/** The user a ServiceAccount's token authenticates as (upstream's serviceaccount.UserInfo). */
export const serviceAccountUser = (
  namespace: string,
  name: string,
  uid: string,
  extra?: Record<string, readonly string[]>,
): UserInfo => ({
  username: `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`,
  uid,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  ...(extra && { extra }),
});

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authentication before any handler runs; impersonation replaces it (api/authz/impersonation.ts). */
    user: UserInfo;
  }
}
