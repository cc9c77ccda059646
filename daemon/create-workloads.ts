// The wiring of apps/v1: the Deployment, ReplicaSet and DaemonSet registries, their controllers, and the
// garbage collector over every kind that owns or is owned (pods, ReplicaSets, Deployments, DaemonSets,
// StatefulSets, ControllerRevisions, the StatefulSets' claims; a new owner kind is one entry in `kinds`).
import type { Clock } from '../agent/clock';
import { DeploymentExecutor } from '../agent/controllers/deployment/deployment-executor';
import { reconcileDeployment } from '../agent/controllers/deployment/reconcile-deployment';
import { DaemonSetExecutor } from '../agent/controllers/daemonset/daemonset-executor';
import { reconcileDaemonSet } from '../agent/controllers/daemonset/reconcile-daemonset';
import { currentRevisionHash, planRevisions } from '../agent/controllers/daemonset/plan-revisions';
import { ControllerRevisionRegistry } from '../agent/controllerrevisions/controller-revision-registry';
import type { ControllerRevision } from '../agent/model/controller-revision';
import { controllerOf, ownerReferencesOf } from '../agent/model/workload';
import { isActive } from '../agent/controllers/pod-readiness';
import { OwnerController } from '../agent/controllers/owner-controller';
import { reconcileReplicaSet } from '../agent/controllers/replicaset/reconcile-replicaset';
import { type CollectedKind, GarbageCollector } from '../agent/controllers/gc/garbage-collector';
import { ReplicaSetExecutor } from '../agent/controllers/replicaset/replicaset-executor';
import type { EventRecorder } from '../agent/events/recorder';
import type { Logger } from '../agent/log';
import { type Namespace, isTerminating } from '../agent/model/namespace';
import type { Pod } from '../agent/model/pod';
import type { Node } from '../agent/model/node';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../agent/model/workload';
import type { PersistentVolumeClaim } from '../agent/model/persistent-volume-claim';
import { StatefulSetExecutor } from '../agent/controllers/statefulset/statefulset-executor';
import { reconcileStatefulSet } from '../agent/controllers/statefulset/reconcile-statefulset';
import { statefulSetRevisions } from '../agent/controllers/statefulset/statefulset-revisions';
import { writeRevisions } from '../agent/controllers/daemonset/write-revisions';
import {
  DAEMON_SET_KIND,
  DEPLOYMENT_KIND,
  REPLICA_SET_KIND,
  STATEFUL_SET_KIND,
} from '../agent/model/workload-decode';
import type { ObjectStore, StoredObject } from '../agent/store/object-store';
import type { Registry } from '../agent/store/registry';
import { WorkloadRegistry } from '../agent/workloads/workload-registry';

export interface WorkloadsDeps {
  deployments: ObjectStore<Deployment>;
  replicaSets: ObjectStore<ReplicaSet>;
  daemonSets: ObjectStore<DaemonSet>;
  statefulSets: ObjectStore<StatefulSet>;
  /** The claims StatefulSets make from their volumeClaimTemplates. */
  claims: ObjectStore<PersistentVolumeClaim>;
  claimRegistry: Registry<PersistentVolumeClaim>;
  /** The DaemonSets' and StatefulSets' template history. */
  controllerRevisions: ObjectStore<ControllerRevision>;
  pods: ObjectStore<Pod>;
  /** This node: where DaemonSet pods are bound, and whose labels their nodeSelector must match. */
  nodes: ObjectStore<Node>;
  nodeName: string;
  podRegistry: Registry<Pod>;
  namespaces: ObjectStore<Namespace>;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  resyncMs: number;
  /** More owner kinds the garbage collector follows (batch/v1: Jobs own pods, CronJobs own Jobs). */
  collected?: CollectedKind[];
}

export interface Workloads {
  deploymentRegistry: WorkloadRegistry<Deployment>;
  replicaSetRegistry: WorkloadRegistry<ReplicaSet>;
  daemonSetRegistry: WorkloadRegistry<DaemonSet>;
  statefulSetRegistry: WorkloadRegistry<StatefulSet>;
  controllerRevisionRegistry: ControllerRevisionRegistry;
  daemonSetController: OwnerController<DaemonSet, Pod>;
  statefulSetController: OwnerController<StatefulSet, Pod>;
  replicaSetController: OwnerController<ReplicaSet, Pod>;
  deploymentController: OwnerController<Deployment, ReplicaSet>;
  garbageCollector: GarbageCollector;
  start(): void;
  stop(): void;
}

