// Image pull secrets -> the credentials for one image's registry, as the kubelet's credential keyring
// matches them: the registry host of the image (docker.io when it names none) against the hosts of each
// secret's `.dockerconfigjson` (`auths`) or legacy `.dockercfg`; the first secret that has the host wins.
import { type Secret, SECRET_TYPES, secretValue } from '../model/config-objects';
import type { RegistryAuth } from '../runtime/runtime';

const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/** The registry host:port an image reference names (reference.ParseNormalizedNamed's domain). */
export function registryHost(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost'
    ? first.toLowerCase()
    : DOCKER_HUB;
}

/** A config key (`https://index.docker.io/v1/`, `registry:5000`) as a host:port. */
function keyHost(key: string): string {
  const host =
    key
      .replace(/^[a-z]+:\/\//i, '')
      .split('/')[0]
      ?.toLowerCase() ?? '';
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

interface Entry {
  username?: string;
  password?: string;
  auth?: string;
}

function entries(secret: Secret): Record<string, Entry> {
  const key = secret.type === SECRET_TYPES.dockercfg ? '.dockercfg' : '.dockerconfigjson';
  if (secret.type !== SECRET_TYPES.dockercfg && secret.type !== SECRET_TYPES.dockerConfigJson) return {};
  try {
    const parsed = JSON.parse(secretValue(secret, key)?.toString('utf8') ?? '{}') as Record<string, unknown>;
    const map = key === '.dockercfg' ? parsed : parsed['auths'];
    return typeof map === 'object' && map !== null ? (map as Record<string, Entry>) : {};
  } catch {
    return {}; // validation refuses such a Secret; one stored before is simply of no use
  }
}

function toAuth(e: Entry, serveraddress: string): RegistryAuth | undefined {
  let { username = '', password = '' } = e;
  if (e.auth && !username) {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  return username ? { username, password, serveraddress } : undefined;
}

export function credentialsFor(image: string, secrets: readonly Secret[]): RegistryAuth | undefined {
  const host = registryHost(image);
  for (const secret of secrets) {
    for (const [key, entry] of Object.entries(entries(secret))) {
      if (keyHost(key) !== host) continue;
      const auth = toAuth(entry, key);
      if (auth) return auth;
    }
  }
  return undefined;
}
