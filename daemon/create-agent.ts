// The wiring: the only place that builds the parts and connects them. The daemon (daemon/main.ts) runs it
// on the Docker runtime; the tests run exactly this wiring with a test runtime, clock, logger or proxy.
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, hostname, networkInterfaces, totalmem } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { type Clock, systemClock } from '../agent/clock';
import { EventRecorder } from '../agent/events/recorder';
import type { Logger } from '../agent/log';
import { NodeRegistry } from '../agent/node/node-registry';
import { PodScheduler } from '../agent/scheduler/pod-scheduler';
import { TaintEvictionController } from '../agent/tainteviction/taint-eviction-controller';
import { SchedulerController } from '../agent/scheduler/scheduler-controller';
import { configMapRegistry, secretRegistry } from '../agent/config/config-registries';
import { storeConfigSources } from '../agent/config/config-sources';
import type { ConfigMap, Secret } from '../agent/model/config-objects';
import { BUILTIN_NAMESPACES, type Namespace } from '../agent/model/namespace';
import type { ServiceAccount } from '../agent/model/service-account';
import type { RbacObjects } from '../agent/model/rbac';
import type { PersistentVolumeClaim } from '../agent/model/persistent-volume-claim';
import { ClaimController } from '../agent/storage/claim-controller';
import { ClaimRegistry } from '../agent/storage/claim-registry';
import { storeClaimVolumes } from '../agent/storage/claim-volumes';
import { LocalVolumes } from '../agent/storage/local-volumes';
import type { Pod } from '../agent/model/pod';
import { resolveHostPath } from '../agent/model/pod-policy';
import type { Endpoints, Service } from '../agent/model/service';
import { NamespaceController } from '../agent/namespaces/namespace-controller';
import { NamespaceRegistry } from '../agent/namespaces/namespace-registry';
import type { Node } from '../agent/model/node';
import type { Lease } from '../agent/model/lease';
import { HPA_KIND, type HorizontalPodAutoscaler } from '../agent/model/hpa';
import type { EndpointSlice } from '../agent/model/endpoint-slice';
import { APPS_V1, COORDINATION_V1, DISCOVERY_V1, POLICY_V1 } from '../agent/model/group-version';
import { randomSuffix } from '../agent/controllers/replicaset/replicaset-executor';
import { NodeReporter } from '../agent/node/node-reporter';
import { BackoffTable } from '../agent/planner/backoff';
import { PodRegistry } from '../agent/pods/pod-registry';
import { deleteAllPods } from '../agent/pods/delete-all';
import { DefaultServiceAccounts } from '../agent/serviceaccounts/default-service-accounts';
import { ServiceAccountRegistry } from '../agent/serviceaccounts/service-account-registry';
import type { ConfigSources } from '../agent/ports/config-sources';
import type { ServiceProxy } from '../agent/proxy/service-proxy';
import type { ContainerRuntime, NetworkInfo } from '../agent/runtime/runtime';
import { EndpointsController } from '../agent/services/endpoints-controller';
import { ServiceRegistry } from '../agent/services/service-registry';
import { serviceNotFoundReporter } from '../agent/services/service-not-found';
import { ensureNamespaces } from '../agent/store/namespaces';
import { ObjectStore, ResourceVersions, type StoredObject, noPersistence } from '../agent/store/object-store';
import { SqlitePersistence } from '../agent/store/sqlite-persistence';
import { CustomResources } from '../agent/crds/custom-resources';
import { SecretCipher } from '../agent/store/secret-cipher';
import { rotateEncryptionKey } from './rotate-key';
import { WatchHub } from '../agent/store/watch-hub';
import { Executor } from '../agent/sync/executor';
import { type ClusterDns, PodFiles, readHostResolvConf } from '../agent/sync/pod-files';
import { PodVolumes } from '../agent/sync/pod-volumes';
import { type ConfigObjects, fromConfigSources } from '../agent/volumes/config-source';
import { type Tmpfs, hostTmpfs } from '../agent/volumes/tmpfs';
import { type SubPathMounter, hostSubPathMounter } from '../agent/volumes/subpath-mounter';
import { podLogs } from '../agent/sync/pod-logs';
import { podStreams } from '../agent/sync/pod-streams';
import { PodManager } from '../agent/sync/pod-manager';
import { Prober } from '../agent/sync/prober';
import { RunningInitTracker } from '../agent/sync/running-init-tracker';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../agent/model/workload';
import type { ControllerRevision } from '../agent/model/controller-revision';
import { buildServer } from '../api/server';
import type { RequestTimeout } from '../api/deps';
import { type Batch, createBatch } from './create-batch';
import { ClusterCatalog } from '../dns/cluster-catalog';
import { AgentDns } from './agent-dns';
import { upstreamsFromResolvConf } from '../dns/upstreams';
import { instrumentRuntime } from '../agent/runtime/instrumented-runtime';
import { CgroupStats } from '../agent/stats/cgroup-stats';
import { StatsCollector } from '../agent/stats/stats-collector';
import type { ResourceUsage } from '../agent/ports/resource-usage';
import { type Autoscaling, createAutoscaling } from './create-autoscaling';
import { type Disruption, type DisruptionOptions, createDisruption } from './create-disruption';
import { PDB_KIND, type PodDisruptionBudget } from '../agent/model/pdb';
import { type Rbac, createRbac } from './create-rbac';
import { type Networking, createNetworking } from './create-networking';
import { type Priority, createPriority } from './create-priority';
import { PodStartTracker } from '../agent/sync/pod-start-tracker';
import { SERVER_VERSION } from '../api/routes/discovery';
import { createMetrics } from './metrics/metrics-registries';
import { type ApiAccess, ensureCa, ensureToken, hasOpenssl, prepareApiAccess } from './api-access';
import { PodApi } from './pod-api';
import type { ApiDeps } from '../api/deps';
import { KubernetesServiceController } from '../agent/services/kubernetes-service-controller';
import { join } from 'node:path';
import { createServiceAccountTokens } from '../agent/auth/service-account-tokens';
import { storeTokenObjects } from '../agent/auth/store-token-objects';
import { TokenSecretController } from '../agent/serviceaccounts/token-secret-controller';
import { hostReader, primaryAddress, systemInfo } from './host-reader';
import type { Config } from './config';
import { createWorkloads } from './create-workloads';
import { defaultsLikeKubelet } from '../agent/images/image-pull-default';
import { ImagePuller } from '../agent/images/image-puller';
import { ImagePrefetch } from '../agent/images/image-prefetch';
import { type RegistryProbe, RegistryReachability } from '../agent/images/registry-reachability';
import { tcpRegistryProbe } from './registry-probe';
import { createStaticPods } from './create-static-pods';
import type { TokenIssuer } from '../agent/auth/token-issuer';
import { ServiceAccountTokens } from '../agent/volumes/service-account-tokens';
import { RootCAPublisher } from '../agent/serviceaccounts/root-ca-publisher';

