// Builders for planner and status tests: a healthy baseline pod, the containers a runtime would report
// for it, and a fixed clock. Each test starts from the baseline and changes one thing.
import type { Container, Pod, PodCondition, RestartPolicy } from '../../agent/model/pod';
import { type BackoffEntry, type BackoffView, backoffKey } from '../../agent/planner/backoff';
import { specHash } from '../../agent/planner/spec-hash';
import { specOf } from '../../agent/planner/kill';
import type { ObservedContainer, PodContainerKind, RuntimeState } from '../../agent/runtime/runtime';

/** When the pod was created. */
export const CREATED = Date.parse('2026-01-01T00:00:00Z');
/** "Now" in every test: one hour after creation. */
export const NOW = CREATED + 3_600_000;

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function aContainer(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: 'busybox:1.36', command: ['sh', '-c', 'true'], ...extra };
}

export function aSidecar(name: string, extra: Partial<Container> = {}): Container {
  return aContainer(name, { restartPolicy: 'Always', ...extra });
}

export interface PodOptions {
  /** Init containers: names (regular init containers) or full specs. Default: none. */
  inits?: (string | Container)[];
  /** App containers. Default: one, `run1`. */
  apps?: (string | Container)[];
  restartPolicy?: RestartPolicy;
  deletionTimestamp?: string;
}

const toContainer = (c: string | Container): Container => (typeof c === 'string' ? aContainer(c) : c);

/** A defaulted, stored pod, as the API hands it to the sync loop. */
export function aPod(o: PodOptions = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      namespace: 'default',
      uid: 'uid-1',
      creationTimestamp: iso(CREATED),
      resourceVersion: '1',
      ...(o.deletionTimestamp ? { deletionTimestamp: o.deletionTimestamp } : {}),
    },
    spec: {
      ...(o.inits ? { initContainers: o.inits.map(toContainer) } : {}),
      containers: (o.apps ?? ['run1']).map(toContainer),
      restartPolicy: o.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
    },
    status: { phase: 'Pending' },
  };
}

export interface InstanceOptions {
  exitCode?: number;
  oomKilled?: boolean;
  startedAt?: number;
  finishedAt?: number;
  /** Restart count; default: how many instances of this container were reported before. */
  attempt?: number;
  /** Default: the hash of the pod's current spec for this container. */
  specHash?: string;
  id?: string;
}

/**
 * What the runtime reports for one pod, built in creation order: every call adds a newer container.
 * It starts with one running sandbox (attempt 0, with an IP); containers join the newest sandbox.
 * Ids read `<name>-<attempt>` (`POD-<attempt>` for sandboxes) so expected actions can name them.
 */
export class PodRuntime {
  readonly observed: ObservedContainer[] = [];
  private seq = 0;

  constructor(readonly pod: Pod) {
    this.sandbox();
  }

  /** A new sandbox; `state: 'exited'` models a dead pause container. */
  sandbox(o: { state?: RuntimeState; ip?: string } = {}): this {
    const attempt = this.observed.filter((c) => c.kind === 'sandbox').length;
    const state = o.state ?? 'running';
    this.add({
      kind: 'sandbox',
      name: 'POD',
      attempt,
      specHash: '',
      state,
      ...(state === 'running' ? { ip: o.ip ?? '10.88.0.2' } : {}),
    });
    return this;
  }

  /** The newest sandbox's pause container exited (node reboot, killed by hand...). */
  sandboxDies(): this {
    const sb = this.newest('sandbox', 'POD');
    sb.state = 'exited';
    delete sb.ip;
    sb.finishedAt = this.clock();
    return this;
  }

  init(name: string, state: RuntimeState, o: InstanceOptions = {}): this {
    return this.container('init', name, state, o);
  }

  app(name: string, state: RuntimeState, o: InstanceOptions = {}): this {
    return this.container('app', name, state, o);
  }

  ephemeral(name: string, state: RuntimeState, o: InstanceOptions = {}): this {
    return this.container('ephemeral', name, state, o);
  }

  /** The newest instance of a container (or sandbox). */
  newest(kind: ObservedContainer['kind'], name: string): ObservedContainer {
    const found = [...this.observed].reverse().find((c) => c.kind === kind && c.name === name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  }

  private clock(): number {
    return CREATED + ++this.seq * 1000;
  }

  private container(kind: PodContainerKind, name: string, state: RuntimeState, o: InstanceOptions): this {
    const spec = specOf(this.pod, kind, name);
    if (!spec) throw new Error(`no ${kind} container ${name} in the pod spec`);
    const sandboxId = this.newest('sandbox', 'POD').id;
    const attempt = o.attempt ?? this.observed.filter((c) => c.kind === kind && c.name === name).length;
    this.add({
      kind,
      name,
      attempt,
      specHash: o.specHash ?? specHash(spec),
      sandboxId,
      state,
      exitCode: o.exitCode ?? 0,
      oomKilled: o.oomKilled ?? false,
      image: spec.image,
      ...(o.id ? { id: o.id } : {}),
      ...(o.startedAt !== undefined ? { startedAt: o.startedAt } : {}),
      ...(o.finishedAt !== undefined ? { finishedAt: o.finishedAt } : {}),
    });
    return this;
  }

  private add(
    c: Partial<ObservedContainer> &
      Pick<ObservedContainer, 'kind' | 'name' | 'attempt' | 'specHash' | 'state'>,
  ): void {
    const createdAt = this.clock();
    const id = c.id ?? `${c.name}-${c.attempt}`;
    if (this.observed.some((o) => o.id === id)) throw new Error(`duplicate id ${id}: pass { id }`);
    const ran = c.state === 'running' || c.state === 'exited';
    this.observed.push({
      podUid: this.pod.metadata.uid,
      podName: this.pod.metadata.name,
      podNamespace: this.pod.metadata.namespace,
      exitCode: 0,
      oomKilled: false,
      image: 'busybox:1.36',
      imageId: 'sha256:1111',
      createdAt,
      ...(ran ? { startedAt: createdAt + 100 } : {}),
      ...(c.state === 'exited' ? { finishedAt: createdAt + 500 } : {}),
      ...c,
      id,
    });
  }
}

/** A back-off table holding entries for some containers of `pod` (keyed as the executor keys them). */
export function backoffWith(pod: Pod, entries: Record<string, BackoffEntry>): BackoffView {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const m = pod.metadata;
  const table = new Map<string, BackoffEntry>();
  for (const [name, entry] of Object.entries(entries)) {
    const c = all.find((x) => x.name === name);
    if (!c) throw new Error(`no container ${name}`);
    table.set(backoffKey(m.name, m.namespace, m.uid, name, specHash(c)), entry);
  }
  return (key) => table.get(key);
}

export const noBackoff: BackoffView = () => undefined;

export function condition(pod: Pod, type: PodCondition['type']): PodCondition | undefined {
  return pod.status.conditions?.find((c) => c.type === type);
}
