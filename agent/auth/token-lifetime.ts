// How long a bound token lives, as kube-apiserver's TokenRequest storage decides it
// (pkg/registry/core/serviceaccount/storage/token.go): a request longer than --service-account-max-token-expiration
// is shortened to it (a warning, not an error), and the kubelet's kube-api-access token (exactly 3607 s, bound to
// a pod, for the API's audiences) is signed for a year with a `warnafter` at the time asked, so a client that
// never re-reads the file keeps working (--service-account-extend-token-expiration, on by default).

/** What the admission-injected kube-api-access volume asks (upstream's WarnOnlyBoundTokenExpirationSeconds). */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 3607;
/** How long such a token really lives (upstream's ExpirationExtensionSeconds: 365 days). */
export const EXPIRATION_EXTENSION_SECONDS = 365 * 24 * 60 * 60;

export interface TokenLifetimePolicy {
  /** --service-account-max-token-expiration in seconds; 0: none (the default). */
  maxExpirationSeconds: number;
  /** --service-account-extend-token-expiration. */
  extendExpiration: boolean;
  /** The API's audiences: only a token for them is extended. */
  apiAudiences: readonly string[];
}

export interface TokenLifetime {
  /** What the TokenRequest's spec and status say: the request's, shortened to the maximum. */
  expirationSeconds: number;
  /** The request's seconds when they were shortened (upstream warns). */
  shortenedFrom?: number;
  /** The token's exp, from now. */
  signedSeconds: number;
  /** The token's kubernetes.io warnafter, from now, when extended. */
  warnAfterSeconds?: number;
}

export function tokenLifetime(
  request: { expirationSeconds: number; audiences: readonly string[]; boundToPod: boolean },
  policy: TokenLifetimePolicy,
): TokenLifetime {
  const max = policy.maxExpirationSeconds;
  const shortened = max > 0 && request.expirationSeconds > max;
  const expirationSeconds = shortened ? max : request.expirationSeconds;
  const forApi = request.audiences.every((a) => policy.apiAudiences.includes(a));
  const extended =
    policy.extendExpiration &&
    request.boundToPod &&
    expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS &&
    forApi;
  return {
    expirationSeconds,
    ...(shortened ? { shortenedFrom: request.expirationSeconds } : {}),
    signedSeconds: extended ? EXPIRATION_EXTENSION_SECONDS : expirationSeconds,
    ...(extended ? { warnAfterSeconds: expirationSeconds } : {}),
  };
}

/** upstream's warning when the maximum shortened a request. */
export const shortenedWarning = (from: number, to: number): string =>
  `requested expiration of ${from} seconds shortened to ${to} seconds`;
