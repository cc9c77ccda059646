// Image references as the kubelet checks them before it pulls (applyDefaultImageTag over the distribution
// reference grammar): a malformed one is InvalidImageName at once, never a pull that fails in the engine's
// HTTP client ("Request path contains unescaped characters") and backs off forever.

const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const name = `(?:${host}(?::[0-9]+)?/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${name})(?::${tag})?(?:@${digest})?$`);
const ID_ONLY = /^[a-f0-9]{64}$/;
const MAX_NAME = 255;

/** The repository part after the registry (`library/busybox`), as splitDockerDomain finds it. */
function remoteName(ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  const hasDomain =
    slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const rest = hasDomain ? ref.slice(slash + 1) : ref;
  const remote = rest.split(/[:@]/)[0] ?? rest;
  return hasDomain || remote.includes('/') ? remote : `library/${remote}`;
}

/** Why the reference cannot be parsed, in the reference library's words; undefined when it is fine. */
function referenceProblem(ref: string): string | undefined {
  if (ID_ONLY.test(ref))
    return `invalid repository name (${ref}), cannot specify 64-byte hexadecimal strings`;
  const remote = remoteName(ref);
  if (remote !== remote.toLowerCase())
    return `invalid reference format: repository name (${remote}) must be lowercase`;
  const m = REFERENCE.exec(ref);
  if (!m) return 'invalid reference format';
  if ((m[1] ?? '').length > MAX_NAME) return `repository name must not be more than ${MAX_NAME} characters`;
  return undefined;
}

/**
 * The kubelet's message for an image it will not try to pull (the container's waiting message, reason
 * InvalidImageName, and the InspectFailed event); undefined for a well-formed reference.
 */
export function invalidImageMessage(image: string): string | undefined {
  const problem = referenceProblem(image);
  if (problem === undefined) return undefined;
  return `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${problem}`;
}
