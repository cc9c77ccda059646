// The composition root: the only place that builds and wires the parts.
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { buildServer } from '../api/server';
import { systemClock } from './clock';
import { type Config, loadConfig, usage } from './config';
import { errorMessage } from './errors';
import { EventRecorder } from './events/recorder';
import type { Logger } from './log';
import type { Pod } from './model/pod';
import { BackoffTable } from './planner/backoff';
import { DockerRuntime } from './runtime/docker-runtime';
import type { NetworkInfo } from './runtime/runtime';
import { FilePersistence } from './store/file-persistence';
import { ObjectStore, ResourceVersions } from './store/object-store';
import { Executor } from './sync/executor';
import { PodFiles, readHostResolvConf } from './sync/pod-files';
import { podLogs } from './sync/pod-logs';
import { PodManager } from './sync/pod-manager';
import { winstonLogger } from './winston-logger';

const DOCKER_RETRY_MS = 2_000;
const STOP_DEADLINE_MS = 1_500;

async function waitForDocker(runtime: DockerRuntime, logger: Logger, signal: AbortSignal): Promise<void> {
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

async function run(config: Config, logger: Logger): Promise<void> {
  const clock = systemClock;
  const nodeName = hostname();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const runtime = new DockerRuntime({ logger: logger.child({ component: 'docker' }) });
  const versions = new ResourceVersions();
  const persistence = new FilePersistence(config.dataDir, logger);
  const pods = new ObjectStore<Pod>('Pod', { clock, versions, persistence });
  const events = new EventRecorder({ clock, logger: logger.child({ component: 'events' }), host: nodeName });
  const pod: { network?: NetworkInfo } = {}; // the pod network, once Docker answers
  const files = new PodFiles(config.dataDir);
  const backoff = new BackoffTable();
  const pullBackoff = new BackoffTable();
  const dns = { nameserver: '', domain: config.clusterDomain, hostResolvConf: readHostResolvConf() };
  const currentNetwork = (): NetworkInfo => {
    if (!pod.network) throw new Error('pod network not ready');
    return pod.network;
  };
  const executor = new Executor({
    runtime,
    clock,
    logger,
    events,
    files,
    dns,
    network: currentNetwork,
    backoff,
    pullBackoff,
  });
  const manager = new PodManager({
    runtime,
    store: pods,
    executor,
    clock,
    logger: logger.child({ component: 'sync' }),
    files,
    backoff,
    pullBackoff,
    hostIP: () => pod.network?.gateway ?? '',
    resyncMs: config.resyncSeconds * 1000,
  });
  let dockerReady = false;
  const app = buildServer({
    pods,
    events,
    clock,
    logger: logger.child({ component: 'api' }),
    nodeName,
    versions: () => versions.current,
    ready: async () =>
      dockerReady &&
      (await runtime.ping().then(
        () => true,
        () => false,
      )),
    podLogs: podLogs(runtime),
  });

  const stopping = new AbortController();
  const stop = (signal: string): void => {
    if (stopping.signal.aborted) return;
    stopping.abort();
    logger.info('stopping; pods keep running', { signal });
    setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
    manager.stop();
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  await app.listen({ host: config.listen.host, port: config.listen.port });
  logger.info('API listening', {
    url: `http://${config.listen.host}:${config.listen.port}`,
    dataDir: config.dataDir,
    pods: pods.list().length,
  });

  await waitForDocker(runtime, logger, stopping.signal);
  if (stopping.signal.aborted) return;
  const network = await runtime.ensureNetwork(config.networkName, config.podCidr);
  pod.network = network;
  dns.nameserver = network.gateway;
  await manager.start();
  dockerReady = true;
  logger.info('ready', {
    docker: await runtime.version(),
    network: network.name,
    subnet: network.subnet,
    gateway: network.gateway,
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

main();