/** kube-apiserver's secure port: the `kubernetes` Service's targetPort even when the pods' API is off. */
const DEFAULT_POD_API_PORT = 6443;

/** Where engine sockets live; a pod may see them only with --allow-docker-socket. */
const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock'];

export interface AgentOptions {
  config: Config;
  runtime: ContainerRuntime;
  logger: Logger;
  clock?: Clock;
  nodeName?: string;
  /** First crash-loop / image-pull / failed Job pod back-off step (10 s, as upstream, unless a test shortens it). */
  backoffInitialMs?: number;
  hostResolvConf?: () => string;
  /** The Node's InternalIP, also its pods' hostIP (this machine's primary address unless a test says). */
  internalIP?: () => string;
  /** Serve DNS on the pod network's gateway (default); off for in-memory runtimes, whose gateway is not real. */
  podDns?: boolean;
  /** Serve the pods' API (--pod-api-port) on the pods' DNS address; by default where pod DNS is served. */
  podApi?: boolean;
  /** ConfigMaps and Secrets for volumes (tests); the stores' otherwise. */
  configObjects?: ConfigObjects;
  /** How Secret volumes get memory-backed (mount(8) by default). */
  tmpfs?: Tmpfs;
  /** How subPaths are pinned (bind mounts by mount(8) by default). */
  subPathMounter?: SubPathMounter;
  /** Where the ClusterIP -> endpoint table goes (the daemon's IptablesProxy); none: Services are not proxied. */
  serviceProxy?: ServiceProxy;
  /** Does an image's registry answer (--image-pull-default=auto)? A TCP connect by default. */
  registryProbe?: RegistryProbe;
  /** How long the API waits for a request to arrive (api/server.ts's REQUEST_TIMEOUT unless a test shortens it). */
  apiRequestTimeout?: RequestTimeout;
  /** What the HPA controller reads pods' usage from (the stats collector unless a test injects samples). */
  hpaUsage?: ResourceUsage;
  /** The HPA controller's period (upstream's --horizontal-pod-autoscaler-sync-period: 15 s). */
  hpaSyncPeriodMs?: number;
  /**
   * Signs ServiceAccount tokens: with one, new pods get the kube-api-access-* volume and the kubelet writes
   * projected serviceAccountToken sources; false: neither (such a source fails to mount). Default: the daemon's
   * own JWT issuer, whose tokens the API accepts.
   */
  tokenIssuer?: TokenIssuer | false;
  /** The CA PEM published as kube-root-ca.crt in every namespace: the API's TLS CA unless a test says. */
  rootCA?: () => string | undefined;
  /** The RBAC objects the API's authorizer reads (tests; to be the rbac.authorization.k8s.io stores once served). */
  rbacObjects?: RbacObjects;
}

