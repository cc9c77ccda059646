// The HPA controller: every sync period (upstream's --horizontal-pod-autoscaler-sync-period, 15 s) and when
// an HPA is created, each HPA is planned (plan-hpa.ts, pure) from its target's scale, the target's pods and
// their usage (the stats collector's samples, as metrics.k8s.io serves them), then executed: the target's
// replicas written through its scale path, the status written, the events recorded.
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import { type EventRecorder, involvedObjectOf } from '../events/recorder';
import type { Logger } from '../log';
import { HPA_COMPONENT, type HorizontalPodAutoscaler } from '../model/hpa';
import { selectorMatches } from '../model/label-selector';
import type { Pod } from '../model/pod';
import type { ResourceUsage, UsageSnapshot } from '../ports/resource-usage';
import type { ObjectStore } from '../store/object-store';
import type { HpaRegistry } from './hpa-registry';
import { type HpaHistory, completeRescale, emptyHistory, planHpa } from './plan-hpa';
import type { PodMetrics } from './replica-calculator';
import type { ScaleTargets } from './scale-targets';

/** upstream's default --horizontal-pod-autoscaler-sync-period. */
export const DEFAULT_HPA_SYNC_PERIOD_MS = 15_000;

export interface HpaControllerDeps {
  hpas: ObjectStore<HorizontalPodAutoscaler>;
  registry: HpaRegistry;
  targets: ScaleTargets;
  pods: ObjectStore<Pod>;
  usage: ResourceUsage;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (default 300 s). */
  downscaleStabilizationSeconds?: number;
}

/** The pods' usage of a resource from one snapshot, in milli-units by pod name (one namespace). */
export function podMetrics(snapshot: UsageSnapshot, namespace: string, resource: string): PodMetrics {
  const values = new Map<string, number>();
  if (resource === 'cpu' || resource === 'memory') {
    for (const c of snapshot.containers) {
      if (c.namespace !== namespace) continue;
      const milli = resource === 'cpu' ? Math.round(c.cpuCores * 1000) : c.workingSetBytes * 1000;
      values.set(c.pod, (values.get(c.pod) ?? 0) + milli);
    }
  }
  return { values, at: snapshot.at, windowMs: snapshot.windowSeconds * 1000 };
}

export class HpaController {
  private readonly histories = new Map<string, HpaHistory>();
  private cancel: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: HpaControllerDeps) {}

  start(): void {
    this.unsubscribe = this.deps.hpas.onChange(({ type, object }) => {
      if (type === 'DELETED') this.histories.delete(object.metadata.uid);
      // a new HPA is looked at at once (upstream's queue), not at the next period; after this write returns
      if (type === 'ADDED')
        this.deps.clock.setTimer(() => this.syncOne(object.metadata.namespace, object.metadata.name), 0);
    });
    this.loop();
  }

  stop(): void {
    this.cancel?.();
    this.unsubscribe?.();
  }

  private loop(): void {
    this.cancel = this.deps.clock.setTimer(() => {
      this.syncAll();
      this.loop();
    }, this.deps.syncPeriodMs ?? DEFAULT_HPA_SYNC_PERIOD_MS);
  }

  syncAll(): void {
    for (const h of this.deps.hpas.list()) this.syncOne(h.metadata.namespace, h.metadata.name);
  }

  syncOne(namespace: string, name: string): void {
    const hpa = this.deps.hpas.get(namespace, name);
    if (!hpa) return;
    try {
      this.reconcile(hpa);
    } catch (err) {
      this.deps.logger.warn('hpa sync failed', { hpa: `${namespace}/${name}`, error: errorMessage(err) });
    }
  }

  private reconcile(hpa: HorizontalPodAutoscaler): void {
    const { targets, clock, usage, events } = this.deps;
    const { namespace, uid } = hpa.metadata;
    const ref = hpa.spec.scaleTargetRef;
    const scale = targets.get(namespace, ref);
    const selector = 'error' in scale ? undefined : scale.selector;
    const pods = selector
      ? this.deps.pods.list(namespace).filter((p) => selectorMatches(selector, p.metadata.labels))
      : [];
    const snapshot = usage.snapshot();
    const now = clock.now();
    let plan = planHpa(hpa, {
      scale,
      pods,
      metrics: (resource) => podMetrics(snapshot, namespace, resource),
      now,
      history: this.histories.get(uid) ?? emptyHistory(),
      ...(this.deps.downscaleStabilizationSeconds !== undefined
        ? { downscaleStabilizationSeconds: this.deps.downscaleStabilizationSeconds }
        : {}),
    });
    if (plan.rescale) {
      let error: string | undefined;
      try {
        targets.setReplicas(namespace, ref, plan.rescale.replicas);
      } catch (err) {
        error = errorMessage(err);
      }
      plan = completeRescale(hpa, plan, error === undefined ? {} : { error }, now);
    }
    this.histories.set(uid, plan.history);
    for (const e of plan.events)
      events.record(involvedObjectOf(hpa), e.type, e.reason, e.message, HPA_COMPONENT);
    this.deps.registry.updateStatus(namespace, hpa.metadata.name, plan.status);
  }
}
