// Carries out a plan against the runtime, one action at a time, with the kubelet's events. A failed
// action ends the round (the next round plans afresh); failures of starts become waiting reasons.
import type { Clock } from '../clock';
import { errorCode, errorMessage } from '../errors';
import type { EventRecorder, InvolvedObject } from '../events/recorder';
import type { Logger } from '../log';
import type { Container, Pod } from '../model/pod';
import { isSidecar } from '../model/pod-predicates';
import type { ActionArgs, ActionType, PodAction } from '../planner/actions';
import { BackoffTable, backoffKey } from '../planner/backoff';
import { PodView } from '../planner/pod-view';
import { specHash } from '../planner/spec-hash';
import type { ContainerRuntime, Mount, NetworkInfo, ObservedContainer } from '../runtime/runtime';
import type { WaitingReason } from '../status/container-status';
import { containerSpec } from './container-config';
import { runHandler } from './handlers';
import { prepareHostPath } from './host-path';
import { type ClusterDns, PodFiles, podHostname } from './pod-files';

/** What a worker keeps about its pod between rounds. */
export interface PodRuntimeState {
  /** Last start failure per container name (cleared on a successful start). */
  waiting: Map<string, WaitingReason>;
  /** Earliest time a round should run again (back-off expiry); undefined: only on events. */
  retryAt?: number;
}

export interface ExecutorDeps {
  runtime: ContainerRuntime;
  clock: Clock;
  logger: Logger;
  events: EventRecorder;
  files: PodFiles;
  dns: ClusterDns;
  network: () => NetworkInfo;
  /** Crash-loop back-off of containers. */
  backoff: BackoffTable;
  /** Image pull back-off, keyed by pod uid and image. */
  pullBackoff: BackoffTable;
}

interface Round {
  pod: Pod;
  observed: ObservedContainer[];
  state: PodRuntimeState;
  logger: Logger;
}

type Handler<K extends ActionType> = (round: Round, args: ActionArgs[K]) => Promise<void>;
type Handlers = { [K in ActionType]: Handler<K> };

const MIN_GRACE_SECONDS = 2;
const PULL_ERROR_REPORT_MS = 1_000;
const POST_START_TIMEOUT_MS = 30_000;

export function fieldPath(kind: 'init' | 'app', name: string): string {
  return kind === 'init' ? `spec.initContainers{${name}}` : `spec.containers{${name}}`;
}

export function podRef(pod: Pod, path?: string): InvolvedObject {
  const m = pod.metadata;
  return {
    kind: 'Pod',
    name: m.name,
    namespace: m.namespace,
    uid: m.uid,
    ...(path ? { fieldPath: path } : {}),
  };
}

export function graceSeconds(pod: Pod): number {
  return (
    pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? MIN_GRACE_SECONDS
  );
}

export class Executor {
  private readonly handlers: Handlers;

  constructor(private readonly deps: ExecutorDeps) {
    this.handlers = {
      killPod: (r, a) => this.killPod(r, a.reason),
      createSandbox: (r, a) => this.createSandbox(r, a.attempt, a.reason),
      killContainer: (r, a) => this.killContainer(r, a.id, a.name, a.reason),
      removeContainer: (_r, a) => this.deps.runtime.removeContainer(a.id),
      startContainer: (r, a) => this.startContainer(r, a),
      backOff: (r, a) => Promise.resolve(this.backOff(r, a)),
    };
  }

  /** Runs actions in order; stops at the first failure. Returns whether anything changed in the runtime. */
  async run(
    pod: Pod,
    observed: ObservedContainer[],
    actions: PodAction[],
    state: PodRuntimeState,
    logger: Logger,
  ): Promise<void> {
    const round: Round = { pod, observed: [...observed], state, logger };
    state.retryAt = undefined;
    for (const action of actions) {
      try {
        await this.handlers[action.type](round, action as never);
      } catch (err) {
        // Pruning old instances is housekeeping: it never holds the pod back (the engine may refuse for a while).
        const housekeeping = action.type === 'removeContainer' && action.reason === 'pruned';
        const fields = { action: action.type, error: errorMessage(err), code: errorCode(err) };
        if (housekeeping) logger.debug('pruning failed; will try again', fields);
        else logger.warn('sync action failed', fields);
        if (housekeeping) continue;
        // Recorded as a waiting reason. App containers and sidecars start independently of each other; a
        // regular init container that did not start ends the round, as in the kubelet's SyncPod.
        if (action.type === 'startContainer' && !this.isRegularInit(pod, action.kind, action.name)) continue;
        throw err;
      }
    }
  }

