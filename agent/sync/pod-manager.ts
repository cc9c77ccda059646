// The sync loop: keeps one worker per bound pod and wakes it on desired-state changes, on Docker events for
// its containers, on back-off expiry, and on a slow periodic resync (the backstop). On start it removes
// managed containers and volumes that belong to no stored pod.
import { errorMessage } from '../errors';
import { planLeftoverRemoval } from '../planner/plan-termination';
import { configRefs } from '../model/config-refs';
import type { Pod } from '../model/pod';
import { runtimePod } from '../model/static-pod';
import type { ClaimVolumes } from '../ports/claim-volumes';
import type { ConfigSourceChange, ConfigSources } from '../ports/config-sources';
import { claimsOf } from '../model/persistent-volume-claim';
import type { RuntimeEvent } from '../runtime/runtime';
import type { ObjectStore } from '../store/object-store';
import { PodWorker, type PodWorkerDeps } from './pod-worker';

export interface PodManagerDeps extends Omit<PodWorkerDeps, 'onGone'> {
  resyncMs: number;
  /** ConfigMap and Secret changes: a pod that names the object is synced at once (it may be waiting for it). */
  configChanges: Pick<ConfigSources, 'onChange'>;
  /** PersistentVolumeClaim changes: a pod that names the claim is synced at once (it may be waiting for it). */
  claimChanges?: Pick<ClaimVolumes, 'onChange'>;
}

/** Only pods the scheduler bound run here; one waiting for it has no worker, no containers, no status round. */
const isBound = (pod: Pod): boolean => Boolean(pod.spec.nodeName);

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 2_000; // exits are missed while disconnected: come back soon

export class PodManager {
  private readonly workers = new Map<string, PodWorker>();
  private readonly abort = new AbortController();
  private cancelResync: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private unsubscribeConfig: (() => void) | undefined;
  private unsubscribeClaims: (() => void) | undefined;
  private reconnectDelay = RECONNECT_MIN_MS;
  private disconnectedLogged = false;

  constructor(private readonly deps: PodManagerDeps) {}

  private get store(): ObjectStore<Pod> {
    return this.deps.store;
  }

  async start(): Promise<void> {
    this.unsubscribe = this.store.onChange(({ type, object }) => {
      if (type === 'DELETED' || !isBound(object)) return;
      const w = this.worker(object, type === 'ADDED');
      // A worker's own status write would only wake a round that finds nothing new, and an init
      // container's exit that comes meanwhile would wait behind it.
      if (!w.writingStatus) void w.enqueue();
    });
    this.unsubscribeConfig = this.deps.configChanges.onChange((c) => this.onConfigChange(c));
    this.unsubscribeClaims = this.deps.claimChanges?.onChange((ns, name) => this.onClaimChange(ns, name));
    await this.watchRuntime();
    await this.removeDangling();
    this.resyncAll();
  }

  stop(): void {
    this.abort.abort();
    this.unsubscribe?.();
    this.unsubscribeConfig?.();
    this.unsubscribeClaims?.();
    this.cancelResync?.();
    for (const w of this.workers.values()) w.stop();
    this.workers.clear();
  }

  /** Asks the worker of a pod for a round (probe results, timers). */
  wake(uid: string): void {
    void this.workers.get(uid)?.enqueue();
  }

  /**
   * A ConfigMap or Secret changed: the pods of its namespace that name it get a round now, past any retry
   * hold (a pod waiting in CreateContainerConfigError starts as soon as what it needs exists).
   */
  private onConfigChange(c: ConfigSourceChange): void {
    if (c.type === 'DELETED') return;
    for (const pod of this.store.list(c.namespace)) {
      const refs = configRefs(pod);
      const named = c.kind === 'ConfigMap' ? refs.configMaps : refs.secrets;
      if (named.has(c.name)) void this.workers.get(runtimePod(pod).metadata.uid)?.retryNow();
    }
  }

  /** A claim changed (created, bound): the pods of its namespace that name it get a round now. */
  private onClaimChange(namespace: string, name: string): void {
    for (const pod of this.store.list(namespace))
      if (claimsOf(pod).includes(name)) void this.workers.get(runtimePod(pod).metadata.uid)?.retryNow();
  }

  /** Syncs one pod now and waits for that round (tests and the API use it). */
  syncNow(pod: Pod): Promise<void> {
    return isBound(pod) ? this.worker(pod).enqueue() : Promise.resolve();
  }

  /**
   * `created`: the pod was just created (a new uid), so the engine has nothing of it yet. Never so for a
   * mirror pod: it runs under its static pod's hash, whose containers may well exist.
   */
  private worker(pod: Pod, created = false): PodWorker {
    const runtime = runtimePod(pod); // a mirror pod runs under its static pod's hash
    const m = runtime.metadata;
    if (runtime !== pod) created = false;
    let w = this.workers.get(m.uid);
    if (!w) {
      w = new PodWorker(
        m.namespace,
        m.name,
        m.uid,
        { ...this.deps, onGone: (uid) => this.workers.delete(uid) },
        created,
      );
      this.workers.set(m.uid, w);
    }
    return w;
  }

  private onRuntimeEvent(e: RuntimeEvent): void {
    this.deps.metrics?.runtimeEvent();
    if (e.type === 'create') return; // our own creates; the start that follows is what matters
    if (e.type === 'start' && this.deps.executor.ownStart(e.containerId)) return; // its round told it
    const w = this.workers.get(e.podUid);
    if (w) void w.enqueue();
  }

  private async watchRuntime(): Promise<void> {
    try {
      await this.deps.runtime.watchEvents(
        (e) => this.onRuntimeEvent(e),
        (err) => this.reconnect(err),
        this.abort.signal,
      );
      this.deps.metrics?.eventsStream(true);
      if (this.disconnectedLogged) this.deps.logger.info('Docker events stream reconnected');
      this.reconnectDelay = RECONNECT_MIN_MS;
      this.disconnectedLogged = false;
    } catch (err) {
      this.reconnect(err);
    }
  }

  /** The events stream broke (engine restart): reconnect with back-off, logging once, then relist all. */
  private reconnect(err: unknown): void {
    if (this.abort.signal.aborted) return;
    this.deps.metrics?.eventsStream(false);
    if (!this.disconnectedLogged) {
      this.deps.logger.warn('lost the Docker events stream; reconnecting', { error: errorMessage(err) });
      this.disconnectedLogged = true;
    }
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(RECONNECT_MAX_MS, delay * 2);
    this.deps.clock.setTimer(() => {
      void this.watchRuntime().then(() => {
        if (!this.disconnectedLogged) this.resyncAll(false);
      });
    }, delay);
  }

  private resyncAll(reschedule = true): void {
    const done = this.deps.metrics?.relist();
    const rounds = this.store
      .list()
      .filter(isBound)
      .map((pod) => this.worker(pod).enqueue());
    void Promise.allSettled(rounds).then(() => done?.());
    if (!reschedule) return;
    this.cancelResync = this.deps.clock.setTimer(() => this.resyncAll(), this.deps.resyncMs);
  }

  private async removeDangling(): Promise<void> {
    const known = new Set(this.store.list().map((p) => runtimePod(p).metadata.uid));
    const rt = this.deps.runtime;
    const containers = await rt.listContainers();
    const strays = containers.filter((c) => !known.has(c.podUid));
    if (strays.length) this.deps.logger.info('removing containers of unknown pods', { count: strays.length });
    const plan = planLeftoverRemoval(known, containers, await rt.listVolumes());
    const { failed } = await this.deps.executor.run(undefined, strays, plan, this.deps.logger);
    if (failed) throw failed.error;
  }
}
