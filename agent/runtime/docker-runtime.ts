// The Docker adapter: the only module that talks to dockerode.
import './dockerode-extras-deferred'; // before dockerode: it would load what the agent never calls
import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { type Clock, systemClock } from '../clock';
import { MiniKubeletError, errorMessage } from '../errors';
import type { Logger } from '../log';
import { ContainerFacts } from './docker-container-facts';
import { FreshSingleFlight } from './fresh-single-flight';
import { dockerAttachStream, dockerExecStream } from './docker-exec';
import { demuxFrames, demuxStream } from './docker-logs';
import type { StreamOptions, StreamSession } from './exec-stream';
import {
  INSTANCE_LABEL,
  MANAGED_LABEL,
  L,
  containerName,
  identityFromLabels,
  identityLabels,
  sandboxPodLabels,
  volumeName,
} from './labels';
import type {
  ContainerRuntime,
  ContainerSpec,
  ImageInfo,
  PullOptions,
  LogOptions,
  NetworkInfo,
  ObservedContainer,
  RuntimeEvent,
  RuntimeEventType,
  RuntimeState,
  SandboxSpec,
  VolumeSpec,
} from './runtime';

export const PAUSE_IMAGE = 'minikubelet/pause:local';
/** How long a local image, once found, is taken as present without asking the engine again. */
const IMAGE_CACHE_MS = 30_000;

/**
 * Our container's id when the agent runs in a container: Docker bind-mounts /etc/hostname from
 * <data-root>/containers/<id>/hostname. Undefined elsewhere (the engine is then asked nothing).
 */
function ownContainerId(): string | undefined {
  try {
    const line = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .find((l) => l.split(' ')[4] === '/etc/hostname');
    return line ? /\/containers\/([0-9a-f]{64})\/hostname/.exec(line)?.[1] : undefined;
  } catch {
    return undefined;
  }
}
const EVENT_TYPES: RuntimeEventType[] = ['create', 'start', 'die', 'oom', 'destroy', 'stop'];

interface DockerError {
  statusCode?: number;
  code?: string;
  json?: { message?: string };
  message?: string;
}

function statusOf(err: unknown): number | undefined {
  return (err as DockerError | undefined)?.statusCode;
}

function engineMessage(err: unknown): string {
  const e = err as DockerError | undefined;
  return (e?.json?.message ?? e?.message ?? String(err)).trim();
}

function wrap(err: unknown, what: string): MiniKubeletError {
  const code = (err as DockerError | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES') {
    return new MiniKubeletError(
      'RuntimeUnavailable',
      `Docker engine not reachable: ${errorMessage(err)}`,
      {},
      { cause: err },
    );
  }
  if (statusOf(err) === 404)
    return new MiniKubeletError('NotFound', `${what}: ${engineMessage(err)}`, {}, { cause: err });
  return new MiniKubeletError('RuntimeError', `${what}: ${engineMessage(err)}`, {}, { cause: err });
}

const time = (s: string | undefined): number | undefined => {
  if (!s || s.startsWith('0001-')) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
};

function stateOf(status: string | undefined): RuntimeState {
  switch (status) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
      return 'exited';
    default:
      return 'unknown';
  }
}

export interface DockerRuntimeOptions {
  logger: Logger;
  /** Defaults to the DOCKER_HOST / local socket. */
  docker?: Docker;
  pauseImage?: string;
  /** This agent's id (INSTANCE_LABEL): it lists, watches and removes only what it made. Default `default`. */
  instance?: string;
  /** Ages the image cache and turns `sinceSeconds` into a time. Default the system clock. */
  clock?: Clock;
}

