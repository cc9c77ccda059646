// Who a request is, as upstream's user.Info: set by authentication (api/auth.ts) on every request, read by the
// authorizer (api/authz/) and the self-subject reviews.
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
