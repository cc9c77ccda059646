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
  /** RFC 3339. */
  expirationTimestamp: string;
}

export interface TokenIssuer {
  issue(spec: TokenRequestSpec): IssuedToken;
}