export interface Agent {
  readonly config: Config;
  readonly api: FastifyInstance;
  readonly pods: ObjectStore<Pod>;
  readonly services: ObjectStore<Service>;
  readonly endpoints: ObjectStore<Endpoints>;
  readonly endpointSlices: ObjectStore<EndpointSlice>;
  readonly namespaces: ObjectStore<Namespace>;
  readonly serviceAccounts: ObjectStore<ServiceAccount>;
  readonly persistentVolumeClaims: ObjectStore<PersistentVolumeClaim>;
  readonly deployments: ObjectStore<Deployment>;
  readonly replicaSets: ObjectStore<ReplicaSet>;
  readonly daemonSets: ObjectStore<DaemonSet>;
  readonly statefulSets: ObjectStore<StatefulSet>;
  /** autoscaling/v2 HorizontalPodAutoscalers and their controller. */
  readonly autoscaling: Autoscaling;
  /** policy/v1 PodDisruptionBudgets, the disruption controller and the pods/eviction executor. */
  readonly disruption: Disruption;
  /** rbac.authorization.k8s.io/v1: the stores, the bootstrap policy and the ClusterRole aggregation. */
  readonly rbac: Rbac;
  /** networking.k8s.io/v1: Ingresses and IngressClasses (stored and validated; no ingress controller). */
  readonly networking: Networking;
  /** scheduling.k8s.io/v1: PriorityClasses (pods' priorities; the scheduler's order and preemption). */
  readonly priority: Priority;
  readonly controllerRevisions: ObjectStore<ControllerRevision>;
  readonly configMaps: ObjectStore<ConfigMap>;
  readonly secrets: ObjectStore<Secret>;
  /** The read port over ConfigMaps and Secrets (agent/ports/config-sources.ts). */
  readonly configSources: ConfigSources;
  /** batch/v1: Jobs, CronJobs and their controllers. */
  readonly batch: Batch;
  readonly nodes: ObjectStore<Node>;
  readonly events: EventRecorder;
  readonly watches: WatchHub;
  readonly manager: PodManager;
  /** Container and node usage (cgroup samples every 10 s); collect() takes one now. */
  readonly stats: StatsCollector;
  readonly dns: AgentDns;
  /** The API's token and TLS material (daemon/api-access.ts), for the kubeconfig. */
  readonly access: ApiAccess;
  /**
   * The PEM of the CA behind the API's certificates (<data-dir>/pki/ca.crt): what pods verify the API with
   * (the kube-root-ca.crt ConfigMaps); undefined when no certificate is made (no --tls and no pods' API).
   */
  readonly rootCa: string | undefined;
  /** The pods' HTTPS listener of the API (the `kubernetes` Service's endpoint); undefined when off. */
  readonly podApi: PodApi | undefined;
  network(): NetworkInfo | undefined;
  /** Pod network, sync loop and controllers; call once Docker answers. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Deletes every pod and waits until they and their containers are gone and the proxy knows it. */
  deleteAllPods(): Promise<number>;
}

