// The composition root: the only place that builds and wires the parts. `createAgent` is also what the
// tests use, so they run exactly this wiring with a test runtime, clock or logger.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/server';
import { ClusterCatalog } from '../dns/cluster-catalog';
import { dnsSourcePolicy } from '../dns/policy';
import { DnsServer } from '../dns/server';
import { upstreamsFromResolvConf } from '../dns/upstreams';
import { resolveHostPath } from '../agent/model/pod-policy';
import { type ApiAccess, isLoopback, prepareApiAccess } from './api-access';
import { type Clock, systemClock } from '../agent/clock';
import { type Config, loadConfig, usage } from './config';
import { errorMessage } from '../agent/errors';
import { EventRecorder } from '../agent/events/recorder';
import { apiUrl, writeKubeconfig } from './kubeconfig';
import type { Logger } from '../agent/log';
import { BUILTIN_NAMESPACES, type Namespace } from '../agent/model/namespace';
import { NamespaceController } from '../agent/namespaces/namespace-controller';
import type { Pod } from '../agent/model/pod';
import type { Endpoints, Service } from '../agent/model/service';
import { BackoffTable } from '../agent/planner/backoff';
import { DockerRuntime } from '../agent/runtime/docker-runtime';
import { parseFault, withFault } from '../agent/runtime/faulty-runtime';
import type { ContainerRuntime, NetworkInfo } from '../agent/runtime/runtime';
import { IptablesProxy } from '../agent/proxy/iptables-proxy';
import type { ServiceRule } from '../agent/proxy/service-rules';
import { EndpointsController } from '../agent/services/endpoints-controller';
import { ServiceRegistry } from '../agent/services/service-registry';
import { ensureNamespaces } from '../agent/store/namespaces';
import { ObjectStore, ResourceVersions, noPersistence } from '../agent/store/object-store';
import { SqlitePersistence } from '../agent/store/sqlite-persistence';
import { WatchHub } from '../agent/store/watch-hub';
import { Executor, fieldPath, podRef } from '../agent/sync/executor';
import { type ClusterDns, PodFiles, readHostResolvConf } from '../agent/sync/pod-files';
import { podLogs } from '../agent/sync/pod-logs';
import { PodManager } from '../agent/sync/pod-manager';
import { Prober } from '../agent/sync/prober';
import { winstonLogger } from './winston-logger';

const DOCKER_RETRY_MS = 2_000;
/** Where engine sockets live; a pod may see them only with --allow-docker-socket. */
const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock'];
const STOP_DEADLINE_MS = 1_500;

export interface AgentOptions {
  config: Config;
  runtime: ContainerRuntime;
  logger: Logger;
  clock?: Clock;
  nodeName?: string;
  /** First crash-loop / image-pull back-off step (the kubelet's 10 s unless a test shortens it). */
  backoffInitialMs?: number;
  hostResolvConf?: () => string;
  /** Serve DNS on the pod network's gateway (default); off for in-memory runtimes, whose gateway is not real. */
  podDns?: boolean;
  syncServiceRules?: (rules: ServiceRule[]) => Promise<void>;
}

