// Flags and environment are read once, here, into a frozen Config. Nothing else reads process.env.
import { MiniKubeletError } from '../agent/errors';
import { IMAGE_PULL_DEFAULTS, type ImagePullDefault } from '../agent/images/image-pull-default';
import { parseGoDuration } from '../agent/jobs/go-duration';

export interface HostPort {
  host: string;
  port: number;
}

export type AuthMode = 'auto' | 'token' | 'none';

export interface Config {
  /** The API's TCP address; host '' when it listens on a unix socket (listenSocket). */
  listen: HostPort;
  /** `--listen unix:/path`: the API's unix socket (mode 0660); '' for TCP. */
  listenSocket: string;
  /** Bearer tokens: auto = required unless the API listens on loopback or a unix socket. */
  auth: AuthMode;
  /** HTTPS with a certificate the daemon makes under <data-dir>/pki (the kubeconfig carries its CA). */
  tls: boolean;
  dataDir: string;
  dnsListen: HostPort;
  podCidr: string;
  networkName: string;
  clusterDomain: string;
  serviceCidr: string;
  /** Where pods send DNS queries; empty: the pod network's gateway (the host). */
  podDnsAddress: string;
  /** The pods' HTTPS listener of the API on that same address (the `kubernetes` Service's endpoint); 0: none. */
  podApiPort: number;
  /** The Node's name; empty: this machine's hostname. */
  nodeName: string;
  /** Standalone mode: every Pod manifest in this directory runs as a static pod; empty: none. */
  podManifestPath: string;
  proxy: 'iptables' | 'none';
  /** On SIGTERM/SIGINT, delete every pod (grace 0) and wait until they are gone, then exit (compose down). */
  deletePodsOnExit: boolean;
  allowPrivileged: boolean;
  /** Host directories hostPath volumes may use (as given; resolved at start). */
  allowHostPaths: string[];
  allowDockerSocket: boolean;
  /** --pull-latest-always, kept as an alias of --image-pull-default=kubelet. */
  pullLatestAlways: boolean;
  /** Unset imagePullPolicy and unreachable registries: auto, kubelet or offline (agent/images/image-pull-default.ts). */
  imagePullDefault: ImagePullDefault;
  /** A pod's images pulled together when it is admitted, at most this many at once; 0: each at its turn. */
  imagePrefetch: number;
  /** At start: a new key for Secrets at rest, every Secret re-encrypted with it, the old keys dropped. */
  rotateEncryptionKey: boolean;
  /** DNS queries a second one source address may send (token bucket; 0 = no limit; loopback exempt). */
  dnsQpsPerSource: number;
  /** UDP sockets in worker threads for DNS (SO_REUSEPORT, Node >= 22.12 on Linux); 1: one in-process socket. */
  dnsWorkers: number;
  /** Test only: SIGKILL around one runtime call, e.g. `after:createContainer:app` (docs/recovery.md). */
  fault: string;
  resyncSeconds: number;
  /** Container and node usage sampling (the kubelet's housekeeping, 10 s); 0: off. */
  statsIntervalSeconds: number;
  /** How long an event is kept after it was last seen (kube-apiserver's --event-ttl), its object gone or not. */
  eventTtlMs: number;
  /** Longer TokenRequests are shortened to it (kube-apiserver's --service-account-max-token-expiration); 0: none. */
  serviceAccountMaxTokenExpirationSeconds: number;
  /** kube-api-access tokens signed for a year with a warnafter (kube-apiserver's flag of that name). */
  serviceAccountExtendTokenExpiration: boolean;
  logFormat: 'json' | 'pretty';
  logLevel: string;
  help: boolean;
}

interface FlagSpec {
  key: keyof Config;
  flag: string;
  env: string;
  default: string;
  /** What the default does, for --help, when the value alone does not say. */
  defaultMeans?: string;
  help: string;
  /** A switch: `--flag` alone means true (`--flag=false` to say no). */
  boolean?: boolean;
}

