// The TokenIssuer (agent/auth/token-issuer.ts) that signs JWTs: what the TokenRequest API, the kubelet's
// projected tokens and the legacy token Secrets' controller ask for tokens.
import { randomUUID } from 'node:crypto';
import { type Clock, isoTime } from '../clock';
import { boundClaims, legacyClaims } from './claims';
import { signJwt } from './jwt';
import type { SigningKey } from './signing-key';
import { tokenLifetime } from './token-lifetime';
import type { IssuedToken, TokenIssuer, TokenRequestSpec } from './token-issuer';

export interface JwtTokenIssuerDeps {
  /** The signing key (read or made when first asked for). */
  key: () => SigningKey;
  /** iss: https://kubernetes.default.svc.<cluster-domain>. */
  issuer: string;
  /** Who a token is for when the request names no audience (upstream's --api-audiences: the issuer). */
  apiAudiences: readonly string[];
  clock: Clock;
  /** The token's jti (a random UUID unless a test fixes it). */
  newId?: () => string;
  /** --service-account-max-token-expiration (0: none) and --service-account-extend-token-expiration. */
  lifetime?: { maxExpirationSeconds: number; extendExpiration: boolean };
}

const DEFAULT_LIFETIME = { maxExpirationSeconds: 0, extendExpiration: true };

export class JwtTokenIssuer implements TokenIssuer {
  constructor(private readonly deps: JwtTokenIssuerDeps) {}

  issue(spec: TokenRequestSpec): IssuedToken {
    const nowSeconds = Math.floor(this.deps.clock.now() / 1000);
    const lifetime = tokenLifetime(
      {
        expirationSeconds: spec.expirationSeconds,
        audiences: spec.audiences,
        boundToPod: spec.boundObject?.kind === 'Pod',
      },
      { ...(this.deps.lifetime ?? DEFAULT_LIFETIME), apiAudiences: this.deps.apiAudiences },
    );
    const claims = boundClaims(spec, {
      issuer: this.deps.issuer,
      nowSeconds,
      jti: (this.deps.newId ?? randomUUID)(),
      audiences: this.deps.apiAudiences,
      lifetime,
    });
    return {
      token: signJwt({ ...claims }, this.deps.key()),
      expirationTimestamp: isoTime((nowSeconds + lifetime.expirationSeconds) * 1000),
      expirationSeconds: lifetime.expirationSeconds,
      ...(lifetime.shortenedFrom !== undefined ? { shortenedFrom: lifetime.shortenedFrom } : {}),
    };
  }

  /** A legacy token for a `kubernetes.io/service-account-token` Secret: no expiry, valid while the Secret is. */
  issueLegacy(namespace: string, serviceAccount: { name: string; uid: string }, secretName: string): string {
    return signJwt(legacyClaims(namespace, serviceAccount, secretName), this.deps.key());
  }
}