  /** The pod's address: the sandbox's own, or the host's for hostNetwork pods. */
  private podIP(sandbox: ObservedContainer): string | undefined {
    return sandbox.hostNetwork ? this.deps.network().gateway : sandbox.ip;
  }

  private isRegularInit(pod: Pod, kind: 'init' | 'app', name: string): boolean {
    const spec = this.specOf(pod, kind, name);
    return kind === 'init' && !(spec && isSidecar(spec));
  }

  private async killPod(r: Round, reason: string): Promise<void> {
    const view = new PodView(r.observed);
    const running = view.containers.filter(
      (c) => c.kind !== 'sandbox' && (c.state === 'running' || c.state === 'created'),
    );
    r.logger.info('killing pod', { reason });
    await Promise.all(running.map((c) => this.killContainer(r, c.id, c.name, reason)));
    await Promise.all(
      view.sandboxes
        .filter((s) => s.state === 'running')
        .map((s) => this.deps.runtime.stopContainer(s.id, 0)),
    );
  }

  private async createSandbox(r: Round, attempt: number, reason: string): Promise<void> {
    const { pod } = r;
    const m = pod.metadata;
    if (attempt > 0) {
      this.deps.events.record(
        podRef(pod),
        'Normal',
        'SandboxChanged',
        'Pod sandbox changed, it will be killed and re-created.',
      );
    }
    const held: Mount[] = [];
    for (const v of pod.spec.volumes ?? []) {
      if (v.hostPath) {
        try {
          prepareHostPath(v.hostPath.path, v.hostPath.type);
        } catch (err) {
          const message = `MountVolume.SetUp failed for volume "${v.name}" : ${errorMessage(err)}`;
          this.deps.events.record(podRef(pod), 'Warning', 'FailedMount', message);
          throw err;
        }
      }
      if (!v.emptyDir) continue;
      const memory = v.emptyDir.medium === 'Memory';
      const name = await this.deps.runtime.ensureVolume({ name: v.name, podUid: m.uid, memory });
      // A tmpfs volume is unmounted (and emptied) when no container uses it: the sandbox keeps it mounted.
      if (memory) held.push({ source: name, target: `/run/minikubelet/volumes/${v.name}`, volume: true });
    }
    const network = this.deps.network();
    const labels = { ...(m.labels ?? {}) };
    const id = await this.deps.runtime.createSandbox(
      {
        identity: {
          podUid: m.uid,
          podName: m.name,
          podNamespace: m.namespace,
          kind: 'sandbox',
          name: 'POD',
          attempt,
          specHash: '',
        },
        hostname: podHostname(pod),
        labels,
        mounts: held,
        ...(pod.spec.hostNetwork ? { hostNetwork: true } : {}),
      },
      network.name,
    );
    r.logger.info('sandbox created', { attempt, reason, sandbox: id.slice(0, 12) });
    const fresh = await this.deps.runtime.listContainers(m.uid);
    r.observed = fresh;
    const sandbox = fresh.find((c) => c.id === id);
    const ip = sandbox ? this.podIP(sandbox) : undefined;
    if (!ip) throw new Error(`sandbox ${id.slice(0, 12)} has no IP`);
    this.deps.files.write(pod, ip, this.deps.dns);
  }

  private async killContainer(
    r: Round,
    id: string,
    name: string,
    reason: string,
    grace = graceSeconds(r.pod),
  ): Promise<void> {
    const t0 = this.deps.clock.now();
    this.recordKilling(r, id, name, reason);
    await this.preStop(r, id, grace);
    await this.stopWithin(id, grace, t0);
  }

  private recordKilling(r: Round, id: string, name: string, reason: string): void {
    const kind = r.observed.find((o) => o.id === id)?.kind === 'init' ? 'init' : 'app';
    const message = /^(Container|Init container) /.test(reason) ? reason : `Stopping container ${name}`;
    this.deps.events.record(podRef(r.pod, fieldPath(kind, name)), 'Normal', 'Killing', message);
  }