export interface Agent {
  readonly config: Config;
  readonly api: FastifyInstance;
  readonly pods: ObjectStore<Pod>;
  readonly services: ObjectStore<Service>;
  readonly endpoints: ObjectStore<Endpoints>;
  readonly namespaces: ObjectStore<Namespace>;
  readonly events: EventRecorder;
  readonly watches: WatchHub;
  readonly manager: PodManager;
  readonly dns: DnsServer;
  /** The API's token and TLS material (daemon/api-access.ts), for the kubeconfig. */
  readonly access: ApiAccess;
  network(): NetworkInfo | undefined;
  /** Pod network, sync loop and controllers; call once Docker answers. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAgent(o: AgentOptions): Agent {
  const { config, runtime, logger } = o;
  const clock = o.clock ?? systemClock;
  const nodeName = o.nodeName ?? hostname();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // <data-dir>/minikubelet.db: objects, the resourceVersion counter, events (docs/storage.md)
  const persistence = new SqlitePersistence({
    dataDir: config.dataDir,
    logger: logger.child({ component: 'store' }),
  });
  const versions = new ResourceVersions(0, persistence);
  const pods = new ObjectStore<Pod>('Pod', { clock, versions, persistence });
  const services = new ObjectStore<Service>('Service', { clock, versions, persistence });
  const endpoints = new ObjectStore<Endpoints>('Endpoints', { clock, versions, persistence: noPersistence });
  const namespaces = new ObjectStore<Namespace>('Namespace', { clock, versions, persistence });
  const used = [...pods.list(), ...services.list()].map((x) => x.metadata.namespace);
  ensureNamespaces(namespaces, [...BUILTIN_NAMESPACES, ...used]);
  const registry = new ServiceRegistry(services, config.serviceCidr);
  const events = new EventRecorder({
    clock,
    logger: logger.child({ component: 'events' }),
    host: nodeName,
    nextVersion: () => versions.next(),
    sink: persistence,
  });
  // One fan-out point for every watch, so many watchers cost the sync loop one snapshot per change.
  const watches = new WatchHub({ versions, clock, logger: logger.child({ component: 'watch' }) });
  watches.track(pods);
  watches.track(services);
  watches.track(endpoints);
  watches.track(namespaces);
  events.onRecord((type, ev) => watches.publish(type, ev));
  const namespaceController = new NamespaceController({
    namespaces,
    pods,
    services,
    deleteService: (ns, name) => registry.delete(ns, name),
    clock,
    logger: logger.child({ component: 'namespaces' }),
  });
  const net: { info?: NetworkInfo } = {};
  const network = (): NetworkInfo => {
    if (!net.info) throw new Error('pod network not ready');
    return net.info;
  };
  const files = new PodFiles(config.dataDir);
  const backoff = new BackoffTable(o.backoffInitialMs);
  const pullBackoff = new BackoffTable(o.backoffInitialMs);
  const hostResolvConf = o.hostResolvConf ?? readHostResolvConf();
  const dns: ClusterDns = { nameserver: '', domain: config.clusterDomain, hostResolvConf };
  const syncLogger = logger.child({ component: 'sync' });
  const executor = new Executor({
    runtime,
    clock,
    logger: syncLogger,
    events,
    files,
    dns,
    network,
    backoff,
    pullBackoff,
  });
  const prober = new Prober({
    runtime,
    clock,
    logger: syncLogger,
    events,
    onChange: (uid) => manager.wake(uid),
  });
  const manager = new PodManager({
    runtime,
    store: pods,
    executor,
    clock,
    logger: syncLogger,
    files,
    backoff,
    pullBackoff,
    hostIP: () => net.info?.gateway ?? '',
    prober,
    events,
    resyncMs: config.resyncSeconds * 1000,
  });
  const controller = new EndpointsController({
    pods,
    services,
    endpoints,
    nodeName,
    logger: logger.child({ component: 'endpoints' }),
    ...(o.syncServiceRules ? { syncRules: o.syncServiceRules } : {}),
  });
  // Pods, loopback and this host's own addresses are answered; pods alone get forwarding (dns/policy.ts).
  const dnsSources = dnsSourcePolicy(
    config.podCidr,
    Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)),
  );
  const dnsServer = new DnsServer({
    catalog: new ClusterCatalog({ pods, services, endpoints }),
    logger,
    clock,
    zone: config.clusterDomain,
    upstreams: upstreamsFromResolvConf(hostResolvConf(), [config.dnsListen]),
    forwardTimeoutMs: 2_000, // under busybox's 2.5 s resend
    // Never an open resolver: only pods get names outside the zone forwarded.
    allowForward: (ip) => dnsSources.allowForward(ip),
    allowQuery: (ip) => dnsSources.allowQuery(ip),
    // Loopback is exempt, so a benchmark or a host resolver on 127.0.0.1 is never limited.
    rateLimit: { qpsPerSource: config.dnsQpsPerSource, exempt: (ip) => dnsSources.exempt(ip) },
    // "Why is my pod stuck?": a pod keeps asking for a Service that does not exist.
    onMissingName: (who, qname) => {
      const pod = pods.get(who.namespace, who.name);
      if (!pod) return;
      const [svc, ns] = qname.split('.');
      const actor = who.initContainer ? `init container ${who.initContainer}` : `pod ${who.name}`;
      const path = who.initContainer ? fieldPath('init', who.initContainer) : undefined;
      const message = `${actor}: lookups of ${qname} fail: no Service ${svc} in namespace ${ns}`;
      events.record(podRef(pod, path), 'Warning', 'ServiceNotFound', message);
    },
  });
  let started = false;
  // The token (when the listen address asks for one) and TLS material, made at first start and kept.
  const access = prepareApiAccess(config, logger.child({ component: 'api' }));
  const api = buildServer({
    ...(access.token ? { apiToken: access.token } : {}),
    ...(access.tls ? { tls: access.tls } : {}),
    pods,
    services,
    endpoints,
    events,
    clock,
    logger: logger.child({ component: 'api' }),
    nodeName,
    versions: () => versions.current,
    ready: async () =>
      started &&
      (await runtime.ping().then(
        () => true,
        () => false,
      )),
    podLogs: podLogs(runtime),
    podPolicy: {
      allowPrivileged: config.allowPrivileged,
      allowHostPaths: config.allowHostPaths.map(resolveHostPath),
      allowDockerSocket: config.allowDockerSocket,
      dockerSockets: DOCKER_SOCKETS.filter((s) => existsSync(s)).map(resolveHostPath),
    },
    namespaces,
    watches,
    createService: (body, ns, opts) => registry.create(body, ns, opts),
    updateService: (body, ns, name, opts) => registry.update(body, ns, name, opts),
    deleteService: (ns, name, opts) => registry.delete(ns, name, opts),
    deleteNamespace: (name, opts) => namespaceController.delete(name, opts),
  });
  return {
    config,
    api,
    pods,
    services,
    endpoints,
    namespaces,
    events,
    watches,
    manager,
    dns: dnsServer,
    access,
    network: () => net.info,
    async start() {
      net.info = await runtime.ensureNetwork(config.networkName, config.podCidr);
      files.hostDataDir = await runtime.hostPath(config.dataDir);
      // The host asks on --dns-listen; pods on a local address they reach: the gateway of their network
      // (the host), or the agent's own address there when it runs in a container (--pod-dns-address).
      dns.nameserver = config.podDnsAddress || net.info.gateway;
      await dnsServer.listen(config.dnsListen.host, config.dnsListen.port);
      if (o.podDns !== false) await dnsServer.listen(dns.nameserver, 53);
      controller.start();
      namespaceController.start();
      watches.start();
      await manager.start();
      started = true;
    },
    async stop() {
      started = false;
      manager.stop();
      prober.stop();
      controller.stop();
      namespaceController.stop();
      watches.stop();
      try {
        await Promise.all([api.close(), dnsServer.close()]);
      } finally {
        events.flush();
        persistence.close();
      }
    },
  };
}

async function waitForDocker(runtime: ContainerRuntime, logger: Logger, signal: AbortSignal): Promise<void> {
  let told = false;
  while (!signal.aborted) {
    try {
      await runtime.ping();
      return;
    } catch (err) {
      if (!told) {
        logger.error(
          'Docker engine not reachable; start it with `npm start` (or `dockerd &`), waiting for it',
          {
            dockerHost: process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock',
            error: errorMessage(err),
          },
        );
        told = true;
      }
      await new Promise((r) => setTimeout(r, DOCKER_RETRY_MS));
    }
  }
}

/** This agent's id, kept in its data dir: what it made on the engine carries it (INSTANCE_LABEL). */
function instanceId(dataDir: string): string {
  const file = join(dataDir, 'instance-id');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(6).toString('hex')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * The API on a unix socket of mode 0660 (owner and group). Made under a umask that leaves it 0600 until the
 * chmod, so it is never open wider; a stale socket of an earlier run is removed first, anything else is not.
 */
async function listenOnSocket(api: FastifyInstance, path: string): Promise<void> {
  if (existsSync(path)) {
    if (!lstatSync(path).isSocket())
      throw new Error(`--listen unix:${path}: the path exists and is not a socket; not removing it`);
    unlinkSync(path);
  }
  const umask = process.umask(0o177);
  try {
    await api.listen({ path });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o660);
}

async function run(config: Config, logger: Logger): Promise<void> {
  const docker = new DockerRuntime({
    logger: logger.child({ component: 'docker' }),
    instance: instanceId(config.dataDir),
  });
  const fault = config.fault ? parseFault(config.fault) : undefined;
  if (config.fault && !fault) throw new Error(`--fault: cannot read "${config.fault}"`);
  if (fault) logger.warn('fault injection on: this process will kill itself', { fault: config.fault });
  const runtime = fault ? withFault(docker, fault) : docker;
  const proxy =
    config.proxy === 'iptables'
      ? new IptablesProxy({ logger: logger.child({ component: 'proxy' }), serviceCidr: config.serviceCidr })
      : undefined;
  const agent = createAgent({
    config,
    runtime,
    logger,
    ...(proxy ? { syncServiceRules: (rules: readonly ServiceRule[]) => proxy.sync(rules) } : {}),
  });
  const stopping = new AbortController();
  const stop = (signal: string): void => {
    if (stopping.signal.aborted) return;
    stopping.abort();
    logger.info('stopping; pods keep running', { signal });
    setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
    void agent.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const { access } = agent;
  const kubeconfig = join(config.dataDir, 'kubeconfig');
  let url: string;
  if (config.listenSocket) {
    await listenOnSocket(agent.api, config.listenSocket);
    url = `unix:${config.listenSocket}`; // kubectl cannot use a socket: curl --unix-socket can
  } else {
    await agent.api.listen({ host: config.listen.host, port: config.listen.port });
    const bound = agent.api.server.address();
    url = apiUrl(
      config.listen.host,
      typeof bound === 'object' && bound ? bound.port : config.listen.port,
      access.tls !== undefined,
    );
    // KUBECONFIG=<data-dir>/kubeconfig kubectl get pods: with the token and the CA when there are.
    writeKubeconfig(kubeconfig, url, {
      ...(access.token ? { token: access.token } : {}),
      ...(access.tls ? { ca: access.tls.ca } : {}),
    });
    if (!access.token && !isLoopback(config.listen.host))
      logger.warn('API open to anyone who reaches it: --auth=none on a non-loopback address', {
        listen: config.listen.host,
      });
  }
  logger.info('API listening', {
    url,
    ...(config.listenSocket ? {} : { kubeconfig }),
    auth: access.token ? 'token' : 'none',
    tls: access.tls !== undefined,
    dataDir: config.dataDir,
    pods: agent.pods.list().length,
  });
  await waitForDocker(runtime, logger, stopping.signal);
  if (stopping.signal.aborted) return;
  await agent.start();
  const net = agent.network();
  logger.info('ready', {
    docker: await runtime.version(),
    network: net?.name,
    subnet: net?.subnet,
    gateway: net?.gateway,
  });
}

function main(): void {
  let config: Config;
  try {
    config = loadConfig(process.argv.slice(2), process.env, process.stdout.isTTY === true);
  } catch (err) {
    process.stderr.write(`minikubelet: ${errorMessage(err)}\n`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(usage());
    return;
  }
  const logger = winstonLogger(config.logFormat, config.logLevel);
  run(config, logger).catch((err: unknown) => {
    logger.error('start-up failed', { error: errorMessage(err) });
    process.exit(1);
  });
}

if (require.main === module) main();