export const FLAGS: readonly FlagSpec[] = [
  {
    key: 'listen',
    flag: '--listen',
    env: 'MINIKUBELET_LISTEN',
    default: '127.0.0.1:10250',
    help: 'API address (host:port, or unix:/path for a unix socket of mode 0660)',
  },
  {
    key: 'auth',
    flag: '--auth',
    env: 'MINIKUBELET_AUTH',
    default: 'auto',
    help: 'bearer tokens: auto (required unless on loopback or a unix socket), token or none',
  },
  {
    key: 'tls',
    flag: '--tls',
    env: 'MINIKUBELET_TLS',
    default: 'false',
    boolean: true,
    help: 'serve HTTPS with a certificate made under <data-dir>/pki (needs the openssl command)',
  },
  {
    key: 'dataDir',
    flag: '--data-dir',
    env: 'MINIKUBELET_DATA_DIR',
    default: '/var/lib/minikubelet',
    help: 'where state and pod files live',
  },
  {
    key: 'dnsListen',
    flag: '--dns-listen',
    env: 'MINIKUBELET_DNS_LISTEN',
    default: '127.0.0.1:10053',
    help: 'DNS address for the host (host:port, UDP and TCP)',
  },
  {
    key: 'podCidr',
    flag: '--pod-cidr',
    env: 'MINIKUBELET_POD_CIDR',
    default: '10.244.0.0/16',
    help: 'subnet of the pod bridge network',
  },
  {
    key: 'networkName',
    flag: '--network',
    env: 'MINIKUBELET_NETWORK',
    default: 'minikubelet',
    help: 'name of the Docker bridge network for pods',
  },
  {
    key: 'clusterDomain',
    flag: '--cluster-domain',
    env: 'MINIKUBELET_CLUSTER_DOMAIN',
    default: 'cluster.local',
    help: 'DNS zone of Services and pods',
  },
  {
    key: 'serviceCidr',
    flag: '--service-cidr',
    env: 'MINIKUBELET_SERVICE_CIDR',
    default: '10.96.0.0/12',
    help: 'range ClusterIPs are allocated from',
  },
  {
    key: 'nodeName',
    flag: '--node-name',
    env: 'MINIKUBELET_NODE_NAME',
    default: '',
    defaultMeans: "this machine's hostname",
    help: 'the name this machine registers as a Node with',
  },
  {
    key: 'podManifestPath',
    flag: '--pod-manifest-path',
    env: 'MINIKUBELET_POD_MANIFEST_PATH',
    default: '',
    defaultMeans: 'none',
    help: 'a directory of Pod manifests (YAML or JSON, one Pod a file) run as static pods (docs/workloads.md)',
  },
  {
    key: 'podDnsAddress',
    flag: '--pod-dns-address',
    env: 'MINIKUBELET_POD_DNS_ADDRESS',
    default: '',
    help: 'address pods send DNS to, served on port 53 (none: the pod network gateway)',
  },
  {
    key: 'podApiPort',
    flag: '--pod-api-port',
    env: 'MINIKUBELET_POD_API_PORT',
    default: '6443',
    help: 'port of the HTTPS API for pods on the pod DNS address (the kubernetes Service endpoint; always TLS and a token); 0: none',
  },
  {
    key: 'proxy',
    flag: '--proxy',
    env: 'MINIKUBELET_PROXY',
    default: 'iptables',
    help: 'ClusterIP traffic: iptables (own chains) or none',
  },
  {
    key: 'deletePodsOnExit',
    flag: '--delete-pods-on-exit',
    env: 'MINIKUBELET_DELETE_PODS_ON_EXIT',
    default: 'false',
    boolean: true,
    help: 'on SIGTERM/SIGINT delete every pod and wait until they are gone (else pods keep running)',
  },
  {
    key: 'allowPrivileged',
    flag: '--allow-privileged',
    env: 'MINIKUBELET_ALLOW_PRIVILEGED',
    default: 'false',
    boolean: true,
    help: 'let pods run privileged, use host namespaces or add capabilities (see SECURITY.md)',
  },
  {
    key: 'allowHostPaths',
    flag: '--allow-host-path',
    env: 'MINIKUBELET_ALLOW_HOST_PATH',
    default: '',
    help: 'comma-separated host directories hostPath volumes may use',
  },
  {
    key: 'allowDockerSocket',
    flag: '--allow-docker-socket',
    env: 'MINIKUBELET_ALLOW_DOCKER_SOCKET',
    default: 'false',
    boolean: true,
    help: 'let a hostPath volume expose the Docker engine socket (root on the host)',
  },
  {
    key: 'imagePullDefault',
    flag: '--image-pull-default',
    env: 'MINIKUBELET_IMAGE_PULL_DEFAULT',
    default: 'auto',
    help: "unset imagePullPolicy: kubelet (Always for :latest or untagged), offline (IfNotPresent), or auto (kubelet's, but the local image with a Warning when the registry is unreachable)",
  },
  {
    key: 'imagePrefetch',
    flag: '--image-prefetch',
    env: 'MINIKUBELET_IMAGE_PREFETCH',
    default: '3',
    help: "pull a pod's IfNotPresent images together when it is admitted, at most N at once (0: each when its container's turn comes)",
  },
  {
    key: 'pullLatestAlways',
    flag: '--pull-latest-always',
    env: 'MINIKUBELET_PULL_LATEST_ALWAYS',
    default: 'false',
    boolean: true,
    help: 'an alias of --image-pull-default=kubelet',
  },
  {
    key: 'rotateEncryptionKey',
    flag: '--rotate-encryption-key',
    env: 'MINIKUBELET_ROTATE_ENCRYPTION_KEY',
    default: 'false',
    boolean: true,
    help: 'at start, re-encrypt every Secret with a new key and drop the old ones (SECURITY.md)',
  },
  {
    key: 'dnsQpsPerSource',
    flag: '--dns-qps-per-source',
    env: 'MINIKUBELET_DNS_QPS_PER_SOURCE',
    default: '5000',
    help: 'DNS queries per second one address may send, loopback exempt (0: no limit)',
  },
  {
    key: 'dnsWorkers',
    flag: '--dns-workers',
    env: 'MINIKUBELET_DNS_WORKERS',
    default: '1',
    help: 'DNS UDP sockets, each in a worker thread (Node >= 22.12 on Linux; otherwise one, with a log line)',
  },
  {
    key: 'fault',
    flag: '--fault',
    env: 'MINIKUBELET_FAULT',
    default: '',
    help: 'recovery tests only: kill -9 the daemon before|after a runtime call (docs/recovery.md)',
  },
  {
    key: 'resyncSeconds',
    flag: '--resync-seconds',
    env: 'MINIKUBELET_RESYNC_SECONDS',
    default: '30',
    help: 'periodic full relist, a backstop to Docker events',
  },
  {
    key: 'statsIntervalSeconds',
    flag: '--stats-interval-seconds',
    env: 'MINIKUBELET_STATS_INTERVAL_SECONDS',
    default: '10',
    help: 'container and node usage sampling for kubectl top and /metrics/resource (the kubelet housekeeping interval); 0: off',
  },
  {
    key: 'eventTtlMs',
    flag: '--event-ttl',
    env: 'MINIKUBELET_EVENT_TTL',
    default: '1h',
    help: "how long an event is kept after it was last seen, its object deleted or not (kube-apiserver's --event-ttl; a Go duration: 90s, 1h30m)",
  },
  {
    key: 'serviceAccountMaxTokenExpirationSeconds',
    flag: '--service-account-max-token-expiration',
    env: 'MINIKUBELET_SERVICE_ACCOUNT_MAX_TOKEN_EXPIRATION',
    default: '0',
    defaultMeans: 'none',
    help: "the longest a ServiceAccount token asked for may live; longer requests are shortened with a warning (a Go duration from 1h; kube-apiserver's flag)",
  },
  {
    key: 'serviceAccountExtendTokenExpiration',
    flag: '--service-account-extend-token-expiration',
    env: 'MINIKUBELET_SERVICE_ACCOUNT_EXTEND_TOKEN_EXPIRATION',
    default: 'true',
    boolean: true,
    help: "pods' kube-api-access tokens (3607 s) are signed for a year with a warnafter at 3607 s, as kube-apiserver's flag",
  },
  {
    key: 'logFormat',
    flag: '--log-format',
    env: 'MINIKUBELET_LOG_FORMAT',
    default: 'auto',
    defaultMeans: 'pretty on a TTY, else json',
    help: 'json, pretty or auto',
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    env: 'MINIKUBELET_LOG_LEVEL',
    default: 'info',
    help: 'debug, info, warn or error',
  },
];

