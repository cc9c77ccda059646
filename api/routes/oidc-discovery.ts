// The ServiceAccount issuer's OIDC discovery (upstream's /.well-known/openid-configuration and
// /openid/v1/jwks), so that relying parties can verify ServiceAccount tokens. As upstream, the bootstrap
// ClusterRole system:service-account-issuer-discovery lets every ServiceAccount read them; an admin may bind
// it to system:unauthenticated for relying parties without a token (agent/rbac/bootstrap-policy.ts).
import type { FastifyInstance } from 'fastify';
import { JWKS_PATH, OIDC_CONFIG_PATH, openIdConfiguration } from '../../agent/auth/oidc';
import type { ServiceAccountTokens } from '../../agent/auth/service-account-tokens';

/** As upstream: public documents, cacheable for an hour. */
const CACHE_CONTROL = 'public, max-age=3600';

export function oidcDiscoveryRoutes(app: FastifyInstance, tokens: ServiceAccountTokens): void {
  const config = JSON.stringify(openIdConfiguration(tokens.issuer));
  app.get(OIDC_CONFIG_PATH, async (_req, reply) =>
    reply.header('cache-control', CACHE_CONTROL).type('application/json').send(config),
  );
  app.get(JWKS_PATH, async (_req, reply) =>
    reply
      .header('cache-control', CACHE_CONTROL)
      .type('application/jwk-set+json')
      .send(JSON.stringify(tokens.jwks())),
  );
}