export function createWorkloads(o: WorkloadsDeps): Workloads {
  const { clock, logger, events, resyncMs } = o;
  const deploymentRegistry = new WorkloadRegistry({ store: o.deployments, clock, kind: DEPLOYMENT_KIND });
  const replicaSetRegistry = new WorkloadRegistry({ store: o.replicaSets, clock, kind: REPLICA_SET_KIND });
  const daemonSetRegistry = new WorkloadRegistry({ store: o.daemonSets, clock, kind: DAEMON_SET_KIND });
  const statefulSetRegistry = new WorkloadRegistry({ store: o.statefulSets, clock, kind: STATEFUL_SET_KIND });
  const terminating = (ns: string): boolean => {
    const namespace = o.namespaces.get('', ns);
    return !namespace || isTerminating(namespace);
  };
  const replicaSetExecutor = new ReplicaSetExecutor({
    pods: o.pods,
    podRegistry: o.podRegistry,
    replicaSets: replicaSetRegistry,
    events,
    logger: logger.child({ component: 'replicaset-controller' }),
  });
  const deploymentExecutor = new DeploymentExecutor({
    deployments: o.deployments,
    deploymentRegistry,
    replicaSets: o.replicaSets,
    replicaSetRegistry,
    events,
    logger: logger.child({ component: 'deployment-controller' }),
  });
  const common = { isTerminating: terminating, clock, resyncMs };
  const replicaSetController = new OwnerController({
    ...common,
    owners: o.replicaSets,
    dependents: o.pods,
    logger: logger.child({ component: 'replicaset-controller' }),
    reconcile: (rs, pods) => {
      const plan = reconcileReplicaSet(rs, pods, clock.now());
      replicaSetExecutor.run(rs, plan.actions);
      return plan.requeueMs;
    },
  });
  const deploymentController = new OwnerController({
    ...common,
    owners: o.deployments,
    dependents: o.replicaSets,
    logger: logger.child({ component: 'deployment-controller' }),
    reconcile: (d, replicaSets) => {
      const plan = reconcileDeployment(d, replicaSets, clock.now());
      deploymentExecutor.run(d, plan.actions);
      return plan.requeueMs;
    },
  });
  const controllerRevisionRegistry = new ControllerRevisionRegistry(o.controllerRevisions);
  const daemonSetExecutor = new DaemonSetExecutor({
    podRegistry: o.podRegistry,
    daemonSets: daemonSetRegistry,
    revisions: controllerRevisionRegistry,
    events,
  });
  const daemonSetController = new OwnerController({
    ...common,
    owners: o.daemonSets,
    dependents: o.pods,
    logger: logger.child({ component: 'daemonset-controller' }),
    reconcile: (ds, pods) => {
      const own = pods.filter((p) => controllerOf(p.metadata)?.uid === ds.metadata.uid && isActive(p));
      const history = o.controllerRevisions.list(ds.metadata.namespace);
      daemonSetExecutor.runRevisions(ds, planRevisions(ds, history, own));
      // No current revision (its name collided): the bumped collisionCount brings the next sync.
      const hash = currentRevisionHash(ds, o.controllerRevisions.list(ds.metadata.namespace));
      if (hash === undefined) return undefined;
      const plan = reconcileDaemonSet(ds, pods, o.nodes.get('', o.nodeName), clock.now(), hash);
      daemonSetExecutor.run(ds, plan.actions);
      return plan.requeueMs;
    },
  });
  const statefulSetExecutor = new StatefulSetExecutor({
    podRegistry: o.podRegistry,
    claims: o.claimRegistry,
    claimStore: o.claims,
    statefulSets: statefulSetRegistry,
    events,
  });
  const statefulSetController = new OwnerController({
    ...common,
    owners: o.statefulSets,
    dependents: o.pods,
    logger: logger.child({ component: 'statefulset-controller' }),
    reconcile: (sts, pods) => {
      const own = pods.filter((p) => controllerOf(p.metadata)?.uid === sts.metadata.uid && isActive(p));
      writeRevisions(sts, planRevisions(sts, o.controllerRevisions.list(sts.metadata.namespace), own), {
        revisions: controllerRevisionRegistry,
        bumpCollisionCount: () =>
          statefulSetRegistry.updateStatus(sts.metadata.namespace, sts.metadata.name, {
            ...sts.status,
            collisionCount: (sts.status.collisionCount ?? 0) + 1,
          }),
        failed: () => undefined, // retried on the next sync
      });
      const revisions = statefulSetRevisions(sts, o.controllerRevisions.list(sts.metadata.namespace));
      if (!revisions) return undefined; // its name collided: the bumped collisionCount brings the next sync
      const claims = new Map(
        o.claims.list(sts.metadata.namespace).map((c) => [
          c.metadata.name,
          {
            ownerReferences: ownerReferencesOf(c.metadata),
            deleting: c.metadata.deletionTimestamp !== undefined,
          },
        ]),
      );
      const plan = reconcileStatefulSet(sts, { pods, claims, ...revisions, now: clock.now() });
      statefulSetExecutor.run(sts, plan.actions);
      return plan.requeueMs;
    },
  });
  // The Node's labels and taints decide every DaemonSet's placement: a Node change looks at them all.
  let unwatchNodes = (): void => {};
  const kind = <T extends StoredObject>(store: ObjectStore<T>, registry: Registry<T>) => ({
    store: store as unknown as ObjectStore<StoredObject>,
    delete: (ns: string, name: string) => void registry.delete(ns, name),
  });
  const garbageCollector = new GarbageCollector({
    kinds: [
      kind(o.pods, o.podRegistry),
      kind(o.replicaSets, replicaSetRegistry),
      kind(o.deployments, deploymentRegistry),
      kind(o.daemonSets, daemonSetRegistry),
      kind(o.statefulSets, statefulSetRegistry),
      kind(o.controllerRevisions, controllerRevisionRegistry),
      // Claims: owned by their StatefulSet or pod under a retention policy Delete.
      kind(o.claims, o.claimRegistry),
      ...(o.collected ?? []),
    ],
    clock,
    logger: logger.child({ component: 'garbage-collector' }),
    resyncMs,
  });
  return {
    deploymentRegistry,
    replicaSetRegistry,
    daemonSetRegistry,
    statefulSetRegistry,
    controllerRevisionRegistry,
    daemonSetController,
    statefulSetController,
    replicaSetController,
    deploymentController,
    garbageCollector,
    start() {
      garbageCollector.start();
      replicaSetController.start();
      deploymentController.start();
      daemonSetController.start();
      statefulSetController.start();
      unwatchNodes = o.nodes.onChange(() => {
        for (const ds of o.daemonSets.list())
          daemonSetController.queue.add(`${ds.metadata.namespace}/${ds.metadata.name}`);
      });
    },
    stop() {
      unwatchNodes();
      daemonSetController.stop();
      statefulSetController.stop();
      deploymentController.stop();
      replicaSetController.stop();
      garbageCollector.stop();
    },
  };
}
