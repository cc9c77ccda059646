// The claims of ServiceAccount tokens, as upstream's pkg/serviceaccount/claims.go and legacy.go write them:
// bound tokens (TokenRequest, projected volumes) carry iss/aud/exp/iat/nbf/jti and a `kubernetes.io` claim
// naming the ServiceAccount and the object the token dies with; legacy Secret tokens carry flat claims and no
// expiry.
import type { TokenRequestSpec } from './token-issuer';

/** What upstream's legacy tokens name as issuer. */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

/** upstream's default issuer form (kubeadm's --service-account-issuer), also the API's audience. */
export const issuerFor = (clusterDomain: string): string => `https://kubernetes.default.svc.${clusterDomain}`;

interface Ref {
  name: string;
  uid: string;
}

export interface BoundClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    pod?: Ref;
    secret?: Ref;
    serviceaccount: Ref;
    /** Extended kube-api-access tokens: when the token asked for would have expired (upstream logs it stale). */
    warnafter?: number;
  };
  nbf: number;
  sub: string;
}

export const LEGACY = {
  namespace: 'kubernetes.io/serviceaccount/namespace',
  secretName: 'kubernetes.io/serviceaccount/secret.name',
  saName: 'kubernetes.io/serviceaccount/service-account.name',
  saUid: 'kubernetes.io/serviceaccount/service-account.uid',
} as const;

/** sub: the username the token authenticates as (api/authn/user-info.ts's serviceAccountUser). */
export const subjectOf = (namespace: string, name: string): string =>
  `system:serviceaccount:${namespace}:${name}`;

export function boundClaims(
  spec: TokenRequestSpec,
  at: {
    issuer: string;
    nowSeconds: number;
    jti: string;
    audiences: readonly string[];
    /** exp and warnafter from now (agent/auth/token-lifetime.ts). */
    lifetime: { signedSeconds: number; warnAfterSeconds?: number };
  },
): BoundClaims {
  const bound = spec.boundObject && { name: spec.boundObject.name, uid: spec.boundObject.uid };
  return {
    aud: [...(spec.audiences.length ? spec.audiences : at.audiences)],
    exp: at.nowSeconds + at.lifetime.signedSeconds,
    iat: at.nowSeconds,
    iss: at.issuer,
    jti: at.jti,
    'kubernetes.io': {
      namespace: spec.namespace,
      ...(bound && spec.boundObject?.kind === 'Pod' ? { pod: bound } : {}),
      ...(bound && spec.boundObject?.kind === 'Secret' ? { secret: bound } : {}),
      serviceaccount: { name: spec.serviceAccountName, uid: spec.serviceAccountUid },
      ...(at.lifetime.warnAfterSeconds !== undefined
        ? { warnafter: at.nowSeconds + at.lifetime.warnAfterSeconds }
        : {}),
    },
    nbf: at.nowSeconds,
    sub: subjectOf(spec.namespace, spec.serviceAccountName),
  };
}

export function legacyClaims(namespace: string, sa: Ref, secretName: string): Record<string, string> {
  return {
    iss: LEGACY_ISSUER,
    [LEGACY.namespace]: namespace,
    [LEGACY.secretName]: secretName,
    [LEGACY.saName]: sa.name,
    [LEGACY.saUid]: sa.uid,
    sub: subjectOf(namespace, sa.name),
  };
}