export function usage(): string {
  const lines = FLAGS.map(
    (f) =>
      `  ${(f.boolean ? f.flag : `${f.flag}=VALUE`).padEnd(26)} ${f.help} (env ${f.env}, default ${f.default || 'none'}${f.defaultMeans ? `: ${f.defaultMeans}` : ''})`,
  );
  return ['Usage: minikubelet [flags]', '', ...lines, `  ${'--help'.padEnd(26)} print this text`, ''].join(
    '\n',
  );
}

export function parseHostPort(value: string, flag: string): HostPort {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || port > 65535) {
    throw new MiniKubeletError('BadRequest', `${flag}: expected host:port, got "${value}"`);
  }
  return { host: m[1], port };
}

export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  isTty: boolean,
): Config {
  const raw = new Map<string, string>();
  for (const f of FLAGS) raw.set(f.key, env[f.env] ?? f.default);
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2);
    const spec = FLAGS.find((f) => f.flag === name);
    if (!spec) throw new MiniKubeletError('BadRequest', `unknown flag "${arg}" (see --help)`);
    const value = inline ?? (spec.boolean ? 'true' : argv[++i]);
    if (value === undefined) throw new MiniKubeletError('BadRequest', `${spec.flag} needs a value`);
    raw.set(spec.key, value);
  }
  const get = (k: keyof Config): string => raw.get(k) ?? '';
  const statsInterval = Number(get('statsIntervalSeconds'));
  if (!(statsInterval >= 0))
    throw new MiniKubeletError('BadRequest', `--stats-interval-seconds must be 0 or a positive number`);
  const resync = Number(get('resyncSeconds'));
  if (!(resync > 0)) throw new MiniKubeletError('BadRequest', `--resync-seconds must be a positive number`);
  const eventTtl = parseGoDuration(get('eventTtlMs'));
  if (!('ms' in eventTtl) || !(eventTtl.ms > 0))
    throw new MiniKubeletError('BadRequest', `--event-ttl must be a positive duration such as 1h or 90s`);
  const maxTokenExpiration = parseGoDuration(get('serviceAccountMaxTokenExpirationSeconds'));
  const maxTokenSeconds = 'ms' in maxTokenExpiration ? maxTokenExpiration.ms / 1000 : NaN;
  if (!(maxTokenSeconds === 0 || (maxTokenSeconds >= 3600 && maxTokenSeconds <= 2 ** 32)))
    throw new MiniKubeletError(
      'BadRequest',
      'the --service-account-max-token-expiration must be between 1 hour and 2^32 seconds',
    );
  const bool = (k: keyof Config, flag: string): boolean => {
    const v = get(k);
    if (v !== 'true' && v !== 'false')
      throw new MiniKubeletError('BadRequest', `${flag} must be true or false, got "${v}"`);
    return v === 'true';
  };
  const hostPaths = get('allowHostPaths')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p);
  for (const p of hostPaths) {
    if (!p.startsWith('/'))
      throw new MiniKubeletError('BadRequest', `--allow-host-path: "${p}" is not an absolute path`);
  }
  const dnsQps = Number(get('dnsQpsPerSource'));
  if (!Number.isInteger(dnsQps) || dnsQps < 0)
    throw new MiniKubeletError('BadRequest', `--dns-qps-per-source must be a whole number, 0 or more`);
  const dnsWorkers = Number(get('dnsWorkers'));
  if (!Number.isInteger(dnsWorkers) || dnsWorkers < 1 || dnsWorkers > 64)
    throw new MiniKubeletError('BadRequest', `--dns-workers must be a whole number from 1 to 64`);
  const imagePrefetch = Number(get('imagePrefetch'));
  if (!Number.isInteger(imagePrefetch) || imagePrefetch < 0)
    throw new MiniKubeletError('BadRequest', `--image-prefetch must be a whole number, 0 or more`);
  const pullLatestAlways = bool('pullLatestAlways', '--pull-latest-always');
  const imagePullDefault = get('imagePullDefault') as ImagePullDefault;
  if (!IMAGE_PULL_DEFAULTS.includes(imagePullDefault))
    throw new MiniKubeletError('BadRequest', `--image-pull-default must be auto, kubelet or offline`);
  const auth = get('auth');
  if (auth !== 'auto' && auth !== 'token' && auth !== 'none')
    throw new MiniKubeletError('BadRequest', `--auth must be auto, token or none`);
  const listen = get('listen');
  const socket = listen.startsWith('unix:') ? listen.slice('unix:'.length) : '';
  if (listen.startsWith('unix:') && !socket.startsWith('/'))
    throw new MiniKubeletError('BadRequest', `--listen: expected unix:/absolute/path, got "${listen}"`);
  const podApiPort = Number(get('podApiPort'));
  if (!Number.isInteger(podApiPort) || podApiPort < 0 || podApiPort > 65535)
    throw new MiniKubeletError('BadRequest', `--pod-api-port must be a port number, or 0 for none`);
  const proxy = get('proxy');
  if (proxy !== 'iptables' && proxy !== 'none')
    throw new MiniKubeletError('BadRequest', `--proxy must be iptables or none`);
  const given = get('logFormat');
  // An empty MINIKUBELET_LOG_FORMAT means the default too.
  const format = given === 'auto' || given === '' ? (isTty ? 'pretty' : 'json') : given;
  if (format !== 'json' && format !== 'pretty')
    throw new MiniKubeletError('BadRequest', `--log-format must be json, pretty or auto`);
  return Object.freeze({
    listen: socket ? { host: '', port: 0 } : parseHostPort(listen, '--listen'),
    listenSocket: socket,
    auth,
    tls: bool('tls', '--tls'),
    dataDir: get('dataDir'),
    dnsListen: parseHostPort(get('dnsListen'), '--dns-listen'),
    podCidr: get('podCidr'),
    networkName: get('networkName'),
    clusterDomain: get('clusterDomain').replace(/\.$/, '').toLowerCase(),
    serviceCidr: get('serviceCidr'),
    podDnsAddress: get('podDnsAddress'),
    podApiPort,
    nodeName: get('nodeName'),
    podManifestPath: get('podManifestPath'),
    proxy,
    deletePodsOnExit: bool('deletePodsOnExit', '--delete-pods-on-exit'),
    allowPrivileged: bool('allowPrivileged', '--allow-privileged'),
    allowHostPaths: hostPaths,
    allowDockerSocket: bool('allowDockerSocket', '--allow-docker-socket'),
    pullLatestAlways,
    imagePullDefault: pullLatestAlways ? 'kubelet' : imagePullDefault,
    imagePrefetch,
    rotateEncryptionKey: bool('rotateEncryptionKey', '--rotate-encryption-key'),
    dnsQpsPerSource: dnsQps,
    dnsWorkers,
    fault: get('fault'),
    resyncSeconds: resync,
    statsIntervalSeconds: statsInterval,
    eventTtlMs: eventTtl.ms,
    serviceAccountMaxTokenExpirationSeconds: Math.floor(maxTokenSeconds),
    serviceAccountExtendTokenExpiration: bool(
      'serviceAccountExtendTokenExpiration',
      '--service-account-extend-token-expiration',
    ),
    logFormat: format,
    logLevel: get('logLevel'),
    help,
  });
}
