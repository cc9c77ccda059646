// One serial worker per pod: at most one sync round in flight; requests that arrive meanwhile fold into
// one more round. Each round observes, plans, executes, and writes the status.
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import type { Pod } from '../model/pod';
import { type PodAction, SETTLES_ROUND, describeAction } from '../planner/actions';
import type { BackoffTable } from '../planner/backoff';
import { graceSeconds } from '../planner/kill';
import { planPod } from '../planner/plan-pod';
import { planTermination } from '../planner/plan-termination';
import type { ContainerRuntime, ObservedContainer } from '../runtime/runtime';
import { runtimePod } from '../model/static-pod';
import { generatePodStatus } from '../status/pod-status';
import type { ObjectStore } from '../store/object-store';
import type { Executor } from './executor';
import { type PodRuntimeState, foldResults } from './step-result';
import type { PodFiles } from './pod-files';
import type { PodVolumes } from './pod-volumes';
import type { Prober } from './prober';
import { type EventRecorder, SCHEDULER } from '../events/recorder';
import { PodView } from '../planner/pod-view';
import type { KubeletMetrics, PodWorkerOperation } from '../ports/kubelet-metrics';
import type { PodStartTracker } from './pod-start-tracker';

export interface PodWorkerDeps {
  runtime: ContainerRuntime;
  store: ObjectStore<Pod>;
  executor: Executor;
  clock: Clock;
  logger: Logger;
  files: PodFiles;
  volumes: PodVolumes;
  backoff: BackoffTable;
  pullBackoff: BackoffTable;
  hostIP: () => string;
  prober: Prober;
  events: EventRecorder;
  /** Called once the pod is gone from the runtime and the store. */
  onGone: (uid: string) => void;
  /** Sync round durations and pod starts (default: none). */
  metrics?: KubeletMetrics;
  starts?: PodStartTracker;
}

const ERROR_RETRY_MS = 1_000;
const ERROR_RETRY_MAX_MS = 8_000;
/** Rounds in a row that may follow one trigger, so a plan that keeps changing cannot spin. */
const MAX_ROUNDS = 5;

