// The daemon process: reads flags, builds the agent on the Docker runtime (create-agent.ts), serves the API
// on TCP or a unix socket, writes the kubeconfig, waits for the engine, and stops on SIGTERM/SIGINT
// leaving the pods running.
import './enable-compile-cache'; // first: every module below is compiled through the cache
import { join } from 'node:path';
import { errorMessage } from '../agent/errors';
import type { Logger } from '../agent/log';
import { IptablesProxy } from '../agent/proxy/iptables-proxy';
import { DockerRuntime } from '../agent/runtime/docker-runtime';
import { parseFault, withFault } from '../agent/runtime/faulty-runtime';
import type { ContainerRuntime } from '../agent/runtime/runtime';
import { isLoopback } from './api-access';
import { type Config, loadConfig, usage } from './config';
import { flushCompileCache, nodeCompileCache } from './compile-cache';
import { createAgent } from './create-agent';
import { instanceId } from './instance-id';
import { apiUrl, writeKubeconfig } from './kubeconfig';
import { listenOnSocket } from './unix-socket';
import { winstonLogger } from './winston-logger';

const DOCKER_RETRY_MS = 2_000;
const STOP_DEADLINE_MS = 1_500;
// --delete-pods-on-exit: grace 0 removes a pod in about a second; compose waits 30 s (stop_grace_period).
const DELETE_PODS_DEADLINE_MS = 25_000;

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
  const agent = createAgent({ config, runtime, logger, ...(proxy ? { serviceProxy: proxy } : {}) });
  const stopping = new AbortController();
  let syncing = false;
  const stop = (signal: string): void => {
    if (stopping.signal.aborted) return;
    stopping.abort();
    // Before the sync loop runs nothing could remove a pod: then stop as usual.
    const deleting = config.deletePodsOnExit && syncing;
    logger.info(deleting ? 'stopping; deleting every pod first' : 'stopping; pods keep running', { signal });
    setTimeout(() => process.exit(0), deleting ? DELETE_PODS_DEADLINE_MS : STOP_DEADLINE_MS).unref();
    const before = deleting ? deletePods() : Promise.resolve();
    void before.then(() => agent.stop()).then(() => process.exit(0));
  };
  const deletePods = (): Promise<void> =>
    agent.deleteAllPods().then(
      (pods) => logger.info('every pod deleted', { pods }),
      (err: unknown) => logger.error('deleting the pods failed', { error: errorMessage(err) }),
    );
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
  syncing = true;
  const net = agent.network();
  logger.info('ready', {
    docker: await runtime.version(),
    network: net?.name,
    subnet: net?.subnet,
    gateway: net?.gateway,
  });
  flushCompileCache(nodeCompileCache);
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
