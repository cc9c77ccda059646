// A stateful in-memory ContainerRuntime for unit tests: containers move through created, running and
// exited; every call is recorded; errors can be queued per method; exits are driven by the test or by a
// behaviour function.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Clock } from '../clock';
import { MiniKubeletError } from '../errors';
import type {
  ContainerIdentity,
  ContainerRuntime,
  ContainerSpec,
  ImageInfo,
  PullOptions,
  LogOptions,
  NetworkInfo,
  ObservedContainer,
  RuntimeEvent,
  SandboxSpec,
  VolumeSpec,
} from './runtime';
import type { StreamOptions, StreamSession } from './exec-stream';
import { containerName, volumeName } from './labels';
import { MemoryExec } from './memory-exec';

/** The size a pulled memory image reports. */
const MEMORY_IMAGE_BYTES = 4_321_000;

/** The n-th address of an IPv4 subnet (`10.245.0.0/16`, 2 -> `10.245.0.2`). */
function podIp(subnet: string, n: number): string {
  const base = subnet.split('/')[0]!.split('.').map(Number);
  const value = ((base[0]! << 24) | (base[1]! << 16) | (base[2]! << 8) | base[3]!) + n;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** What a started container does: run until told otherwise, or exit with a code. */
export type Behaviour = (spec: ContainerSpec) => { exitCode: number; oomKilled?: boolean } | 'run';
/** What a command exec'd in a running container answers. */
export type ExecBehaviour = (spec: ContainerSpec | undefined, command: string[]) => ExecResult;
type ExecResult = { exitCode: number; output: string };

export class MemoryRuntime implements ContainerRuntime {
  readonly calls: string[] = [];
  readonly containers = new Map<string, ObservedContainer & { spec?: ContainerSpec; logs: string[] }>();
  readonly images = new Set<string>(['busybox', 'busybox:latest', 'docker.io/busybox']);
  /** Images only in the registry: a pull that is not `never` fetches them, each held by `pullGate(ref)`. */
  readonly registry = new Set<string>();
  pullGate: (ref: string) => Promise<void> = () => Promise.resolve();
  readonly volumes = new Set<string>();
  private volumeRoot: string | undefined;
  behaviour: Behaviour = () => 'run';
  /** The engine's error for a pull of this image (the registry down, or refusing), none: pulls work. */
  pullError: ((ref: string) => string | undefined) | undefined;
  execBehaviour: ExecBehaviour = () => ({ exitCode: 0, output: '' });
  /** exec and attach sessions (memory-exec.ts). */
  readonly streams = new MemoryExec();
  private readonly errors = new Map<string, Error[]>();
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  private seq = 0;
  private nextIp = 2;
  /** Networks ensured, by name: sandboxes get their IPs from these subnets, as the engine's IPAM does. */
  private readonly networks = new Map<string, NetworkInfo>();

  constructor(private readonly clock: Clock) {}

  injectError(method: keyof ContainerRuntime, err: Error): void {
    const queue = this.errors.get(method) ?? [];
    queue.push(err);
    this.errors.set(method, queue);
  }

  private call(method: keyof ContainerRuntime, detail = ''): void {
    this.calls.push(detail ? `${method} ${detail}` : method);
    const err = this.errors.get(method)?.shift();
    if (err) throw err;
  }

  private emit(type: RuntimeEvent['type'], c: ObservedContainer): void {
    for (const l of this.listeners) l({ type, containerId: c.id, podUid: c.podUid });
  }

  /** Test helper: a running container exits. */
  exit(id: string, exitCode: number, oomKilled = false): void {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') return;
    c.state = 'exited';
    c.exitCode = exitCode;
    c.oomKilled = oomKilled;
    c.finishedAt = this.clock.now();
    this.emit('die', c);
  }

  /** Test helper: find the newest container of a pod by name. */
  find(podName: string, name: string): (ObservedContainer & { logs: string[] }) | undefined {
    return [...this.containers.values()]
      .filter((c) => c.podName === podName && c.name === name)
      .sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt)[0];
  }

  async ping(): Promise<void> {
    await Promise.resolve();
    this.call('ping');
  }

  async version(): Promise<string> {
    await Promise.resolve();
    return 'memory';
  }

  async ensureNetwork(name: string, subnet: string): Promise<NetworkInfo> {
    await Promise.resolve();
    this.call('ensureNetwork', name);
    const known = this.networks.get(name);
    if (known) return { ...known };
    const info = { name, subnet, gateway: subnet.replace(/\.\d+\/\d+$/, '.1') };
    this.networks.set(name, info);
    return { ...info };
  }

  async listContainers(podUid?: string): Promise<ObservedContainer[]> {
    await Promise.resolve();
    this.call('listContainers');
    return [...this.containers.values()]
      .filter((c) => !podUid || c.podUid === podUid)
      .map(({ spec: _spec, logs: _logs, ...c }) => ({ ...c }))
      .sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
  }

  /**
   * `images` are local and in the registry at once: `always` pulls (onPull, a size), the rest find them.
   * `registry` images are only remote until a pull that is not `never` fetches them.
   */
  async ensureImage(
    ref: string,
    pull: 'always' | 'if-missing' | 'never',
    options: PullOptions = {},
  ): Promise<ImageInfo> {
    await Promise.resolve();
    this.call('ensureImage', ref);
    if (pull === 'always') options.onPull?.();
    const refused = pull === 'always' ? this.pullError?.(ref) : undefined;
    if (refused) throw new MiniKubeletError('ImagePullError', `Failed to pull image "${ref}": ${refused}`);
    if (!this.images.has(ref) && pull !== 'never' && this.registry.has(ref)) {
      if (pull !== 'always') options.onPull?.();
      await this.pullGate(ref);
      this.images.add(ref);
      return { id: `sha256:${ref}`, pulled: true, size: MEMORY_IMAGE_BYTES };
    }
    if (!this.images.has(ref)) {
      const msg =
        pull === 'never'
          ? `Container image "${ref}" is not present with pull policy of Never`
          : `Failed to pull image "${ref}": not found`;
      throw new MiniKubeletError('ImagePullError', msg);
    }
    return { id: `sha256:${ref}`, ...(pull === 'always' ? { pulled: true, size: MEMORY_IMAGE_BYTES } : {}) };
  }

  private add(
    identity: ContainerIdentity,
    image: string,
    spec?: ContainerSpec,
  ): ObservedContainer & { logs: string[] } {
    const id = `c${String(++this.seq).padStart(11, '0')}`;
    const name = containerName(identity);
    if ([...this.containers.values()].some((x) => containerName(x) === name))
      throw new MiniKubeletError(
        'RuntimeError',
        `create container: the container name "/${name}" is already in use`,
      );
    const c = {
      ...identity,
      id,
      state: 'created' as const,
      exitCode: 0,
      oomKilled: false,
      createdAt: this.clock.now() + this.seq / 1000, // distinct and ordered even when the clock stands still
      image,
      imageId: `sha256:${image}`,
      logs: [] as string[],
      ...(spec ? { spec } : {}),
    };
    this.containers.set(id, c);
    this.emit('create', c);
    return c;
  }

  async createSandbox(spec: SandboxSpec, network: string): Promise<ObservedContainer> {
    await Promise.resolve();
    this.call('createSandbox', `${spec.identity.podName} ${network}`);
    const net = this.networks.get(network);
    if (!spec.hostNetwork && !net) throw new MiniKubeletError('NotFound', `network ${network} not found`);
    const c = this.add(spec.identity, 'pause');
    c.state = 'running';
    c.startedAt = this.clock.now();
    if (spec.hostNetwork) c.hostNetwork = true;
    else c.ip = podIp(net!.subnet, this.nextIp++);
    this.emit('start', c);
    const { logs: _logs, ...observed } = c;
    return observed;
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    await Promise.resolve();
    this.call('createContainer', spec.identity.name);
    return this.add(spec.identity, spec.image, spec).id;
  }

  async startContainer(id: string): Promise<void> {
    await Promise.resolve();
    const c = this.containers.get(id);
    this.call('startContainer', c?.name ?? id);
    if (!c) throw new MiniKubeletError('NotFound', `no container ${id}`);
    if (c.state !== 'created') return;
    const pid = c.spec?.pidContainer;
    if (pid !== undefined && this.containers.get(pid)?.state !== 'running')
      throw new MiniKubeletError('RuntimeError', `cannot join PID of a non running container: ${pid}`);
    c.state = 'running';
    c.startedAt = this.clock.now();
    this.emit('start', c);
    const outcome = c.spec ? this.behaviour(c.spec) : 'run';
    if (outcome !== 'run') this.exit(id, outcome.exitCode, outcome.oomKilled);
  }

  async stopContainer(id: string, _timeoutSeconds: number): Promise<void> {
    await Promise.resolve();
    const c = this.containers.get(id);
    this.call('stopContainer', c?.name ?? id);
    if (c?.state !== 'running') return; // stopped already, or never started: stays created, as on the engine
    this.exit(id, 137);
    this.emit('stop', c);
  }

  async removeContainer(id: string): Promise<void> {
    await Promise.resolve();
    const c = this.containers.get(id);
    this.call('removeContainer', c?.name ?? id);
    if (!c) return;
    this.containers.delete(id);
    this.emit('destroy', c);
  }

  async ensureVolume(spec: VolumeSpec): Promise<string> {
    await Promise.resolve();
    this.call('ensureVolume', spec.name);
    const name = volumeName(spec.podUid, spec.name);
    this.volumes.add(name);
    return name;
  }

  async listVolumes(podUid?: string): Promise<string[]> {
    await Promise.resolve();
    return [...this.volumes].filter((v) => !podUid || v.endsWith(`_${podUid}`));
  }

  async removeVolume(name: string): Promise<void> {
    await Promise.resolve();
    this.call('removeVolume', name);
    this.volumes.delete(name);
    if (this.volumeRoot) rmSync(join(this.volumeRoot, name), { recursive: true, force: true });
  }

  /** A real directory per volume (under the OS temp dir), so subPath resolution runs as on the engine. */
  async volumePath(name: string): Promise<string> {
    await Promise.resolve();
    if (!this.volumes.has(name)) throw new MiniKubeletError('NotFound', `no volume ${name}`);
    this.volumeRoot ??= mkdtempSync(join(tmpdir(), 'memory-volumes-'));
    const dir = join(this.volumeRoot, name);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }

  async logs(id: string, options: LogOptions): Promise<Readable> {
    await Promise.resolve();
    const c = this.containers.get(id);
    if (!c) throw new MiniKubeletError('NotFound', `no container ${id}`);
    const lines = options.tailLines !== undefined ? c.logs.slice(-options.tailLines) : c.logs;
    // The engine stamps each line when written; the fake has one time per container, its start.
    const stamp = options.timestamps ? `${new Date(c.startedAt ?? c.createdAt).toISOString()} ` : '';
    return Readable.from(lines.map((l) => `${stamp}${l}\n`));
  }

  async exec(
    id: string,
    command: string[],
    _timeoutMs: number,
  ): Promise<{ exitCode: number; output: string }> {
    await Promise.resolve();
    this.call('exec', `${id} ${command.join(' ')}`);
    const c = this.containers.get(id);
    if (!c) throw new MiniKubeletError('NotFound', `no container ${id}`);
    if (c.state !== 'running') throw new MiniKubeletError('RuntimeError', `container ${id} is not running`);
    return this.execBehaviour(c.spec, command);
  }

  async execStream(id: string, command: string[], options: StreamOptions): Promise<StreamSession> {
    await Promise.resolve();
    this.call('execStream', `${id} ${command.join(' ')}`);
    return this.streams.start(command, options);
  }

  async attachStream(id: string, options: StreamOptions): Promise<StreamSession> {
    await Promise.resolve();
    this.call('attachStream', id);
    const c = this.containers.get(id);
    if (!c) throw new MiniKubeletError('NotFound', `no container ${id}`);
    if (c.state !== 'running') throw new MiniKubeletError('RuntimeError', `container ${id} is not running`);
    return this.streams.start(['cat'], options);
  }

  async hostPath(path: string): Promise<string> {
    await Promise.resolve();
    return path;
  }

  async watchEvents(
    onEvent: (e: RuntimeEvent) => void,
    _onError: (err: Error) => void,
    signal: AbortSignal,
  ): Promise<void> {
    await Promise.resolve();
    this.listeners.add(onEvent);
    signal.addEventListener('abort', () => this.listeners.delete(onEvent), { once: true });
  }
}
