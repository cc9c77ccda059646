// An in-process agent (stores, sync loop, API) on a given runtime, for scenario tests: the same wiring as
// agent/main.ts, with an injectable clock and a temporary data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server';
import { type Clock, systemClock } from '../../agent/clock';
import { EventRecorder } from '../../agent/events/recorder';
import { type Logger, nopLogger } from '../../agent/log';
import type { Pod } from '../../agent/model/pod';
import { BackoffTable } from '../../agent/planner/backoff';
import type { ContainerRuntime, NetworkInfo } from '../../agent/runtime/runtime';
import { FilePersistence } from '../../agent/store/file-persistence';
import { ObjectStore, ResourceVersions } from '../../agent/store/object-store';
import { Executor } from '../../agent/sync/executor';
import { PodFiles } from '../../agent/sync/pod-files';
import { podLogs } from '../../agent/sync/pod-logs';
import { PodManager } from '../../agent/sync/pod-manager';

export interface HarnessOptions {
  runtime: ContainerRuntime;
  clock?: Clock;
  logger?: Logger;
  network?: { name: string; subnet: string };
  dataDir?: string;
  backoffInitialMs?: number;
}

export class Harness {
  readonly dataDir: string;
  readonly pods: ObjectStore<Pod>;
  readonly events: EventRecorder;
  readonly manager: PodManager;
  readonly api: FastifyInstance;
  readonly runtime: ContainerRuntime;
  readonly clock: Clock;
  network: NetworkInfo | undefined;
  private readonly ownsDataDir: boolean;
  private readonly networkSpec: { name: string; subnet: string };

  constructor(options: HarnessOptions) {
    this.runtime = options.runtime;
    this.clock = options.clock ?? systemClock;
    const logger = options.logger ?? nopLogger;
    this.ownsDataDir = !options.dataDir;
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'mk-test-'));
    this.networkSpec = options.network ?? { name: 'mk-test', subnet: '10.245.0.0/16' };
    const versions = new ResourceVersions();
    const clock = this.clock;
    this.pods = new ObjectStore<Pod>('Pod', {
      clock,
      versions,
      persistence: new FilePersistence(this.dataDir, logger),
    });
    this.events = new EventRecorder({ clock, logger, host: 'test-node' });
    const files = new PodFiles(this.dataDir);
    const backoff = new BackoffTable(options.backoffInitialMs);
    const pullBackoff = new BackoffTable(options.backoffInitialMs);
    const dns = { nameserver: '127.0.0.1', domain: 'cluster.local', hostResolvConf: () => '' };
    const network = (): NetworkInfo => {
      if (!this.network) throw new Error('network not ready');
      return this.network;
    };
    const executor = new Executor({
      runtime: this.runtime,
      clock,
      logger,
      events: this.events,
      files,
      dns,
      network,
      backoff,
      pullBackoff,
    });
    this.manager = new PodManager({
      runtime: this.runtime,
      store: this.pods,
      executor,
      clock,
      logger,
      files,
      backoff,
      pullBackoff,
      hostIP: () => this.network?.gateway ?? '',
      resyncMs: 60_000,
    });
    this.api = buildServer({
      pods: this.pods,
      events: this.events,
      clock,
      logger,
      nodeName: 'test-node',
      versions: () => versions.current,
      ready: () =>
        this.runtime.ping().then(
          () => true,
          () => false,
        ),
      podLogs: podLogs(this.runtime),
    });
  }

  async start(): Promise<this> {
    this.network = await this.runtime.ensureNetwork(this.networkSpec.name, this.networkSpec.subnet);
    await this.manager.start();
    return this;
  }

  /** Stops the loop and removes every container and volume of the pods this harness knows. */
  async stop(): Promise<void> {
    this.manager.stop();
    for (const pod of this.pods.list()) {
      for (const c of await this.runtime.listContainers(pod.metadata.uid))
        await this.runtime.removeContainer(c.id);
      for (const v of await this.runtime.listVolumes(pod.metadata.uid)) await this.runtime.removeVolume(v);
    }
    await this.api.close();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  async createPod(body: unknown): Promise<Pod> {
    const res = await this.api.inject({ method: 'POST', url: '/pods', payload: body as object });
    if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
    return res.json<Pod>();
  }

  pod(name: string, namespace = 'default'): Pod | undefined {
    return this.pods.get(namespace, name);
  }

  /** Polls until check returns a truthy value (status moves on events, so this only waits, never drives). */
  async waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