export function createAgent(o: AgentOptions): Agent {
  const { config, logger } = o;
  // Which init container runs now, from the runtime calls (the pod status lags): for the ServiceNotFound event.
  const initTracker = new RunningInitTracker();
  const clock = o.clock ?? systemClock;
  const nodeName = o.nodeName ?? (config.nodeName || hostname().toLowerCase());
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // <data-dir>/minikubelet.db: objects, the resourceVersion counter, events (docs/storage.md)
  // Secrets are sealed at rest with the data dir's key (<data-dir>/encryption-keys.json, SECURITY.md).
  const cipher = SecretCipher.forDataDir(config.dataDir);
  const persistence = new SqlitePersistence({
    dataDir: config.dataDir,
    logger: logger.child({ component: 'store' }),
    sealed: { kinds: ['Secret'], cipher },
  });
  if (config.rotateEncryptionKey) rotateEncryptionKey(cipher, persistence, logger);
  const versions = new ResourceVersions(0, persistence);
  const pods = new ObjectStore<Pod>('Pod', { clock, versions, persistence });
  const services = new ObjectStore<Service>('Service', { clock, versions, persistence });
  const endpoints = new ObjectStore<Endpoints>('Endpoints', { clock, versions, persistence: noPersistence });
  // Recomputed at start as the Endpoints are (their random names change with a restart, as after a resync)
  const endpointSlices = new ObjectStore<EndpointSlice>(
    'EndpointSlice',
    { clock, versions, persistence: noPersistence },
    DISCOVERY_V1.group,
  );
  const namespaces = new ObjectStore<Namespace>('Namespace', { clock, versions, persistence });
  const apps = APPS_V1.group;
  const deployments = new ObjectStore<Deployment>('Deployment', { clock, versions, persistence }, apps);
  const replicaSets = new ObjectStore<ReplicaSet>('ReplicaSet', { clock, versions, persistence }, apps);
  const daemonSets = new ObjectStore<DaemonSet>('DaemonSet', { clock, versions, persistence }, apps);
  const statefulSets = new ObjectStore<StatefulSet>('StatefulSet', { clock, versions, persistence }, apps);
  const controllerRevisions = new ObjectStore<ControllerRevision>(
    'ControllerRevision',
    { clock, versions, persistence },
    apps,
  );
  // ConfigMaps and Secrets, and the read port the sync side uses (env, volumes, image pull secrets).
  const configMaps = new ObjectStore<ConfigMap>('ConfigMap', { clock, versions, persistence });
  const secrets = new ObjectStore<Secret>('Secret', { clock, versions, persistence });
  const configSources = storeConfigSources(configMaps, secrets);
  // PersistentVolumeClaims, bound to directories under <data-dir>/volumes (agent/storage/).
  const claims = new ObjectStore<PersistentVolumeClaim>('PersistentVolumeClaim', {
    clock,
    versions,
    persistence,
  });
  const localVolumes = new LocalVolumes(config.dataDir);
  const claimRegistry = new ClaimRegistry({ store: claims, clock });
  const claimVolumes = storeClaimVolumes(claims, localVolumes);
  const used = [...pods.list(), ...services.list(), ...configMaps.list(), ...secrets.list()].map(
    (x) => x.metadata.namespace,
  );
  const batch = createBatch({
    clock,
    versions,
    persistence,
    pods,
    logger,
    resyncMs: config.resyncSeconds * 1000,
    ...(o.backoffInitialMs !== undefined ? { backoffMs: o.backoffInitialMs } : {}),
  });
  const nodes = new ObjectStore<Node>('Node', { clock, versions, persistence });
  const leases = new ObjectStore<Lease>('Lease', { clock, versions, persistence }, COORDINATION_V1.group);
  const hpas = new ObjectStore<HorizontalPodAutoscaler>(
    HPA_KIND,
    { clock, versions, persistence },
    'autoscaling',
  );
  const pdbs = new ObjectStore<PodDisruptionBudget>(
    PDB_KIND,
    { clock, versions, persistence },
    POLICY_V1.group,
  );
  // Roles, ClusterRoles and bindings, the bootstrap ClusterRoles reconciled (as kube-apiserver at start)
  const rbac = createRbac({ clock, versions, persistence, logger });
  // Ingresses and IngressClasses: stored and validated, as in a cluster without an ingress controller
  const networking = createNetworking({ clock, versions, persistence });
  // PriorityClasses, the two system classes among them from the start (as kube-apiserver's post-start hook)
  const priority = createPriority({ clock, versions, persistence });
  // Prometheus (daemon/metrics/): the sync side reports through the KubeletMetrics port.
  const stats = new StatsCollector({
    pods: () => pods.list(),
    cgroups: new CgroupStats((path) => hostReader.file(path)),
    host: hostReader,
    clock,
    intervalMs: config.statsIntervalSeconds * 1000, // the kubelet's housekeeping interval: 10 s
  });
  const metrics = createMetrics({
    nodeName,
    pods: () => pods.list(),
    usage: stats,
    nowSeconds: () => clock.now() / 1000,
  });
  const runtime = instrumentRuntime(initTracker.wrap(o.runtime), metrics.kubelet);
  const starts = new PodStartTracker({ clock, metrics: metrics.kubelet });
  ensureNamespaces(namespaces, [...BUILTIN_NAMESPACES, ...used]);
  const serviceAccounts = new ObjectStore<ServiceAccount>('ServiceAccount', { clock, versions, persistence });
  // Started here, not in start(): the API may answer before the engine does, and pods need their `default`.
  const defaultServiceAccounts = new DefaultServiceAccounts({
    namespaces,
    serviceAccounts,
    logger: logger.child({ component: 'serviceaccounts' }),
  });
  defaultServiceAccounts.start();
  const registry = new ServiceRegistry(services, config.serviceCidr);
  const events = new EventRecorder({
    clock,
    logger: logger.child({ component: 'events' }),
    host: nodeName,
    nextVersion: () => versions.next(),
    sink: persistence,
    ttlMs: config.eventTtlMs,
  });
  // One fan-out point for every watch, so many watchers cost the sync loop one snapshot per change.
  const watches = new WatchHub({ versions, clock, logger: logger.child({ component: 'watch' }) });
  watches.track(pods);
  watches.track(services);
  watches.track(endpoints);
  watches.track(endpointSlices);
  watches.track(namespaces);
  watches.track(serviceAccounts);
  watches.track(claims);
  watches.track(deployments);
  watches.track(replicaSets);
  watches.track(daemonSets);
  watches.track(statefulSets);
  watches.track(controllerRevisions);
  watches.track(hpas);
  watches.track(pdbs);
  watches.track(configMaps);
  watches.track(secrets);
  batch.track(watches);
  watches.track(nodes);
  watches.track(leases);
  watches.track(rbac.roles);
  watches.track(rbac.roleBindings);
  watches.track(rbac.clusterRoles);
  watches.track(rbac.clusterRoleBindings);
  watches.track(networking.ingresses);
  watches.track(networking.ingressClasses);
  watches.track(networking.networkPolicies);
  // apiextensions.k8s.io/v1: CRDs and the stores of the objects they define (agent/crds/)
  const customResources = new CustomResources({
    clock,
    versions,
    persistence,
    watches,
    logger: logger.child({ component: 'crds' }),
  });
  watches.track(priority.priorityClasses);
  events.onRecord((type, ev) => watches.publish(type, ev));
  const namespaceController = new NamespaceController({
    namespaces,
    pods,
    services,
    deleteService: (ns, name) => registry.delete(ns, name),
    contents: [
      configMaps,
      claims,
      secrets,
      deployments,
      replicaSets,
      daemonSets,
      statefulSets,
      controllerRevisions,
      hpas,
      pdbs,
      rbac.roles,
      rbac.roleBindings,
      networking.ingresses,
      networking.networkPolicies,
    ] as unknown as ObjectStore<StoredObject>[],
    deleteContents: (ns) => {
      batch.clear(ns);
      customResources.removeNamespace(ns);
    },
    forgetEvents: (ns) => events.forgetNamespace(ns),
    clock,
    logger: logger.child({ component: 'namespaces' }),
  });
  const net: { info?: NetworkInfo } = {};
  const network = (): NetworkInfo => {
    if (!net.info) throw new Error('pod network not ready');
    return net.info;
  };
  const files = new PodFiles(config.dataDir);
  const configObjects = o.configObjects ?? fromConfigSources(configSources);
  // ServiceAccount tokens: the key in <data-dir>/pki, the issuer (TokenRequest, projected volumes), the checks.
  const saTokens = createServiceAccountTokens({
    dataDir: config.dataDir,
    clusterDomain: config.clusterDomain,
    objects: storeTokenObjects(serviceAccounts, pods, secrets),
    clock,
    logger: logger.child({ component: 'api' }),
    lifetime: {
      maxExpirationSeconds: config.serviceAccountMaxTokenExpirationSeconds,
      extendExpiration: config.serviceAccountExtendTokenExpiration,
    },
  });
  // The pods' API (daemon/pod-api.ts): the same API over HTTPS on the gateway, always asking for a token.
  const apiLogger = logger.child({ component: 'api' });
  const podApiWanted = config.podApiPort > 0 && (o.podApi ?? o.podDns !== false);
  const openssl = podApiWanted && hasOpenssl();
  if (podApiWanted && !openssl)
    apiLogger.warn('API for pods off: its certificate needs the openssl command (apt-get install openssl)');
  const rootCa = config.tls || openssl ? ensureCa(join(config.dataDir, 'pki'), apiLogger).pem : undefined;
  // The CA pods trust (kube-root-ca.crt): the API's for pods, or a test's. Without one, pods get no token volume:
  // its ca.crt could not be filled, and nothing they could reach would serve TLS.
  const podCa = o.rootCA ?? (() => rootCa);
  // The daemon's own issuer unless a test brings one (or none: false).
  const tokenIssuer = o.tokenIssuer === false ? undefined : (o.tokenIssuer ?? saTokens.issuer);
  // The kubelet's token manager: projected serviceAccountToken sources, bound to their pod.
  const tokens = new ServiceAccountTokens({
    ...(tokenIssuer ? { issuer: tokenIssuer } : {}),
    serviceAccountUid: (ns, name) => serviceAccounts.get(ns, name)?.metadata.uid,
    clock,
  });
  const volumes = new PodVolumes({
    files,
    runtime,
    config: configObjects,
    tokens,
    node: { cpuCores: availableParallelism(), memoryBytes: totalmem() },
    tmpfs: o.tmpfs ?? hostTmpfs,
    subPaths: o.subPathMounter ?? hostSubPathMounter,
    claims: claimVolumes,
    clock,
    logger: logger.child({ component: 'volumes' }),
  });
  const backoff = new BackoffTable(o.backoffInitialMs);
  const pullBackoff = new BackoffTable(o.backoffInitialMs);
  const hostResolvConf = o.hostResolvConf ?? readHostResolvConf();
  const dns: ClusterDns = { nameserver: '', domain: config.clusterDomain, hostResolvConf };
  const syncLogger = logger.child({ component: 'sync' });
  const images = new ImagePuller({
    runtime,
    mode: config.imagePullDefault,
    registries: new RegistryReachability({ probe: o.registryProbe ?? tcpRegistryProbe, clock }),
  });
  const internalIP = o.internalIP ?? primaryAddress;
  // A pod's hostIP is the Node's InternalIP, as upstream; the pod network's gateway only on a host without one.
  const hostIP = (): string => internalIP() || net.info?.gateway || '';
  const executor = new Executor({
    runtime,
    clock,
    logger: syncLogger,
    events,
    files,
    volumes,
    dns,
    network,
    hostIP,
    backoff,
    pullBackoff,
    sources: configSources,
    services,
    pulled: (uid, ms) => starts.pulled(uid, ms),
    images,
    ...(config.imagePrefetch > 0
      ? {
          prefetch: new ImagePrefetch({
            images,
            clock,
            logger: syncLogger,
            concurrency: config.imagePrefetch,
          }),
        }
      : {}),
  });
  const prober = new Prober({
    runtime,
    clock,
    logger: syncLogger,
    events,
    onChange: (uid) => manager.wake(uid),
    metrics: metrics.kubelet,
  });
  const manager = new PodManager({
    runtime,
    store: pods,
    executor,
    clock,
    logger: syncLogger,
    files,
    volumes,
    backoff,
    pullBackoff,
    hostIP,
    prober,
    events,
    resyncMs: config.resyncSeconds * 1000,
    configChanges: configSources,
    claimChanges: claimVolumes,
    metrics: metrics.kubelet,
    starts,
  });
  const controller = new EndpointsController({
    pods,
    services,
    endpoints,
    endpointSlices,
    suffix: randomSuffix,
    nodeName,
    logger: logger.child({ component: 'endpoints' }),
    ...(o.serviceProxy ? { proxy: o.serviceProxy } : {}),
    apiEndpoint: () => podApi?.endpoint(),
  });
  const dnsServer = new AgentDns({
    catalog: new ClusterCatalog({ pods, services, endpoints }),
    logger,
    clock,
    zone: config.clusterDomain,
    upstreams: upstreamsFromResolvConf(hostResolvConf(), [config.dnsListen]),
    podCidr: config.podCidr,
    ownAddresses: Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)),
    qpsPerSource: config.dnsQpsPerSource,
    workers: config.dnsWorkers,
    onMissingName: serviceNotFoundReporter({ pods, events, runningInit: initTracker.runningInit }),
    metrics: metrics.dns,
  });
  const claimController = new ClaimController({
    claims,
    registry: claimRegistry,
    pods,
    volumes: localVolumes,
    events,
    clock,
    logger: logger.child({ component: 'persistentvolume-controller' }),
    resyncMs: config.resyncSeconds * 1000,
  });
  const nodeReporter = new NodeReporter({
    store: nodes,
    leases,
    clock,
    logger: logger.child({ component: 'node' }),
    nodeName,
    host: hostReader,
    paths: {
      nodefs: config.dataDir,
      imagefs: existsSync('/var/lib/docker') ? '/var/lib/docker' : config.dataDir,
    },
    info: systemInfo(hostReader, SERVER_VERSION.gitVersion),
    runtimeVersion: () => runtime.version(),
    internalIP,
    kubeletPort: config.listen.port,
    intervalMs: 10_000, // the kubelet's nodeStatusUpdateFrequency
  });
  const policy = {
    allowPrivileged: config.allowPrivileged,
    allowHostPaths: config.allowHostPaths.map(resolveHostPath),
    allowDockerSocket: config.allowDockerSocket,
    dockerSockets: DOCKER_SOCKETS.filter((s) => existsSync(s)).map(resolveHostPath),
    pullLatestAlways: defaultsLikeKubelet(config.imagePullDefault),
  };
  // --pod-manifest-path: static pods, shown as mirror pods (daemon/create-static-pods.ts)
  const staticPods = createStaticPods({
    dir: config.podManifestPath,
    store: pods,
    nodes,
    namespaces,
    events,
    clock,
    logger,
    nodeName,
    policy,
  });
  // The scheduler for the one node: decides at create, retries waiting pods (agent/scheduler/).
  const schedulerLogger = logger.child({ component: 'scheduler' });
  const podScheduler = new PodScheduler({
    pods,
    nodes,
    nodeName,
    events,
    clock,
    logger: schedulerLogger,
    pdbs,
    // a victim of preemption goes gracefully, through the registry (declared below; called later)
    deletePod: (namespace, name) => void podRegistry.delete(namespace, name),
  });
  const scheduler = new SchedulerController({
    pods,
    nodes,
    scheduler: podScheduler,
    logger: schedulerLogger,
  });
  const podRegistry = new PodRegistry({
    store: pods,
    serviceAccounts,
    clock,
    nodeName,
    policy,
    scheduler: podScheduler,
    priorityClasses: priority.priorityClasses,
    mirrors: staticPods.controller,
    ...(tokenIssuer && podCa() ? { serviceAccountTokens: { suffix: randomSuffix } } : {}),
  });
  // apps/v1: Deployments, ReplicaSets and DaemonSets, their controllers, and the garbage collector (agent/controllers/)
  const workloads = createWorkloads({
    deployments,
    replicaSets,
    daemonSets,
    statefulSets,
    claims,
    claimRegistry,
    controllerRevisions,
    nodes,
    nodeName,
    pods,
    podRegistry,
    namespaces,
    events,
    clock,
    logger,
    resyncMs: config.resyncSeconds * 1000,
    collected: batch.collected,
  });
  const autoscaling = createAutoscaling({
    hpas,
    clock,
    pods,
    usage: o.hpaUsage ?? stats,
    events,
    logger,
    targets: {
      deployments: [deployments, workloads.deploymentRegistry],
      replicaSets: [replicaSets, workloads.replicaSetRegistry],
      statefulSets: [statefulSets, workloads.statefulSetRegistry],
    },
    ...(o.hpaSyncPeriodMs !== undefined ? { syncPeriodMs: o.hpaSyncPeriodMs } : {}),
  });
  // NoExecute taints: pods that do not tolerate them go (agent/tainteviction/).
  const taintEviction = new TaintEvictionController({
    pods,
    nodes,
    podRegistry,
    nodeName,
    events,
    clock,
    logger: logger.child({ component: 'taint-eviction' }),
  });
  const disruption = createDisruption({
    pdbs,
    pods,
    podRegistry,
    owners: [deployments, replicaSets, statefulSets] as unknown as DisruptionOptions['owners'],
    events,
    clock,
    logger,
  });
  let started = false;
  // The token (when the listen address asks for one) and TLS material, made at first start and kept.
  const access = prepareApiAccess(config, logger.child({ component: 'api' }));
  const apiDeps: ApiDeps = {
    tokenIssuer: saTokens.issuer,
    serviceAccountTokens: saTokens.tokens,
    ...(o.apiRequestTimeout ? { requestTimeout: o.apiRequestTimeout } : {}),
    pods,
    services,
    endpoints,
    endpointSlices,
    events,
    clock,
    logger: logger.child({ component: 'api' }),
    versions: () => versions.current,
    ready: async () =>
      started &&
      (await runtime.ping().then(
        () => true,
        () => false,
      )),
    podLogs: podLogs(runtime),
    podStreams: podStreams(runtime),
    namespaces,
    serviceAccounts,
    persistentVolumeClaims: claims,
    config: {
      configMaps,
      secrets,
      configMapRegistry: configMapRegistry(configMaps),
      secretRegistry: secretRegistry(secrets),
    },
    jobs: batch.jobs,
    cronJobs: batch.cronJobs,
    nodes,
    leases,
    metrics: metrics.endpoints,
    usage: stats,
    watches,
    // Each writable kind's registry: what the API's generic verbs write through.
    registries: {
      pods: podRegistry,
      services: registry,
      namespaces: new NamespaceRegistry(namespaces, namespaceController),
      serviceAccounts: new ServiceAccountRegistry(serviceAccounts),
      persistentVolumeClaims: claimRegistry,
      deployments: workloads.deploymentRegistry,
      replicaSets: workloads.replicaSetRegistry,
      daemonSets: workloads.daemonSetRegistry,
      statefulSets: workloads.statefulSetRegistry,
      controllerRevisions: workloads.controllerRevisionRegistry,
      nodes: new NodeRegistry(nodes),
      ...batch.registries,
    },
    deployments,
    replicaSets,
    daemonSets,
    statefulSets,
    controllerRevisions,
    autoscaling,
    disruption,
    rbac,
    rbacObjects: o.rbacObjects ?? rbac.objects,
    networking,
    customResources,
    priority,
  };
  const api = buildServer({
    ...apiDeps,
    ...(access.token ? { apiToken: access.token } : {}),
    ...(access.tls ? { tls: access.tls } : {}),
  });
  // kube-controller-manager's root-ca-cert-publisher: kube-root-ca.crt in every namespace, once there is a CA.
  const rootCAPublisher = new RootCAPublisher({
    namespaces,
    configMaps,
    caPem: podCa,
    logger: logger.child({ component: 'root-ca-cert-publisher' }),
  });
  rootCAPublisher.start();
  // kube-controller-manager's token controller: legacy `kubernetes.io/service-account-token` Secrets filled.
  const tokenSecrets = new TokenSecretController({
    secrets,
    serviceAccounts,
    issueLegacy: (ns, sa, secret) => saTokens.issuer.issueLegacy(ns, sa, secret),
    ...(rootCa ? { ca: rootCa } : {}),
    logger: logger.child({ component: 'serviceaccounts' }),
  });
  tokenSecrets.start();
  const podApi = openssl
    ? new PodApi({
        dataDir: config.dataDir,
        port: config.podApiPort,
        clusterIP: registry.firstAddress,
        clusterDomain: config.clusterDomain,
        build: (tls) =>
          buildServer({
            ...apiDeps,
            apiToken: access.token ?? ensureToken(join(config.dataDir, 'token'), apiLogger),
            tls,
          }),
        logger: apiLogger,
      })
    : undefined;
  const kubernetesService = new KubernetesServiceController({
    services,
    registry,
    targetPort: config.podApiPort || DEFAULT_POD_API_PORT,
    logger: logger.child({ component: 'kubernetes-service' }),
  });
  return {
    config,
    api,
    pods,
    services,
    endpoints,
    endpointSlices,
    namespaces,
    serviceAccounts,
    persistentVolumeClaims: claims,
    deployments,
    replicaSets,
    daemonSets,
    statefulSets,
    autoscaling,
    disruption,
    rbac,
    networking,
    priority,
    controllerRevisions,
    configMaps,
    secrets,
    configSources,
    batch,
    nodes,
    events,
    watches,
    manager,
    stats,
    dns: dnsServer,
    access,
    rootCa,
    podApi,
    network: () => net.info,
    async start() {
      net.info = await runtime.ensureNetwork(config.networkName, config.podCidr);
      files.hostDataDir = await runtime.hostPath(config.dataDir);
      // The host asks on --dns-listen; pods on a local address they reach: the gateway of their network
      // (the host), or the agent's own address there when it runs in a container (--pod-dns-address).
      dns.nameserver = config.podDnsAddress || net.info.gateway;
      await dnsServer.listen(config.dnsListen.host, config.dnsListen.port);
      if (o.podDns !== false) await dnsServer.listen(dns.nameserver, 53);
      await podApi?.listen(dns.nameserver); // before the endpoints controller: the Service's endpoint
      kubernetesService.start();
      podRegistry.bindAll();
      await nodeReporter.start();
      scheduler.start();
      staticPods.start(); // before the sync loop, so it adopts their containers
      if (config.statsIntervalSeconds > 0) stats.start();
      controller.start();
      claimController.start();
      namespaceController.start();
      batch.start({ podRegistry, events });
      watches.start();
      await manager.start();
      workloads.start();
      autoscaling.controller.start();
      disruption.controller.start();
      taintEviction.start();
      rbac.aggregator.start();
      started = true;
    },
    async deleteAllPods() {
      workloads.stop(); // no ReplicaSet may bring a pod back
      staticPods.stop(); // nor a manifest file
      const n = await deleteAllPods({ store: pods, registry: podRegistry });
      await controller.flush();
      return n;
    },
    async stop() {
      started = false;
      autoscaling.controller.stop();
      disruption.controller.stop();
      taintEviction.stop();
      rbac.aggregator.stop();
      workloads.stop();
      staticPods.stop();
      manager.stop();
      scheduler.stop();
      nodeReporter.stop();
      stats.stop();
      prober.stop();
      controller.stop();
      kubernetesService.stop();
      claimController.stop();
      namespaceController.stop();
      defaultServiceAccounts.stop();
      rootCAPublisher.stop();
      tokenSecrets.stop();
      batch.stop();
      watches.stop();
      try {
        await Promise.all([api.close(), dnsServer.close(), podApi?.close()]);
      } finally {
        events.flush();
        persistence.close();
      }
    },
  };
}
