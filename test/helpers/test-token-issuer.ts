// A deterministic stand-in for the JWT TokenIssuer (agent/auth/), for tests: each token names what it was
// issued for and is numbered (`test-token.<ns>.<sa>.<pod>.<n>`); it expires when asked, by the given clock. It
// records every request. Once the real issuer is on main, the Harness may take it instead (see harness.ts).
import type { IssuedToken, TokenIssuer, TokenRequestSpec } from '../../agent/auth/token-issuer';
import { type Clock, systemClock } from '../../agent/clock';

export class TestTokenIssuer implements TokenIssuer {
  readonly issued: TokenRequestSpec[] = [];

  constructor(private readonly clock: Clock = systemClock) {}

  issue(spec: TokenRequestSpec): IssuedToken {
    this.issued.push(spec);
    const bound = spec.boundObject?.name ?? '-';
    return {
      token: `test-token.${spec.namespace}.${spec.serviceAccountName}.${bound}.${this.issued.length}`,
      expirationTimestamp: new Date(this.clock.now() + spec.expirationSeconds * 1000).toISOString(),
      expirationSeconds: spec.expirationSeconds,
    };
  }
}

/** A CA PEM to publish as kube-root-ca.crt when a test's API has no TLS (its content is never parsed). */
export const TEST_ROOT_CA =
  '-----BEGIN CERTIFICATE-----\nTUlOSUtVQkVMRVQgVEVTVCBDQQ==\n-----END CERTIFICATE-----\n';
