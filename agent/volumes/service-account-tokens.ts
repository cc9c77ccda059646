// The kubelet's token manager (pkg/kubelet/token): the tokens of projected `serviceAccountToken` sources, asked
// of the TokenIssuer port bound to their pod, kept per pod, ServiceAccount, audience and lifetime, and asked
// again once tokenRefreshDue says so. Without an issuer the source cannot be set up (FailedMount, a wait).
import type { TokenIssuer } from '../auth/token-issuer';
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import type { Pod, ServiceAccountTokenProjection } from '../model/pod';
import { DEFAULT_SERVICE_ACCOUNT } from '../model/service-account';
import { MissingSource } from './volume-payload';

/** What volumePayload asks for a token source. */
export interface ProjectedTokens {
  token(pod: Pod, source: ServiceAccountTokenProjection): string;
}

const HOUR_MS = 3_600_000;
/** Upstream's maxTTL: a token is asked again after a day whatever its lifetime. */
export const MAX_TOKEN_AGE_MS = 24 * HOUR_MS;
/** Upstream's maxJitter: refreshes of many pods spread over 10 s. */
export const MAX_JITTER_MS = 10_000;

export interface HeldToken {
  issuedAtMs: number;
  expiresAtMs: number;
  /** The lifetime asked for (the issuer may give a longer one). */
  expirationSeconds: number;
}

/**
 * Pure: is the held token due for a new one? When it is older than a day, or in the last 20 % of the lifetime
 * asked for (older than 80 % of it), each brought forward by the jitter (upstream's requiresRefresh).
 */
export function tokenRefreshDue(t: HeldToken, nowMs: number, jitterMs: number): boolean {
  if (nowMs >= t.issuedAtMs + MAX_TOKEN_AGE_MS - jitterMs) return true;
  return nowMs >= t.expiresAtMs - t.expirationSeconds * 200 - jitterMs; // 20 % of the seconds, in ms
}

export interface ServiceAccountTokensDeps {
  /** None: token sources are refused (FailedMount). */
  issuer?: TokenIssuer;
  /** The ServiceAccount's uid, written into its tokens; undefined: not there. */
  serviceAccountUid: (namespace: string, name: string) => string | undefined;
  clock: Clock;
  /** 0 to MAX_JITTER_MS, random unless a test fixes it. */
  jitterMs?: () => number;
}

interface Cached extends HeldToken {
  token: string;
}

export class ServiceAccountTokens implements ProjectedTokens {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly deps: ServiceAccountTokensDeps) {}

  token(pod: Pod, source: ServiceAccountTokenProjection): string {
    const { issuer, clock } = this.deps;
    if (!issuer) throw new MissingSource('no ServiceAccount token issuer on this node');
    const namespace = pod.metadata.namespace;
    const sa = pod.spec.serviceAccountName || DEFAULT_SERVICE_ACCOUNT;
    const expirationSeconds = source.expirationSeconds ?? 3600;
    const audiences = source.audience ? [source.audience] : [];
    const key = JSON.stringify([pod.metadata.uid, namespace, sa, audiences, expirationSeconds]);
    const held = this.cache.get(key);
    const now = clock.now();
    const jitter = (this.deps.jitterMs ?? (() => Math.random() * MAX_JITTER_MS))();
    if (held && !tokenRefreshDue(held, now, jitter)) return held.token;
    try {
      const uid = this.deps.serviceAccountUid(namespace, sa);
      if (uid === undefined) throw new MissingSource(`serviceaccounts "${sa}" not found`);
      const issued = issuer.issue({
        namespace,
        serviceAccountName: sa,
        serviceAccountUid: uid,
        audiences,
        expirationSeconds,
        boundObject: { kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
      });
      const next = {
        token: issued.token,
        issuedAtMs: now,
        expiresAtMs: Date.parse(issued.expirationTimestamp),
        // as the kubelet reads the TokenRequest back: the seconds granted (a maximum may shorten them)
        expirationSeconds: issued.expirationSeconds,
      };
      this.cache.set(key, next);
      return next.token;
    } catch (err) {
      // As upstream: a refresh that fails keeps the token while it is still valid.
      if (held && now < held.expiresAtMs) return held.token;
      if (err instanceof MissingSource) throw err;
      throw new MissingSource(`failed to fetch token: ${errorMessage(err)}`);
    }
  }

  /** The pod is gone: its tokens are dropped. */
  forget(podUid: string): void {
    for (const key of this.cache.keys())
      if ((JSON.parse(key) as unknown[])[0] === podUid) this.cache.delete(key);
  }
}
