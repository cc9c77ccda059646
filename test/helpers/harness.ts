// An in-process agent built by daemon/create-agent.ts's createAgent (the real wiring) on a given runtime, with a
// temporary data dir and the test network, plus helpers to drive and wait.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Clock } from '../../agent/clock';
import type { EventRecorder } from '../../agent/events/recorder';
import { type Logger, nopLogger } from '../../agent/log';
import { type Agent, type AgentOptions, createAgent } from '../../daemon/create-agent';
import type { Pod } from '../../agent/model/pod';
import type { Service } from '../../agent/model/service';
import type { ContainerRuntime } from '../../agent/runtime/runtime';
import { runtimePod } from '../../agent/model/static-pod';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { IptablesProxy } from '../../agent/proxy/iptables-proxy';
import type { ObjectStore } from '../../agent/store/object-store';
import type { PodManager } from '../../agent/sync/pod-manager';
import { noTmpfs, unmountUnder } from '../../agent/volumes/tmpfs';
import { noSubPathMounter } from '../../agent/volumes/subpath-mounter';
import type { TokenIssuer } from '../../agent/auth/token-issuer';
import { scratchConfig } from '../../tools/scratch-config';
import { TEST_ROOT_CA, TestTokenIssuer } from './test-token-issuer';

export interface HarnessOptions extends Partial<Omit<AgentOptions, 'config' | 'runtime' | 'tokenIssuer'>> {
  /**
   * The ServiceAccount token issuer: the deterministic TestTokenIssuer unless given; 'daemon': the daemon's own
   * JWT issuer (tokens the API accepts; its key costs ~0.65 s at first use); false: none.
   */
  tokenIssuer?: TokenIssuer | false | 'daemon';
  runtime: ContainerRuntime;
  clock?: Clock;
  logger?: Logger;
  dataDir?: string;
  /** Extra daemon flags. */
  flags?: string[];
  /** Install the real iptables service proxy (host-wide chains: one such harness at a time). */
  proxy?: boolean;
}

export class Harness {
  readonly agent: Agent;
  readonly dataDir: string;
  readonly runtime: ContainerRuntime;
  readonly proxy: IptablesProxy | undefined;
  private readonly ownsDataDir: boolean;

  constructor(options: HarnessOptions) {
    this.runtime = options.runtime;
    this.ownsDataDir = !options.dataDir;
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'mk-test-'));
    const config = scratchConfig(this.dataDir, options.flags);
    this.proxy = options.proxy
      ? new IptablesProxy({ logger: nopLogger, serviceCidr: config.serviceCidr })
      : undefined;
    const { tokenIssuer, ...rest } = options;
    this.agent = createAgent({
      ...(this.proxy ? { serviceProxy: this.proxy } : {}),
      // As the daemon: ServiceAccount tokens in pods (a deterministic issuer and a test CA; with 'daemon', the
      // daemon's own issuer and CA, which the API for pods really uses).
      ...(tokenIssuer === 'daemon' ? {} : { rootCA: () => TEST_ROOT_CA }),
      nodeName: 'test-node',
      hostResolvConf: () => '',
      podDns: options.runtime instanceof DockerRuntime,
      // Secret volumes on a real tmpfs only when containers really mount them.
      ...(options.runtime instanceof DockerRuntime
        ? {}
        : { tmpfs: noTmpfs, subPathMounter: noSubPathMounter }),
      ...rest,
      ...(tokenIssuer === 'daemon' ? {} : { tokenIssuer: tokenIssuer ?? new TestTokenIssuer(options.clock) }),
      config,
      logger: options.logger ?? nopLogger,
    });
  }

  get api(): FastifyInstance {
    return this.agent.api;
  }
  get pods(): ObjectStore<Pod> {
    return this.agent.pods;
  }
  get services(): ObjectStore<Service> {
    return this.agent.services;
  }
  get events(): EventRecorder {
    return this.agent.events;
  }
  get manager(): PodManager {
    return this.agent.manager;
  }

  /** One request to the API, in process: a JSON body, an Accept header (a Table) if given. */
  request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    accept?: string,
  ): Promise<LightMyRequestResponse> {
    return this.api.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      ...(accept ? { headers: { accept } } : {}),
    });
  }

  async start(): Promise<this> {
    await this.agent.start();
    return this;
  }

  /** Stops the agent and removes every container and volume of the pods it knows. */
  async stop(): Promise<void> {
    await this.agent.stop();
    await this.proxy?.cleanup();
    for (const pod of this.pods.list()) {
      const uid = runtimePod(pod).metadata.uid; // a static pod's containers carry its hash
      for (const c of await this.runtime.listContainers(uid)) await this.runtime.removeContainer(c.id);
      for (const v of await this.runtime.listVolumes(uid)) await this.runtime.removeVolume(v);
    }
    if (!this.ownsDataDir) return;
    unmountUnder(this.dataDir); // Secret volumes of pods still there
    rmSync(this.dataDir, { recursive: true, force: true });
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
