// authentication.k8s.io/v1 TokenReview: whether a token authenticates, as whom, for which audiences
// (upstream's pkg/registry/authentication/tokenreview). The admin token and ServiceAccount tokens are checked
// as a request's bearer token would be (api/auth.ts); create only, stored nowhere.
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../agent/errors';
import type { ServiceAccountTokens } from '../../agent/auth/service-account-tokens';
import { listedResource } from '../resources';
import { ADMIN_USER, type UserInfo, serviceAccountUser } from '../authn/user-info';
import { isAdminToken } from '../auth';
import type { ExtraGroup } from './discovery';
import { AUTHENTICATION_V1, stringsOrNone } from './service-account-token';

export const tokenReviewDiscovery: ExtraGroup = {
  gv: AUTHENTICATION_V1,
  defs: [listedResource(AUTHENTICATION_V1, 'tokenreviews', 'TokenReview', false, ['create'])],
};

interface TokenReviewBody {
  metadata?: Record<string, unknown>;
  spec?: { token?: string; audiences?: string[] | null };
}

type Review =
  | { authenticated: true; user: UserInfo; audiences: readonly string[] }
  | { authenticated: false; error: string };

/** The review's answer for a token; audiences: what the reviewer accepts, the API's own when none. */
export function reviewToken(
  token: string,
  audiences: readonly string[],
  admin: Buffer | undefined,
  tokens: ServiceAccountTokens,
): Review {
  if (isAdminToken(admin, token))
    return {
      authenticated: true,
      user: ADMIN_USER,
      audiences: audiences.length ? audiences : tokens.apiAudiences,
    };
  const sa = tokens.authenticate(token, audiences);
  if (!sa.ok) return { authenticated: false, error: sa.error };
  const { namespace, name, uid, extra } = sa.identity;
  const user = serviceAccountUser(namespace, name, uid, Object.keys(extra).length ? extra : undefined);
  return { authenticated: true, user, audiences: sa.identity.audiences };
}

export function tokenReviewRoutes(
  app: FastifyInstance,
  admin: Buffer | undefined,
  tokens: ServiceAccountTokens,
): void {
  app.post<{ Body: TokenReviewBody | undefined }>(
    '/apis/authentication.k8s.io/v1/tokenreviews',
    async (req, reply) => {
      const spec = req.body?.spec ?? {};
      if (typeof spec !== 'object' || (spec.token !== undefined && typeof spec.token !== 'string'))
        throw badRequest('TokenReview: spec.token must be a string');
      if (!stringsOrNone(spec.audiences))
        throw badRequest('TokenReview: spec.audiences must be a list of strings');
      if (!spec.token) throw badRequest('token is required for TokenReview in authentication');
      const review = reviewToken(spec.token, spec.audiences ?? [], admin, tokens);
      const status = review.authenticated
        ? {
            authenticated: true,
            user: { ...review.user, groups: [...review.user.groups] },
            audiences: [...review.audiences],
          }
        : { user: {}, error: review.error };
      return reply.code(201).send({
        kind: 'TokenReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { ...(req.body?.metadata ?? {}), creationTimestamp: null },
        spec: { ...spec },
        status,
      });
    },
  );
}
