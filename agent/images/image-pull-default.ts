// --image-pull-default: how an unset imagePullPolicy is defaulted and what a pull does when the image's
// registry cannot be reached. Pure: the table tests drive every case.
//   kubelet  the kubelet's default (Always for `:latest` or no tag, else IfNotPresent); a pull that cannot
//            reach the registry fails (ErrImagePull), as upstream.
//   offline  IfNotPresent for every unset policy (no pull when the image is local): for nodes without a
//            registry. --pull-latest-always=false before this flag existed.
//   auto     the kubelet's default; an Always pull whose registry does not answer (refused, no such host,
//            timeout) uses the local image with a Warning event instead of failing. A registry that answers
//            with an error (401, 404) is reachable: that pull fails as upstream.
export type ImagePullDefault = 'auto' | 'kubelet' | 'offline';

export const IMAGE_PULL_DEFAULTS: readonly ImagePullDefault[] = ['auto', 'kubelet', 'offline'];

/** Does the API default an unset imagePullPolicy as upstream's (Always for `:latest`)? */
export const defaultsLikeKubelet = (mode: ImagePullDefault): boolean => mode !== 'offline';

export type PullMode = 'always' | 'if-missing' | 'never';

export function pullModeOf(policy: string | undefined): PullMode {
  return policy === 'Always' ? 'always' : policy === 'Never' ? 'never' : 'if-missing';
}

/** What to do before pulling: just pull, or (auto, Always) learn first whether the registry answers. */
export type PullPlan = { pull: PullMode; checkRegistry: false } | { pull: 'always'; checkRegistry: true };

export function planPull(mode: ImagePullDefault, policy: string | undefined): PullPlan {
  const pull = pullModeOf(policy);
  return mode === 'auto' && pull === 'always'
    ? { pull, checkRegistry: true }
    : { pull, checkRegistry: false };
}

// The engine's words for a registry that never answered: no route, no name, no listener, no answer in time.
// A registry that answered (401 unauthorized, 404 manifest unknown, a TLS certificate it presented) is not
// in this list: that pull fails with the registry's answer.
const UNREACHABLE = [
  /connection refused/i,
  /no such host/i,
  /server misbehaving/i,
  /temporary failure in name resolution/i,
  /network is unreachable/i,
  /no route to host/i,
  /i\/o timeout/i,
  /context deadline exceeded/i,
  /Client\.Timeout exceeded/i,
  /TLS handshake timeout/i,
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/,
];

/** Does a pull error (the engine's message, or a probe's) say the registry could not be reached? */
export function isUnreachable(message: string): boolean {
  return UNREACHABLE.some((re) => re.test(message));
}

/** The Warning event's message when auto mode falls back to the local image. */
export function fallbackMessage(image: string, registry: string, why: string): string {
  return (
    `Registry ${registry} could not be reached (${why}); using image "${image}" already present on ` +
    `the machine instead of pulling it (imagePullPolicy Always, --image-pull-default=auto)`
  );
}
