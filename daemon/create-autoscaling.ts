// autoscaling: the HorizontalPodAutoscaler store, its v2 and v1 write paths, and the HPA controller over the
// scale of Deployments, ReplicaSets and StatefulSets and the stats collector's usage (agent/autoscaling/).
import type { Clock } from '../agent/clock';
import { HpaController } from '../agent/autoscaling/hpa-controller';
import { HpaRegistry, HpaV1Registry } from '../agent/autoscaling/hpa-registry';
import { type ScalableKind, scaleTargets } from '../agent/autoscaling/scale-targets';
import type { EventRecorder } from '../agent/events/recorder';
import type { Logger } from '../agent/log';
import type { HorizontalPodAutoscaler } from '../agent/model/hpa';
import type { Pod } from '../agent/model/pod';
import type { Deployment, ReplicaSet, StatefulSet } from '../agent/model/workload';
import type { ResourceUsage } from '../agent/ports/resource-usage';
import type { ObjectStore } from '../agent/store/object-store';
import type { WorkloadRegistry } from '../agent/workloads/workload-registry';

export interface AutoscalingOptions {
  /** Made before the rest: the namespace controller deletes a namespace's HPAs. */
  hpas: ObjectStore<HorizontalPodAutoscaler>;
  clock: Clock;
  pods: ObjectStore<Pod>;
  usage: ResourceUsage;
  events: EventRecorder;
  logger: Logger;
  targets: {
    deployments: [ObjectStore<Deployment>, WorkloadRegistry<Deployment>];
    replicaSets: [ObjectStore<ReplicaSet>, WorkloadRegistry<ReplicaSet>];
    statefulSets: [ObjectStore<StatefulSet>, WorkloadRegistry<StatefulSet>];
  };
  /** upstream's --horizontal-pod-autoscaler-sync-period (15 s). */
  syncPeriodMs?: number;
}

export interface Autoscaling {
  hpas: ObjectStore<HorizontalPodAutoscaler>;
  registry: HpaRegistry;
  v1Registry: HpaV1Registry;
  controller: HpaController;
}

export function createAutoscaling(o: AutoscalingOptions): Autoscaling {
  const hpas = o.hpas;
  const registry = new HpaRegistry(hpas);
  const apps = <T extends Deployment | ReplicaSet | StatefulSet>(
    kind: string,
    [store, reg]: [ObjectStore<T>, WorkloadRegistry<T>],
  ): ScalableKind => ({
    kind,
    group: 'apps',
    // Deployments, ReplicaSets and StatefulSets all have spec.replicas, spec.selector and status.replicas
    store: store as unknown as ScalableKind['store'],
    registry: reg,
  });
  const t = o.targets;
  const controller = new HpaController({
    hpas,
    registry,
    targets: scaleTargets([
      apps('Deployment', t.deployments),
      apps('ReplicaSet', t.replicaSets),
      apps('StatefulSet', t.statefulSets),
    ]),
    pods: o.pods,
    usage: o.usage,
    events: o.events,
    clock: o.clock,
    logger: o.logger.child({ component: 'horizontal-pod-autoscaler' }),
    ...(o.syncPeriodMs !== undefined ? { syncPeriodMs: o.syncPeriodMs } : {}),
  });
  return { hpas, registry, v1Registry: new HpaV1Registry(registry, hpas), controller };
}
