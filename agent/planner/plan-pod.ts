// planPod: desired pod + observed containers -> the actions of one sync round. Pure: no I/O, no clock.
// It follows the kubelet's computePodActions / computeInitContainerActions (kubelet-semantics.md, sections 1.2-1.6).
import type { Container, Pod } from '../model/pod';
import { isSidecar, shouldRestartOnFailure } from '../model/pod-predicates';
import type { ObservedContainer, PodContainerKind } from '../runtime/runtime';
import { type ActionType, type PodAction, together } from './actions';
import {
  type BackoffView,
  PULL_ERROR_REPORT_MS,
  backOffUntil,
  backoffKey,
  pullBackOffUntil,
  pullBackoffKey,
} from './backoff';
import { type PodContainer, graceSeconds, isPodContainer, killTarget, stopSandboxes } from './kill';
import { PodView, exitedFailed, exitedOk } from './pod-view';
import { specHash } from './spec-hash';

export type ProbeResult = 'success' | 'failure' | undefined;

export interface PlanContext {
  now: number;
  /** Crash-loop back-off of containers. */
  backoff: BackoffView;
  /** Image pull back-off, by pullBackoffKey. */
  pullBackoff: BackoffView;
  /** Startup and liveness results by container id (absent: no result yet). */
  probe?: (containerId: string, kind: 'startup' | 'liveness') => ProbeResult;
}

type Kind = PodContainerKind;

/** SyncPod's step order: kill, prune, create the sandbox, then start (init containers before app containers). */
const STEP: Record<ActionType, number> = {
  parallel: 0,
  killContainer: 0,
  recordKilling: 0,
  preStop: 0,
  stopContainer: 0,
  removeContainer: 1,
  pruneContainer: 1,
  removeVolume: 1,
  createSandbox: 2,
  startContainer: 3,
  backOff: 3,
  pullBackOff: 3,
  requeue: 3,
};

class Planner {
  actions: PodAction[] = [];
  private podKilled = false;
  readonly view: PodView;
  constructor(
    readonly pod: Pod,
    observed: readonly ObservedContainer[],
    readonly ctx: PlanContext,
  ) {
    this.view = new PodView(observed);
  }

  private get inits(): Container[] {
    return this.pod.spec.initContainers ?? [];
  }

  private get apps(): Container[] {
    return this.pod.spec.containers;
  }

  /** Starts a container now, or records that it waits in back-off. */
  start(kind: Kind, c: Container, reason: string): void {
    const latest = this.view.latest(kind, c.name);
    const restartCount = latest ? latest.attempt + 1 : 0;
    const current = this.view.current(kind, c.name);
    if (current && current.state === 'created') {
      // Created but never started: clear it so the new instance can take its name.
      this.actions.push({ type: 'removeContainer', id: current.id, name: c.name, reason: 'never started' });
    }
    // doBackOff reads the newest *exited* instance (a newer created one does not hide the crash).
    const exited = this.view.instances(kind, c.name).find((i) => i.state === 'exited');
    if (exited?.finishedAt !== undefined) {
      const meta = this.pod.metadata;
      const key = backoffKey(meta.name, meta.namespace, meta.uid, c.name, specHash(c));
      const until = backOffUntil(this.ctx.backoff(key), exited.finishedAt, this.ctx.now);
      if (until !== undefined) {
        const delayMs = this.ctx.backoff(key)?.delayMs ?? 0;
        this.actions.push({ type: 'backOff', kind, name: c.name, delayMs, retryAt: until, reason });
        return;
      }
    }
    if (this.pullInBackOff(kind, c, reason)) return;
    this.actions.push({
      type: 'startContainer',
      kind,
      name: c.name,
      restartCount: current?.state === 'created' ? current.attempt : restartCount,
      reason,
    });
  }

  /**
   * A failed pull in back-off: ErrImagePull stays shown for PULL_ERROR_REPORT_MS after the failure (the
   * kubelet's next sync), then ImagePullBackOff until the back-off ends. Returns whether it waits.
   */
  private pullInBackOff(kind: Kind, c: Container, reason: string): boolean {
    const entry = this.ctx.pullBackoff(pullBackoffKey(this.pod.metadata.uid, c.image));
    const until = pullBackOffUntil(entry, this.ctx.now);
    if (!entry || until === undefined) return false;
    const reported = entry.lastUpdate + PULL_ERROR_REPORT_MS;
    if (this.ctx.now < reported) {
      const at = Math.min(until, reported);
      this.actions.push({
        type: 'requeue',
        name: c.name,
        at,
        reason: 'image pull failed: ErrImagePull shown',
      });
    } else {
      this.actions.push({ type: 'pullBackOff', kind, name: c.name, image: c.image, retryAt: until, reason });
    }
    return true;
  }

  /** The kubelet's killContainer; `message` is the Killing event's text. */
  private killAction(c: PodContainer, reason: string, message = `Stopping container ${c.name}`): PodAction {
    const gracePeriodSeconds = graceSeconds(this.pod);
    return { type: 'killContainer', ...killTarget(this.pod, c, message), gracePeriodSeconds, reason };
  }

