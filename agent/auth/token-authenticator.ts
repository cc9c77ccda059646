// Who a ServiceAccount token is (upstream's pkg/serviceaccount jwt.go + claims.go + legacy.go validators):
// the signature, the time window (a minute of leeway, as go-jose's), the audiences, and that what the token
// names still exists with the uid it was issued for: the ServiceAccount, the bound Pod or Secret; a legacy
// token's Secret must still hold that very token.
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../clock';
import { type BoundClaims, LEGACY, LEGACY_ISSUER } from './claims';
import { type JwtClaims, peekClaims, verifyJwt } from './jwt';

/** Leeway for exp/nbf/iat, as go-jose's DefaultLeeway. */
const LEEWAY_SECONDS = 60;

interface Existing {
  uid: string;
  /** deletionTimestamp (ms): a token stays valid until a minute past it, as upstream's. */
  deletedAt?: number;
}

/** Reads of the objects a token names (the stores). */
export interface TokenObjects {
  serviceAccount(namespace: string, name: string): Existing | undefined;
  pod(namespace: string, name: string): Existing | undefined;
  secret(namespace: string, name: string): (Existing & { token?: string }) | undefined;
}

/** A valid token's ServiceAccount (api/auth.ts makes the UserInfo from it). */
export interface ServiceAccountIdentity {
  namespace: string;
  name: string;
  uid: string;
  extra: Record<string, string[]>;
  /** The token's audiences that were asked for. */
  audiences: string[];
}

export type Authentication = { ok: true; identity: ServiceAccountIdentity } | { ok: false; error: string };

export interface TokenAuthenticatorDeps {
  issuer: string;
  apiAudiences: readonly string[];
  /** The public keys tokens may be signed with. */
  keys: () => readonly KeyObject[];
  objects: TokenObjects;
  clock: Clock;
}

const INVALIDATED = 'service account token has been invalidated';
const fail = (error: string): Authentication => ({ ok: false, error });
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export class ServiceAccountTokenAuthenticator {
  constructor(private readonly deps: TokenAuthenticatorDeps) {}

  /** `audiences`: what the caller accepts (a TokenReview's); the API's own when empty. */
  authenticate(token: string, audiences: readonly string[] = []): Authentication {
    // Not even shaped like a JWT: no need for the keys (which are made at first use).
    if (!peekClaims(token)) return fail('invalid bearer token');
    const claims = verifyJwt(token, this.deps.keys());
    if (!claims) return fail('invalid bearer token');
    const iss = claims['iss'];
    if (iss === LEGACY_ISSUER) return this.legacy(token, claims, audiences);
    if (iss !== this.deps.issuer) return fail('invalid bearer token');
    return this.bound(claims as unknown as BoundClaims, audiences);
  }

  private gone(e: Existing): boolean {
    return e.deletedAt !== undefined && e.deletedAt < this.deps.clock.now() - LEEWAY_SECONDS * 1000;
  }

  private audiencesOf(tokenAudiences: readonly string[], requested: readonly string[]): string[] | string {
    const wanted = requested.length ? requested : this.deps.apiAudiences;
    const auds = tokenAudiences.filter((a) => wanted.includes(a));
    return auds.length
      ? auds
      : `token audiences ${goQuote(tokenAudiences)} is invalid for the target audiences ${goQuote(wanted)}`;
  }

  private bound(c: BoundClaims, requested: readonly string[]): Authentication {
    const aud = Array.isArray(c.aud) ? c.aud.map(str) : typeof c.aud === 'string' ? [c.aud] : [];
    const auds = this.audiencesOf(aud, requested);
    if (typeof auds === 'string') return fail(auds);
    const now = this.deps.clock.now() / 1000;
    if (typeof c.exp !== 'number' || now > c.exp + LEEWAY_SECONDS)
      return fail('service account token has expired');
    if (typeof c.nbf === 'number' && now < c.nbf - LEEWAY_SECONDS)
      return fail('service account token is not valid yet');
    if (typeof c.iat === 'number' && now < c.iat - LEEWAY_SECONDS)
      return fail('service account token is not valid yet');
    const k = c['kubernetes.io'];
    const namespace = str(k?.namespace);
    const sa = k?.serviceaccount;
    if (!namespace || !sa || !str(sa.name)) return fail('invalid bearer token');
    const found = this.deps.objects.serviceAccount(namespace, sa.name);
    if (!found || this.gone(found)) return fail(INVALIDATED);
    if (found.uid !== sa.uid)
      return fail(`service account UID (${found.uid}) does not match claim (${str(sa.uid)})`);
    const extra: Record<string, string[]> = {};
    if (k.pod) {
      const pod = this.deps.objects.pod(namespace, str(k.pod.name));
      if (!pod || this.gone(pod)) return fail(INVALIDATED);
      if (pod.uid !== k.pod.uid) return fail(`pod UID (${pod.uid}) does not match claim (${str(k.pod.uid)})`);
      extra['authentication.kubernetes.io/pod-name'] = [k.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid];
    }
    if (k.secret) {
      const secret = this.deps.objects.secret(namespace, str(k.secret.name));
      if (!secret || this.gone(secret)) return fail(INVALIDATED);
      if (secret.uid !== k.secret.uid)
        return fail(`secret UID (${secret.uid}) does not match claim (${str(k.secret.uid)})`);
    }
    if (str(c.jti)) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${c.jti}`];
    return { ok: true, identity: { namespace, name: sa.name, uid: found.uid, extra, audiences: auds } };
  }

  /** Legacy tokens carry no audience: they are for the API's own (upstream's implicit audiences). */
  private legacy(token: string, c: JwtClaims, requested: readonly string[]): Authentication {
    const auds = this.audiencesOf(this.deps.apiAudiences, requested);
    if (typeof auds === 'string') return fail(auds);
    const namespace = str(c[LEGACY.namespace]);
    const name = str(c[LEGACY.saName]);
    const uid = str(c[LEGACY.saUid]);
    const secretName = str(c[LEGACY.secretName]);
    if (!namespace || !name || !secretName) return fail('invalid bearer token');
    const secret = this.deps.objects.secret(namespace, secretName);
    if (!secret || this.gone(secret)) return fail(INVALIDATED);
    if (secret.token !== token) return fail("token does not match server's copy");
    const found = this.deps.objects.serviceAccount(namespace, name);
    if (!found || this.gone(found)) return fail(INVALIDATED);
    if (found.uid !== uid) return fail(`service account UID (${found.uid}) does not match claim (${uid})`);
    return { ok: true, identity: { namespace, name, uid, extra: {}, audiences: auds } };
  }
}

/** Go's %q of a []string: ["a" "b"]. */
const goQuote = (list: readonly string[]): string => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