export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Docker;
  private readonly logger: Logger;
  private readonly pauseImage: string;
  private readonly instance: string;
  private readonly clock: Clock;
  /**
   * The last description of each container (an inspect, or what its events told). A listing reuses it while
   * the container's state in the listing is unchanged (an exited container never changes again; a running
   * one changes only by exiting), so a relist costs one API call, not one per container. Events and our own
   * calls drop entries.
   */
  private readonly inspected = new Map<string, ObservedContainer>();
  /** Starts and exits learned from the events stream: such containers are described without an inspect. */
  private readonly facts = new ContainerFacts();
  /** Local images found recently (if-missing pulls): the hot path skips one inspect per start. */
  private readonly images = new Map<string, { id: string; at: number }>();
  /**
   * Every container of ours, one engine listing shared by the pod workers that ask together (each keeps its
   * pod's): the engine walks all its containers for each listing, filtered or not, so one listing per pod
   * worker grew with the square of the pods. Never one that began before the caller asked.
   */
  private readonly ownContainers = new FreshSingleFlight(() =>
    this.docker.listContainers({ all: true, filters: { label: this.ownLabels() } }),
  );

  constructor(options: DockerRuntimeOptions) {
    this.docker = options.docker ?? new Docker();
    this.logger = options.logger;
    this.pauseImage = options.pauseImage ?? PAUSE_IMAGE;
    this.instance = options.instance ?? 'default';
    this.clock = options.clock ?? systemClock;
  }

  private ownLabels(): string[] {
    return [`${MANAGED_LABEL}=true`, `${INSTANCE_LABEL}=${this.instance}`];
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (err) {
      throw wrap(err, 'ping');
    }
  }

  async version(): Promise<string> {
    try {
      return (await this.docker.version()).Version;
    } catch (err) {
      throw wrap(err, 'version');
    }
  }

  async ensureNetwork(name: string, subnet: string): Promise<NetworkInfo> {
    const describe = (info: Docker.NetworkInspectInfo): NetworkInfo => {
      const cfg = info.IPAM?.Config?.[0];
      const sub = cfg?.Subnet ?? subnet;
      const gateway = cfg?.Gateway ?? sub.replace(/\.\d+\/\d+$/, '.1');
      return { name, subnet: sub, gateway };
    };
    try {
      return describe(await this.docker.getNetwork(name).inspect());
    } catch (err) {
      if (statusOf(err) !== 404) throw wrap(err, `inspect network ${name}`);
    }
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] },
        Labels: { [MANAGED_LABEL]: 'true', [INSTANCE_LABEL]: this.instance },
      });
      this.logger.info('created pod network', { network: name, subnet });
      return describe(await this.docker.getNetwork(name).inspect());
    } catch (err) {
      throw wrap(err, `create network ${name} (${subnet})`);
    }
  }

  async listContainers(podUid?: string): Promise<ObservedContainer[]> {
    let summaries: Docker.ContainerInfo[];
    try {
      summaries = await this.ownContainers.run();
    } catch (err) {
      throw wrap(err, 'list containers');
    }
    if (podUid) summaries = summaries.filter((s) => s.Labels?.[L.podUid] === podUid);
    const observed = await Promise.all(
      summaries.map((s) => {
        const known = this.inspected.get(s.Id);
        if (known?.state === 'exited') return Promise.resolve(known); // final (a `start` event drops it)
        const told = this.facts.observed(s);
        if (told) return Promise.resolve(this.remember(told));
        return known && known.state === stateOf(s.State) ? Promise.resolve(known) : this.observe(s.Id);
      }),
    );
    return observed
      .filter((c): c is ObservedContainer => c !== undefined)
      .sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
  }

  private async observe(id: string): Promise<ObservedContainer | undefined> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(id).inspect();
    } catch (err) {
      if (statusOf(err) === 404) return undefined; // removed between list and inspect
      throw wrap(err, `inspect ${id}`);
    }
    const identity = identityFromLabels(info.Config.Labels ?? {});
    if (!identity) return undefined;
    const nets = info.NetworkSettings?.Networks ?? {};
    const ip = Object.values(nets).find((n) => n?.IPAddress)?.IPAddress;
    const state = stateOf(info.State?.Status);
    const startedAt = time(info.State?.StartedAt);
    // The engine records StartedAt once its start call returns and FinishedAt at the exit, which comes first for
    // a process that ends within a millisecond: an exit is never listed before its start.
    const exitedAt = state === 'exited' ? time(info.State?.FinishedAt) : undefined;
    const finishedAt = exitedAt === undefined ? undefined : Math.max(exitedAt, startedAt ?? 0);
    const c: ObservedContainer = {
      ...identity,
      id: info.Id,
      state,
      exitCode: info.State?.ExitCode ?? 0,
      oomKilled: info.State?.OOMKilled ?? false,
      createdAt: time(info.Created) ?? 0,
      image: info.Config.Image,
      imageId: info.Image,
      ...(info.State?.Error ? { error: info.State.Error } : {}),
      ...(startedAt ? { startedAt } : {}),
      ...(finishedAt ? { finishedAt } : {}),
      ...(ip ? { ip } : {}),
      ...(info.HostConfig?.NetworkMode === 'host' ? { hostNetwork: true } : {}),
    };
    return this.remember(c);
  }

  private remember(c: ObservedContainer): ObservedContainer {
    if (this.inspected.size > 5000) this.inspected.clear();
    this.inspected.set(c.id, c);
    return c;
  }

  async ensureImage(
    ref: string,
    pull: 'always' | 'if-missing' | 'never',
    options: PullOptions = {},
  ): Promise<ImageInfo> {
    if (pull !== 'always') {
      const known = this.images.get(ref);
      if (known && this.clock.now() - known.at < IMAGE_CACHE_MS) return { id: known.id };
      try {
        const id = (await this.docker.getImage(ref).inspect()).Id;
        this.images.set(ref, { id, at: this.clock.now() });
        return { id };
      } catch (err) {
        if (statusOf(err) !== 404) throw wrap(err, `inspect image ${ref}`);
        if (pull === 'never') {
          throw new MiniKubeletError(
            'ImagePullError',
            `Container image "${ref}" is not present with pull policy of Never`,
          );
        }
      }
    }
    options.onPull?.();
    try {
      // The credentials go to the engine in the X-Registry-Auth header only; never logged.
      const stream = await this.docker.pull(ref, options.auth ? { authconfig: options.auth } : {});
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
      });
      const image = await this.docker.getImage(ref).inspect();
      this.images.set(ref, { id: image.Id, at: this.clock.now() });
      return { id: image.Id, pulled: true, size: image.Size };
    } catch (err) {
      throw new MiniKubeletError(
        'ImagePullError',
        `Failed to pull image "${ref}": ${engineMessage(err)}`,
        {},
        { cause: err },
      );
    }
  }

  async createSandbox(spec: SandboxSpec, network: string): Promise<ObservedContainer> {
    let id: string;
    try {
      const c = await this.docker.createContainer({
        name: containerName(spec.identity),
        Image: this.pauseImage,
        Hostname: spec.hostname,
        Labels: {
          ...sandboxPodLabels(spec.labels),
          ...identityLabels(spec.identity),
          [INSTANCE_LABEL]: this.instance,
        },
        HostConfig: {
          NetworkMode: spec.hostNetwork ? 'host' : network,
          RestartPolicy: { Name: 'no' },
          IpcMode: 'shareable',
          Binds: spec.mounts.map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
        },
      });
      await c.start();
      id = c.id;
    } catch (err) {
      throw wrap(err, `create sandbox for pod ${spec.identity.podName}`);
    }
    // Its IP: one inspect of it, kept for the listings that follow (no listing of the pod to find it).
    const sandbox = await this.observe(id);
    if (!sandbox)
      throw new MiniKubeletError('NotFound', `sandbox ${id.slice(0, 12)} is gone after its start`);
    return sandbox;
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const id = spec.identity;
    const sandbox = id.sandboxId ?? '';
    try {
      const c = await this.docker.createContainer({
        name: containerName(id),
        Image: spec.image,
        ...(spec.command ? { Entrypoint: spec.command } : {}),
        ...(spec.args ? { Cmd: spec.args } : {}),
        Env: spec.env,
        ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
        ...(spec.user ? { User: spec.user } : {}),
        Labels: { ...identityLabels(id), [INSTANCE_LABEL]: this.instance },
        Tty: spec.tty ?? false,
        OpenStdin: spec.stdin ?? false,
        StdinOnce: spec.stdinOnce ?? false,
        HostConfig: {
          NetworkMode: `container:${sandbox}`,
          IpcMode: spec.hostIpc ? 'host' : `container:${sandbox}`,
          RestartPolicy: { Name: 'no' },
          Binds: spec.mounts.map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
          ReadonlyRootfs: spec.readOnlyRootfs ?? false,
          Privileged: spec.privileged ?? false,
          ...(spec.capAdd?.length ? { CapAdd: spec.capAdd } : {}),
          ...(spec.capDrop?.length ? { CapDrop: spec.capDrop } : {}),
          ...(spec.hostPid
            ? { PidMode: 'host' }
            : spec.pidContainer
              ? { PidMode: `container:${spec.pidContainer}` }
              : {}),
          ...(spec.memoryBytes ? { Memory: spec.memoryBytes } : {}),
          ...(spec.nanoCpus ? { NanoCpus: spec.nanoCpus } : {}),
        },
      });
      return c.id;
    } catch (err) {
      if (statusOf(err) === 404) this.images.delete(spec.image); // the image went away meanwhile
      throw wrap(err, `create container ${id.name}`);
    }
  }

  async startContainer(id: string): Promise<void> {
    this.inspected.delete(id);
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      if (statusOf(err) === 304) return; // already started
      throw wrap(err, `start container ${id.slice(0, 12)}`);
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.round(timeoutSeconds)) });
    } catch (err) {
      const status = statusOf(err);
      if (status === 304 || status === 404) return; // already stopped or gone
      throw wrap(err, `stop container ${id.slice(0, 12)}`);
    }
  }

  async removeContainer(id: string): Promise<void> {
    this.inspected.delete(id);
    try {
      await this.docker.getContainer(id).remove({ force: true, v: false });
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) return;
      if (status === 409 && /already in progress/.test(engineMessage(err))) return;
      throw wrap(err, `remove container ${id.slice(0, 12)}`);
    }
  }

  async ensureVolume(spec: VolumeSpec): Promise<string> {
    const name = volumeName(spec.podUid, spec.name);
    try {
      await this.docker.createVolume({
        Name: name,
        Labels: { [MANAGED_LABEL]: 'true', [INSTANCE_LABEL]: this.instance, [L.podUid]: spec.podUid },
        ...(spec.memory ? { DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'mode=1777' } } : {}),
      });
      return name;
    } catch (err) {
      throw wrap(err, `create volume ${name}`);
    }
  }

  async listVolumes(podUid?: string): Promise<string[]> {
    const label = this.ownLabels();
    if (podUid) label.push(`${L.podUid}=${podUid}`);
    try {
      const res = await this.docker.listVolumes({ filters: { label } });
      return (res.Volumes ?? []).map((v) => v.Name);
    } catch (err) {
      throw wrap(err, 'list volumes');
    }
  }

  async volumePath(name: string): Promise<string> {
    try {
      const info = (await this.docker.getVolume(name).inspect()) as { Mountpoint: string };
      return info.Mountpoint;
    } catch (err) {
      throw wrap(err, `inspect volume ${name}`);
    }
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (err) {
      if (statusOf(err) === 404) return;
      throw wrap(err, `remove volume ${name}`);
    }
  }

  async logs(id: string, options: LogOptions): Promise<Readable> {
    const base = {
      stdout: true,
      stderr: true,
      timestamps: options.timestamps ?? false,
      ...(options.tailLines !== undefined ? { tail: options.tailLines } : {}),
      ...(options.sinceSeconds !== undefined
        ? { since: Math.floor(this.clock.now() / 1000) - options.sinceSeconds }
        : {}),
    };
    try {
      const container = this.docker.getContainer(id);
      // A TTY container's output is one stream, which the engine does not frame.
      const { Tty: tty } = (await container.inspect()).Config;
      if (options.follow) {
        const stream = (await container.logs({ ...base, follow: true })) as unknown as Readable;
        return tty ? stream : demuxStream(stream);
      }
      const all = await container.logs({ ...base, follow: false });
      return Readable.from([tty ? all : demuxFrames(all)]);
    } catch (err) {
      throw wrap(err, `logs of ${id.slice(0, 12)}`);
    }
  }

  async exec(
    id: string,
    command: string[],
    timeoutMs: number,
  ): Promise<{ exitCode: number; output: string }> {
    try {
      const exec = await this.docker
        .getContainer(id)
        .exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          stream.destroy();
          reject(new MiniKubeletError('RuntimeError', `command timed out after ${timeoutMs}ms`));
        }, timeoutMs);
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          clearTimeout(timer);
          resolve();
        });
        stream.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      const info = await exec.inspect();
      return { exitCode: info.ExitCode ?? -1, output: demuxFrames(Buffer.concat(chunks)).toString('utf8') };
    } catch (err) {
      if (err instanceof MiniKubeletError) throw err;
      throw wrap(err, `exec in ${id.slice(0, 12)}`);
    }
  }

  execStream(id: string, command: string[], options: StreamOptions): Promise<StreamSession> {
    return dockerExecStream(this.docker, id, command, options);
  }

  attachStream(id: string, options: StreamOptions): Promise<StreamSession> {
    return dockerAttachStream(this.docker, id, options);
  }

  async hostPath(path: string): Promise<string> {
    const self = ownContainerId();
    if (!self) return path;
    let mounts: { Source: string; Destination: string }[];
    try {
      mounts = (await this.docker.getContainer(self).inspect()).Mounts;
    } catch (err) {
      if (statusOf(err) === 404) return path; // a container of another engine: paths are the engine's own
      throw wrap(err, `inspect own container ${self.slice(0, 12)}`);
    }
    const m = mounts
      .filter((x) => path === x.Destination || path.startsWith(`${x.Destination}/`))
      .sort((a, b) => b.Destination.length - a.Destination.length)[0];
    if (!m) {
      throw new MiniKubeletError(
        'RuntimeError',
        `${path} is not on a volume or bind mount: pods could not mount files from it`,
      );
    }
    return m.Source + path.slice(m.Destination.length);
  }

  async watchEvents(
    onEvent: (e: RuntimeEvent) => void,
    onError: (err: Error) => void,
    signal: AbortSignal,
  ): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.getEvents({
        filters: { type: ['container'], label: this.ownLabels(), event: EVENT_TYPES },
      });
    } catch (err) {
      throw wrap(err, 'subscribe to events');
    }
    const destroy = (): void => {
      (stream as Readable).destroy();
    };
    signal.addEventListener('abort', destroy, { once: true });
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line) this.dispatchEvent(line, onEvent);
      }
    });
    const ended = (err?: Error): void => {
      signal.removeEventListener('abort', destroy);
      this.inspected.clear(); // exits may go unseen until the stream is back: describe everything afresh
      if (!signal.aborted)
        onError(err ?? new MiniKubeletError('RuntimeUnavailable', 'Docker events stream ended'));
    };
    stream.on('error', ended);
    stream.on('end', () => ended());
  }

  private dispatchEvent(line: string, onEvent: (e: RuntimeEvent) => void): void {
    try {
      const msg = JSON.parse(line) as {
        Action?: string;
        id?: string;
        timeNano?: number;
        Actor?: { Attributes?: Record<string, string> };
      };
      const action = (msg.Action ?? '').split(':')[0] as RuntimeEventType;
      const attributes = msg.Actor?.Attributes ?? {};
      const podUid = attributes[L.podUid];
      if (!msg.id || !podUid || !EVENT_TYPES.includes(action)) return;
      // Its state moved: the next listing looks again. Not for the create and start of a container already
      // described running (the sandbox, inspected for its IP once started): that start is the one described,
      // since a die in between would have come first on this stream.
      const described = this.inspected.get(msg.id)?.state === 'running';
      if (!(described && (action === 'create' || action === 'start'))) this.inspected.delete(msg.id);
      if (typeof msg.timeNano === 'number')
        this.facts.record(action, msg.id, Math.floor(msg.timeNano / 1e6), attributes);
      onEvent({ type: action, containerId: msg.id, podUid });
    } catch (err) {
      this.logger.warn('unreadable Docker event', { error: errorMessage(err) });
    }
  }
}
