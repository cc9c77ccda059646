// The port through which ServiceAccount tokens are made: the TokenRequest API (`kubectl create token`) and the
// kubelet's projected `serviceAccountToken` volumes ask it; the JWT signer in agent/auth/ implements it.

/** What a token is asked for (authentication.k8s.io/v1 TokenRequest's spec, resolved). */
export interface TokenRequestSpec {
  namespace: string;
  serviceAccountName: string;
  /** The ServiceAccount's uid, written into the token: a recreated ServiceAccount invalidates old tokens. */
  serviceAccountUid: string;
  /** Empty means the API's own audience. */
  audiences: readonly string[];
  expirationSeconds: number;
  /** The object the token dies with (upstream's boundObjectRef): a Pod or a Secret, by name and uid. */
  boundObject?: { kind: 'Pod' | 'Secret'; name: string; uid: string };
}

export interface IssuedToken {
  token: string;
  /** RFC 3339: when the token asked for expires (an extended token's exp is later: agent/auth/token-lifetime.ts). */
  expirationTimestamp: string;
  /** The seconds granted: the request's, or --service-account-max-token-expiration's when shorter. */
  expirationSeconds: number;
  /** The request's seconds when the maximum shortened them. */
  shortenedFrom?: number;
}

export interface TokenIssuer {
  issue(spec: TokenRequestSpec): IssuedToken;
}
