// The ServiceAccount token authority wired together: the signing key kept in <data-dir>/pki, the issuer that
// signs, the authenticator that checks, and what OIDC discovery publishes. Built once in the composition
// root (daemon/create-agent.ts).
import { join } from 'node:path';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { issuerFor } from './claims';
import { JwtTokenIssuer } from './jwt-token-issuer';
import { jwks } from './oidc';
import { type SigningKey, ensureSigningKey } from './signing-key';
import {
  type Authentication,
  ServiceAccountTokenAuthenticator,
  type TokenObjects,
} from './token-authenticator';

export interface ServiceAccountTokens {
  /** iss of bound tokens, and the API's audience (upstream's --service-account-issuer, --api-audiences). */
  readonly issuer: string;
  readonly apiAudiences: readonly string[];
  authenticate(token: string, audiences?: readonly string[]): Authentication;
  /** The JSON Web Key Set (/openid/v1/jwks). */
  jwks(): object;
}

export function createServiceAccountTokens(deps: {
  dataDir: string;
  clusterDomain: string;
  objects: TokenObjects;
  clock: Clock;
  logger?: Logger;
  /** --service-account-max-token-expiration (0: none) and --service-account-extend-token-expiration. */
  lifetime?: { maxExpirationSeconds: number; extendExpiration: boolean };
}): { issuer: JwtTokenIssuer; tokens: ServiceAccountTokens } {
  // Made (or read) at first use: an RSA key takes most of a second to make, and most starts (tests) never
  // sign or check a ServiceAccount token.
  let loaded: SigningKey | undefined;
  const key = (): SigningKey => (loaded ??= ensureSigningKey(join(deps.dataDir, 'pki'), deps.logger));
  const issuer = issuerFor(deps.clusterDomain);
  const apiAudiences = [issuer];
  const authenticator = new ServiceAccountTokenAuthenticator({
    issuer,
    apiAudiences,
    keys: () => [key().publicKey],
    objects: deps.objects,
    clock: deps.clock,
  });
  return {
    issuer: new JwtTokenIssuer({
      key,
      issuer,
      apiAudiences,
      clock: deps.clock,
      ...(deps.lifetime ? { lifetime: deps.lifetime } : {}),
    }),
    tokens: {
      issuer,
      apiAudiences,
      authenticate: (token, audiences) => authenticator.authenticate(token, audiences),
      jwks: () => jwks([key()]),
    },
  };
}