  /** Runs the container's preStop hook, if any, within the grace period. */
  private async preStop(r: Round, id: string, grace: number): Promise<void> {
    const c = r.observed.find((o) => o.id === id);
    if (!c || c.kind === 'sandbox' || c.state !== 'running' || grace <= 0) return;
    const spec = this.specOf(r.pod, c.kind, c.name);
    const hook = spec?.lifecycle?.preStop;
    if (!spec || !hook) return;
    const sandbox = new PodView(r.observed).sandbox;
    const target = {
      runtime: this.deps.runtime,
      containerId: id,
      container: spec,
      podIP: sandbox ? (this.podIP(sandbox) ?? '') : '',
    };
    const result = await runHandler(hook, target, grace * 1000);
    if (!result.ok) {
      const path = fieldPath(c.kind, c.name);
      this.deps.events.record(
        podRef(r.pod, path),
        'Warning',
        'FailedPreStopHook',
        `PreStopHook failed: ${result.message}`,
      );
    }
  }

  /** SIGTERM, then SIGKILL when what is left of the grace period (counted from t0) runs out. */
  private stopWithin(id: string, grace: number, t0: number): Promise<void> {
    // A grace period of 0 (forced deletion) kills at once; otherwise at least the kubelet's minimum.
    const left = grace - (this.deps.clock.now() - t0) / 1000;
    return this.deps.runtime.stopContainer(id, grace === 0 ? 0 : Math.max(MIN_GRACE_SECONDS, left));
  }

  /**
   * Deletion, in the kubelet's order: every preStop hook at once; then SIGTERM to the app containers;
   * once they are gone, the sidecars one by one in reverse spec order; SIGKILL for whatever outlives the
   * grace period; last the sandboxes.
   */
  async terminatePod(pod: Pod, observed: ObservedContainer[], logger: Logger): Promise<void> {
    const r: Round = { pod, observed, state: { waiting: new Map() }, logger };
    const grace = graceSeconds(pod);
    const t0 = this.deps.clock.now();
    const live = observed.filter((c) => c.kind !== 'sandbox' && c.state === 'running');
    if (live.length) logger.info('stopping pod', { gracePeriodSeconds: grace, containers: live.length });
    const sidecarOrder = (pod.spec.initContainers ?? []).filter(isSidecar).map((c) => c.name);
    const runsAsSidecar = (c: ObservedContainer): boolean =>
      c.kind === 'init' && sidecarOrder.includes(c.name);
    for (const c of live) this.recordKilling(r, c.id, c.name, 'deleted');
    await Promise.all(live.map((c) => this.preStop(r, c.id, grace)));
    await Promise.all(live.filter((c) => !runsAsSidecar(c)).map((c) => this.stopWithin(c.id, grace, t0)));
    const sidecars = live
      .filter(runsAsSidecar)
      .sort((a, b) => sidecarOrder.indexOf(b.name) - sidecarOrder.indexOf(a.name));
    for (const c of sidecars) await this.stopWithin(c.id, grace, t0);
    await Promise.all(
      observed
        .filter((c) => c.kind === 'sandbox' && c.state === 'running')
        .map((c) => this.deps.runtime.stopContainer(c.id, 0)),
    );
  }

  private specOf(pod: Pod, kind: 'init' | 'app', name: string): Container | undefined {
    const list = kind === 'init' ? (pod.spec.initContainers ?? []) : pod.spec.containers;
    return list.find((c) => c.name === name);
  }