  kill(c: ObservedContainer, reason: string, message?: string): void {
    if (isPodContainer(c)) this.actions.push(this.killAction(c, reason, message));
  }

  /** A kill whose Killing event names its cause: the message is the reason. */
  killFor(c: ObservedContainer, cause: string): void {
    this.kill(c, cause, cause);
  }

  /**
   * KillPod stops everything, so it replaces single kills and cancels planned starts (sidecars included):
   * every container that runs or was created is killed at once, then the running sandboxes are stopped.
   */
  killPod(reason: string): void {
    this.podKilled = true;
    this.actions = this.actions.filter((a) => a.type === 'removeContainer' || a.type === 'pruneContainer');
    if (!this.view.anyRunning()) return;
    const kills = this.view.containers
      .filter(isPodContainer)
      .filter((c) => c.state === 'running' || c.state === 'created')
      .map((c) => this.killAction(c, reason));
    this.actions.push(...together(kills), ...stopSandboxes(this.view.containers, reason));
  }

  /**
   * Keeps the newest exited instance of each init container (running or created ones do not count, as in
   * pruneInitContainersBeforeStart) and two instances of each app container; old sandboxes go.
   */
  prune(): void {
    const remove = (name: string, old: ObservedContainer): void => {
      this.actions.push({ type: 'pruneContainer', id: old.id, name, reason: 'pruned' });
    };
    for (const c of this.inits) {
      const dead = this.view
        .instances('init', c.name)
        .filter((i) => i.state === 'exited' || i.state === 'unknown');
      for (const old of dead.slice(1)) remove(c.name, old);
    }
    for (const c of this.apps) {
      for (const old of this.view.instances('app', c.name).slice(2))
        if (old.state !== 'running') remove(c.name, old);
    }
    for (const sb of this.view.sandboxes.slice(1)) {
      if (sb.state !== 'running')
        this.actions.push({ type: 'pruneContainer', id: sb.id, name: 'POD', reason: 'pruned' });
    }
  }

  appsToStartAfterRecreate(): Container[] {
    if (this.pod.spec.restartPolicy !== 'OnFailure') return this.apps;
    return this.apps.filter((c) => {
      const l = this.view.latest('app', c.name);
      return !(l && exitedOk(l));
    });
  }

  /** Section 1.2: a new sandbox, unless the pod is finished. */
  planNewSandbox(): void {
    const old = this.view.sandbox;
    const attempt = old ? old.attempt + 1 : 0;
    const hasStatus = this.view.containers.some((c) => c.kind !== 'sandbox');
    const wasInitialized = this.apps.some((c) => this.view.latest('app', c.name));
    if (!shouldRestartOnFailure(this.pod) && attempt !== 0 && hasStatus) {
      this.killPod('pod finished (restartPolicy Never)');
      return;
    }
    const apps = this.appsToStartAfterRecreate();
    if (apps.length === 0 && wasInitialized) {
      this.killPod('all containers completed');
      return;
    }
    const reason = old ? 'sandbox changed' : 'new pod';
    this.killPod(reason);
    this.actions.push({ type: 'createSandbox', attempt, reason });
    const first = this.inits[0];
    if (first) this.start('init', first, reason);
    else for (const c of apps) this.start('app', c, reason);
  }

  /**
   * Seed rule 5: a regular init container that ran in this sandbox with another image restarts the pod
   * (killPod; the next round makes a new sandbox and runs every init container again). Not under Never,
   * where a killed pod stays down.
   */
  changedInit(): Container | undefined {
    if (!shouldRestartOnFailure(this.pod)) return undefined;
    return this.inits.find((c) => {
      const s = this.view.current('init', c.name);
      return !isSidecar(c) && s !== undefined && s.specHash !== specHash(c);
    });
  }

  /** Section 1.5: returns true when initialization is complete and app containers may be examined. */
  planInit(): boolean {
    const mark = this.actions.length;
    const initialized = this.walkInits();
    // The walk runs last to first; like the kubelet, reverse so init containers start in spec order. A
    // killed pod's actions replaced the walk's and keep their order (kills before the sandbox stops).
    if (!this.podKilled) this.actions.push(...this.actions.splice(mark).reverse());
    return initialized;
  }