export class PodWorker {
  private dirty = false;
  private running: Promise<void> | undefined;
  private cancelTimer: (() => void) | undefined;
  private readonly state: PodRuntimeState = { waiting: new Map() };
  private readonly logger: Logger;
  private stopped = false;
  private scheduled = false;
  /** Failed rounds in a row, and the time before which no round runs (retry back-off). */
  private failures = 0;
  private holdUntil = 0;
  /** retryNow came while a round ran: that round's failure must not hold the next one back. */
  private retryAsked = false;
  /** True while this worker stores the status it made: that change is its own output, not news for it. */
  writingStatus = false;

  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly uid: string,
    private readonly deps: PodWorkerDeps,
    /**
     * The pod was created just now, its uid new: no container of it can exist, so its first round needs
     * no listing (one engine round trip less between a create, or a ReplicaSet's replacement, and the
     * sandbox).
     */
    private created = false,
  ) {
    this.logger = deps.logger.child({ pod: `${namespace}/${name}`, podUid: uid });
    deps.starts?.seen(uid);
  }

  /** Asks for a sync round; returns when the round that covers this request has finished. */
  enqueue(): Promise<void> {
    this.dirty = true;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** A round now, even inside the retry hold of failed rounds: what the pod waited for has changed. */
  retryNow(): Promise<void> {
    this.holdUntil = 0;
    this.retryAsked = true;
    return this.enqueue();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.stopped) {
      // After a failed round, wait out the retry delay even if events keep coming (an engine going down
      // sends a burst of them); the timer brings the pending request back.
      if (this.deps.clock.now() < this.holdUntil) {
        this.schedule(this.holdUntil);
        return;
      }
      this.dirty = false;
      this.retryAsked = false;
      const done = this.deps.metrics?.podWorker(this.operation());
      try {
        await this.sync();
        this.failures = 0;
        done?.();
      } catch (err) {
        done?.(true);
        this.failures++;
        const delay = Math.min(ERROR_RETRY_MAX_MS, ERROR_RETRY_MS * 2 ** (this.failures - 1));
        // What the pod waited for arrived during this round (retryNow): the next round runs at once.
        if (this.retryAsked) continue;
        this.holdUntil = this.deps.clock.now() + delay;
        const fields = { error: errorMessage(err), failures: this.failures, retryInMs: delay };
        if (this.failures === 1) this.logger.warn('sync failed; will retry', fields);
        else this.logger.debug('sync failed again', fields);
        this.schedule(this.holdUntil);
      }
    }
  }

  private schedule(at: number | undefined): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (at === undefined || this.stopped) return;
    const delay = Math.max(0, at - this.deps.clock.now());
    this.cancelTimer = this.deps.clock.setTimer(() => void this.enqueue(), delay + 50);
  }

  /** The operation_type of the next round: the pod's first, its removal, or a sync. */
  private operation(): PodWorkerOperation {
    const pod = this.current();
    if (!pod || pod.metadata.deletionTimestamp !== undefined) return 'kill';
    return this.scheduled ? 'sync' : 'create';
  }

  /** The stored pod this worker runs: matched by the uid its containers carry (a mirror pod's hash). */
  private stored(): Pod | undefined {
    const pod = this.deps.store.get(this.namespace, this.name);
    return pod && runtimePod(pod).metadata.uid === this.uid ? pod : undefined;
  }

  /** The pod as the engine knows it (agent/model/static-pod.ts). */
  private current(): Pod | undefined {
    const pod = this.stored();
    return pod && runtimePod(pod);
  }

  private async sync(): Promise<void> {
    const pod = this.current();
    let observed = this.created ? [] : await this.deps.runtime.listContainers(this.uid);
    this.created = false;
    if (!pod || pod.metadata.deletionTimestamp !== undefined) {
      await this.terminate(pod, observed);
      return;
    }
    if (observed.length === 0 && !this.scheduled) {
      // A pod that never ran here: the scheduler's event, as kubectl describe shows it first.
      const m = pod.metadata;
      const message = `Successfully assigned ${m.namespace}/${m.name} to ${pod.spec.nodeName ?? 'localhost'}`;
      this.deps.events.record(
        { kind: 'Pod', name: m.name, namespace: m.namespace, uid: m.uid },
        'Normal',
        'Scheduled',
        message,
        SCHEDULER,
      );
    }
    this.scheduled = true;
    let failure: Error | undefined;
    let acted = true;
    try {
      acted = await this.rounds(pod, observed);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err)); // the status still tells; retried below
    }
    // Sources (a ConfigMap, a Secret, the pod's labels) may have changed: running containers see it.
    this.deps.volumes.refresh(pod);
    // A round that did nothing still has its first look: what changed since comes as an event (a new round).
    if (acted) observed = await this.deps.runtime.listContainers(this.uid);
    this.track(pod, observed);
    this.writeStatus(observed);
    this.schedule(this.state.retryAt);
    if (failure !== undefined) throw failure;
  }

  /**
   * Plans and executes until a round only started things (their exits arrive as events). False when no
   * plan had an action.
   */
  private async rounds(pod: Pod, first: ObservedContainer[]): Promise<boolean> {
    let observed = first;
    let acted = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const actions = planPod(pod, observed, {
        now: this.deps.clock.now(),
        backoff: this.deps.backoff.view,
        pullBackoff: this.deps.pullBackoff.view,
        probe: (id, kind) => this.deps.prober.result(id, kind),
      });
      this.state.retryAt = undefined;
      acted ||= actions.length > 0;
      await this.execute(pod, observed, actions);
      if (actions.every((a) => SETTLES_ROUND[a.type])) return acted;
      observed = await this.deps.runtime.listContainers(this.uid);
    }
    return acted;
  }

  /** Runs a plan, folds its results into the pod's state, and fails with the step that ended the run. */
  private async execute(
    pod: Pod | undefined,
    observed: ObservedContainer[],
    actions: PodAction[],
  ): Promise<void> {
    if (actions.length) this.logger.debug('plan', { actions: actions.map(describeAction) });
    const { steps, failed } = await this.deps.executor.run(pod, observed, actions, this.logger);
    foldResults(this.state, steps);
    if (failed) throw failed.error;
  }

  /** Tells the prober which containers run now in the current sandbox. */
  private track(pod: Pod, observed: readonly ObservedContainer[]): void {
    const view = new PodView(observed);
    const ip = view.sandbox?.hostNetwork ? this.deps.hostIP() : (view.sandbox?.ip ?? '');
    const running = (kind: 'init' | 'app', list: Pod['spec']['containers']) =>
      list.flatMap((container) => {
        const o = view.current(kind, container.name);
        return o?.state === 'running' ? [{ container, kind, observed: o }] : [];
      });
    this.deps.prober.track(
      pod,
      [...running('init', pod.spec.initContainers ?? []), ...running('app', pod.spec.containers)],
      ip,
    );
  }

  private writeStatus(observed: readonly ObservedContainer[]): void {
    const pod = this.current();
    if (!pod) return;
    const prober = this.deps.prober;
    const status = generatePodStatus(pod, observed, {
      now: this.deps.clock.now(),
      hostIP: this.deps.hostIP(),
      waiting: this.state.waiting,
      readiness: (id) => prober.ready(id),
      startup: (id) => prober.started(id),
    });
    if (JSON.stringify(status) === JSON.stringify(pod.status)) return;
    this.deps.starts?.observe({ ...pod, status });
    const stored = this.stored();
    if (!stored) return;
    this.writingStatus = true;
    try {
      this.deps.store.update({ ...stored, status }, { specChanged: false });
    } finally {
      this.writingStatus = false;
    }
  }

  /** Deleted pods: stop with grace, remove containers, volumes and files, then drop the object. */
  private async terminate(pod: Pod | undefined, observed: ObservedContainer[]): Promise<void> {
    this.deps.prober.forgetPod(this.uid);
    const volumes = await this.deps.runtime.listVolumes(this.uid);
    const plan = planTermination(pod, observed, volumes, { now: this.deps.clock.now() });
    const live = plan.filter((a) => a.type === 'recordKilling').length;
    if (pod && live)
      this.logger.info('stopping pod', { gracePeriodSeconds: graceSeconds(pod), containers: live });
    await this.execute(pod, observed, plan);
    await this.deps.volumes.tearDown(this.uid);
    this.deps.files.remove(this.uid);
    this.deps.executor.forgetPod(this.uid);
    this.deps.backoff.forget({ podUid: this.uid });
    this.deps.pullBackoff.forget({ podUid: this.uid });
    this.deps.starts?.forget(this.uid);
    this.deps.metrics?.forgetPod(this.uid); // and no metric series; its events stay until their TTL, as upstream
    if (pod) {
      this.deps.store.remove(pod.metadata.namespace, pod.metadata.name);
      this.logger.info('pod deleted');
    }
    this.stop();
    this.deps.onGone(this.uid);
  }
}