  private backOff(r: Round, a: ActionArgs['backOff']): void {
    const m = r.pod.metadata;
    const delay = `${Math.round(a.delayMs / 1000)}s`;
    r.state.waiting.set(a.name, {
      reason: 'CrashLoopBackOff',
      message: `back-off ${delay} restarting failed container=${a.name} pod=${m.name}_${m.namespace}(${m.uid})`,
    });
    this.deps.events.record(
      podRef(r.pod, fieldPath(a.kind, a.name)),
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${a.name} in pod ${m.name}_${m.namespace}(${m.uid})`,
    );
    this.retryAt(r, a.retryAt);
  }

  private retryAt(r: Round, at: number): void {
    r.state.retryAt = r.state.retryAt === undefined ? at : Math.min(r.state.retryAt, at);
  }

  /** Makes sure the image is there; false while a failed pull is in back-off (nothing to do this round). */
  private async pullImage(r: Round, c: Container, path: string): Promise<boolean> {
    const { pod } = r;
    const now = this.deps.clock.now();
    const key = `pull_${pod.metadata.uid}_${c.image}`;
    const entry = this.deps.pullBackoff.view(key);
    if (entry && now < entry.lastUpdate + entry.delayMs) {
      this.retryAt(r, entry.lastUpdate + entry.delayMs);
      // ErrImagePull stays visible until the kubelet's next sync would have come; then ImagePullBackOff.
      if (now < entry.lastUpdate + PULL_ERROR_REPORT_MS) {
        this.retryAt(r, entry.lastUpdate + PULL_ERROR_REPORT_MS);
        return false;
      }
      r.state.waiting.set(c.name, {
        reason: 'ImagePullBackOff',
        message: `Back-off pulling image "${c.image}"`,
      });
      this.deps.events.record(podRef(pod, path), 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`);
      return false;
    }
    const policy =
      c.imagePullPolicy === 'Always' ? 'always' : c.imagePullPolicy === 'Never' ? 'never' : 'if-missing';
    try {
      await this.deps.runtime.ensureImage(c.image, policy);
    } catch (err) {
      const never = policy === 'never';
      const reason = never ? 'ErrImageNeverPull' : 'ErrImagePull';
      r.state.waiting.set(c.name, { reason, message: errorMessage(err) });
      this.deps.events.record(podRef(pod, path), 'Warning', 'Failed', errorMessage(err));
      this.deps.pullBackoff.next(key, now);
      // Come back soon to report ImagePullBackOff, as the kubelet's next sync does; the retry waits for the back-off.
      this.retryAt(r, now + PULL_ERROR_REPORT_MS);
      throw err;
    }
    this.deps.events.record(
      podRef(pod, path),
      'Normal',
      'Pulled',
      `Container image "${c.image}" already present on machine`,
    );
    return true;
  }

  private async startContainer(r: Round, a: ActionArgs['startContainer']): Promise<void> {
    const { pod } = r;
    const m = pod.metadata;
    const c = this.specOf(pod, a.kind, a.name);
    if (!c) return;
    const path = fieldPath(a.kind, a.name);
    const view = new PodView(r.observed);
    const sandbox = view.sandbox;
    const podIP = sandbox ? this.podIP(sandbox) : undefined;
    if (!sandbox || !podIP) throw new Error('no sandbox');
    if (!(await this.pullImage(r, c, path))) return;
    const exited = view.instances(a.kind, a.name).find((i) => i.state === 'exited');
    if (exited) {
      // A restart: advance the crash-loop back-off for the next exit, measured from this exit.
      const key = backoffKey(m.name, m.namespace, m.uid, c.name, specHash(c));
      this.deps.backoff.next(key, this.deps.clock.now(), exited.finishedAt);
    }
    const network = this.deps.network();
    const files = this.deps.files.write(pod, podIP, this.deps.dns);
    const spec = containerSpec(c, {
      pod,
      kind: a.kind,
      restartCount: a.restartCount,
      sandboxId: sandbox.id,
      podIP,
      hostIP: network.gateway,
      files,
    });
    let id: string;
    try {
      id = await this.deps.runtime.createContainer(spec);
    } catch (err) {
      r.state.waiting.set(c.name, { reason: 'CreateContainerError', message: errorMessage(err) });
      this.deps.events.record(podRef(pod, path), 'Warning', 'Failed', `Error: ${errorMessage(err)}`);
      this.retryAt(r, this.deps.clock.now() + 10_000);
      throw err;
    }
    this.deps.events.record(podRef(pod, path), 'Normal', 'Created', `Created container ${c.name}`);
    try {
      await this.deps.runtime.startContainer(id);
    } catch (err) {
      r.state.waiting.set(c.name, { reason: 'RunContainerError', message: errorMessage(err) });
      this.deps.events.record(podRef(pod, path), 'Warning', 'Failed', `Error: ${errorMessage(err)}`);
      this.retryAt(r, this.deps.clock.now() + 10_000);
      throw err;
    }
    this.deps.events.record(podRef(pod, path), 'Normal', 'Started', `Started container ${c.name}`);
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const result = await runHandler(
        postStart,
        { runtime: this.deps.runtime, containerId: id, container: c, podIP },
        POST_START_TIMEOUT_MS,
      );
      if (!result.ok) {
        this.deps.events.record(
          podRef(pod, path),
          'Warning',
          'FailedPostStartHook',
          `PostStartHook failed: ${result.message}`,
        );
        r.state.waiting.set(c.name, { reason: 'PostStartHookError', message: result.message });
        await this.deps.runtime.stopContainer(id, MIN_GRACE_SECONDS);
        throw new Error(`postStart hook of ${c.name} failed: ${result.message}`);
      }
    }
    r.state.waiting.delete(c.name);
    r.logger.info('container started', {
      container: c.name,
      kind: a.kind,
      restartCount: a.restartCount,
      reason: a.reason,
    });
  }
}