  private walkInits(): boolean {
    const inits = this.inits;
    let initialized =
      inits.length === 0 ||
      this.apps.some((c) => {
        const s = this.view.current('app', c.name);
        return s?.state === 'created' || s?.state === 'running';
      });
    let prevInit = initialized;
    let anyStatus = false;
    for (let i = inits.length - 1; i >= 0; i--) {
      const c = inits[i] as Container;
      const s = this.view.current('init', c.name);
      const sidecar = isSidecar(c);
      if (!s) {
        if (prevInit && sidecar) this.start('init', c, 'sidecar not running');
        continue;
      }
      anyStatus = true;
      if (prevInit && !sidecar) continue;
      const isLast = i === inits.length - 1;
      const next = inits[i + 1];
      const advance = (): void => {
        if (isLast) initialized = true;
        else if (!prevInit && next) this.start('init', next, `${c.name} done`);
      };
      if (s.state === 'created') {
        this.start('init', c, 'created but not started');
      } else if (s.state === 'running') {
        if (sidecar) this.planRunningSidecar(c, s, advance);
      } else if (s.state === 'exited' && sidecar) {
        this.start('init', c, 'sidecar exited');
      } else if (exitedFailed(s) && !sidecar) {
        if (!shouldRestartOnFailure(this.pod)) {
          this.killPod(`init container ${c.name} failed`);
          return false;
        }
        if (s.state === 'unknown') this.kill(s, 'state unknown');
        this.start('init', c, `init container ${c.name} failed`);
      } else if (s.state === 'unknown') {
        this.kill(s, 'state unknown');
        this.start('init', c, 'state unknown');
      } else if (exitedOk(s)) {
        advance();
      }
      prevInit = true;
    }
    const first = inits[0];
    if (!anyStatus && !initialized && first) this.start('init', first, 'initialization starts');
    return initialized;
  }

  private planRunningSidecar(c: Container, s: ObservedContainer, advance: () => void): void {
    if (c.startupProbe) {
      const startup = this.ctx.probe?.(s.id, 'startup');
      if (startup === undefined) return; // not started yet: wait for the probe
      if (startup === 'failure') {
        this.killFor(s, `Init container ${c.name} failed startup probe`);
        this.start('init', c, 'failed startup probe');
        return;
      }
    }
    advance();
    if (s.specHash !== specHash(c)) {
      this.killFor(s, `Init container ${c.name} definition changed`);
      this.start('init', c, 'definition changed');
    } else if (c.livenessProbe && this.ctx.probe?.(s.id, 'liveness') === 'failure') {
      this.killFor(s, `Init container ${c.name} failed liveness probe`);
      this.start('init', c, 'failed liveness probe');
    }
  }

  /**
   * Ephemeral containers start once, in a healthy sandbox, before (and regardless of) initialization; one
   * that ever had an instance is never started again, whatever became of it (computePodActions).
   */
  planEphemeral(): void {
    if (this.podKilled || this.pod.metadata.deletionTimestamp !== undefined) return;
    for (const c of this.pod.spec.ephemeralContainers ?? [])
      if (!this.view.latest('ephemeral', c.name)) this.start('ephemeral', c, 'ephemeral container added');
  }

  /** Section 1.3 step 3: app containers. */
  planApps(): void {
    let keep = 0;
    let pending = 0;
    const deleting = this.pod.metadata.deletionTimestamp !== undefined;
    for (const c of this.apps) {
      const s = this.view.current('app', c.name);
      if (s?.state === 'running') {
        if (s.specHash !== specHash(c)) {
          this.killFor(s, `Container ${c.name} definition changed`);
          this.start('app', c, 'definition changed');
          pending++;
        } else if (c.livenessProbe && this.ctx.probe?.(s.id, 'liveness') === 'failure') {
          this.killFor(s, `Container ${c.name} failed liveness probe`);
          if (shouldRestartOnFailure(this.pod)) {
            this.start('app', c, 'failed liveness probe');
            pending++;
          }
        } else if (c.startupProbe && this.ctx.probe?.(s.id, 'startup') === 'failure') {
          this.killFor(s, `Container ${c.name} failed startup probe`);
          if (shouldRestartOnFailure(this.pod)) {
            this.start('app', c, 'failed startup probe');
            pending++;
          }
        } else keep++;
        continue;
      }
      if (s?.state === 'unknown') this.kill(s, 'state unknown');
      if (!deleting && this.shouldRestart(c)) {
        this.start('app', c, s ? `container ${c.name} exited` : 'initialized');
        pending++;
      }
    }
    if (keep === 0 && pending === 0) this.killPod('all containers completed');
  }

  /** ShouldContainerBeRestarted, reading the newest instance of any sandbox. */
  private shouldRestart(c: Container): boolean {
    const l = this.view.latest('app', c.name);
    if (!l) return true;
    if (l.state === 'unknown' || l.state === 'created') return true;
    if (l.sandboxId !== this.view.sandbox?.id) {
      // From an earlier sandbox: it ran before this pod restart.
      return (
        shouldRestartOnFailure(this.pod) && !(this.pod.spec.restartPolicy === 'OnFailure' && exitedOk(l))
      );
    }
    switch (this.pod.spec.restartPolicy) {
      case 'Never':
        return false;
      case 'OnFailure':
        return !exitedOk(l);
      case 'Always':
        return true;
    }
  }
}

export function planPod(pod: Pod, observed: readonly ObservedContainer[], ctx: PlanContext): PodAction[] {
  const p = new Planner(pod, observed, ctx);
  p.prune();
  const changed = p.view.sandboxHealthy() ? p.changedInit() : undefined;
  if (!p.view.sandboxHealthy()) p.planNewSandbox();
  else if (changed) p.killPod(`init container ${changed.name} image changed`);
  else {
    p.planEphemeral();
    if (p.planInit()) p.planApps();
  }
  return p.actions.sort((a, b) => STEP[a.type] - STEP[b.type]); // stable: keeps the order within a step
}
