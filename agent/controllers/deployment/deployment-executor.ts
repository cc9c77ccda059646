// Does what the Deployment plan says: ReplicaSets created, scaled, annotated, adopted and deleted through
// their registry and store (a scaled one with the desired-replicas/max-replicas annotations of the
// Deployment it was sized for), the Deployment's revision annotation and status written; ScalingReplicaSet
// events worded as upstream's.
import type { EventRecorder } from '../../events/recorder';
import { errorMessage } from '../../errors';
import type { Logger } from '../../log';
import { type Deployment, type ReplicaSet, controllerRef, ownerReferencesOf } from '../../model/workload';
import type { ObjectStore } from '../../store/object-store';
import type { WorkloadRegistry } from '../../workloads/workload-registry';
import { replicasAnnotations } from './proportional';
import type { DeploymentAction } from './reconcile-deployment';

export interface DeploymentExecutorDeps {
  deployments: ObjectStore<Deployment>;
  deploymentRegistry: WorkloadRegistry<Deployment>;
  replicaSets: ObjectStore<ReplicaSet>;
  replicaSetRegistry: WorkloadRegistry<ReplicaSet>;
  events: EventRecorder;
  logger: Logger;
}

export class DeploymentExecutor {
  constructor(private readonly deps: DeploymentExecutorDeps) {}

  run(d: Deployment, actions: readonly DeploymentAction[]): void {
    for (const a of actions) {
      try {
        this.step(d, a);
      } catch (err) {
        this.deps.logger.warn('deployment step failed', {
          deployment: `${d.metadata.namespace}/${d.metadata.name}`,
          action: a.type,
          error: errorMessage(err),
        });
        return; // the next round plans again from what is stored
      }
    }
  }

  private scaled(d: Deployment, rs: string, from: number, to: number): void {
    const m = d.metadata;
    this.deps.events.record(
      { apiVersion: 'apps/v1', kind: 'Deployment', name: m.name, namespace: m.namespace, uid: m.uid },
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${to > from ? 'up' : 'down'} replica set ${rs} from ${from} to ${to}`,
      'deployment-controller',
    );
  }

  private updateMeta<T extends ReplicaSet | Deployment>(
    store: ObjectStore<T>,
    obj: T,
    metadata: Partial<T['metadata']>,
  ): void {
    store.update(
      { ...obj, metadata: { ...obj.metadata, ...metadata } },
      { specChanged: false, persist: true },
    );
  }

  private step(d: Deployment, a: DeploymentAction): void {
    const ns = d.metadata.namespace;
    const { replicaSets, replicaSetRegistry, deployments, deploymentRegistry } = this.deps;
    switch (a.type) {
      case 'create':
        replicaSetRegistry.create(a.rs, ns);
        if (a.rs.spec.replicas > 0) this.scaled(d, a.rs.metadata.name, 0, a.rs.spec.replicas);
        return;
      case 'scale': {
        const rs = replicaSets.mustGet(ns, a.rs);
        const annotations = { ...(rs.metadata.annotations ?? {}), ...replicasAnnotations(d) };
        replicaSetRegistry.update(
          { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas: a.to } },
          ns,
          a.rs,
        );
        this.scaled(d, a.rs, a.from, a.to);
        return;
      }
      case 'annotate': {
        const rs = replicaSets.mustGet(ns, a.rs);
        this.updateMeta(replicaSets, rs, {
          annotations: { ...(rs.metadata.annotations ?? {}), ...a.annotations },
        });
        return;
      }
      case 'adopt': {
        const rs = replicaSets.mustGet(ns, a.rs);
        this.updateMeta(replicaSets, rs, {
          ownerReferences: [...ownerReferencesOf(rs.metadata), controllerRef(d)],
        });
        return;
      }
      case 'delete':
        replicaSetRegistry.delete(ns, a.rs);
        return;
      case 'annotateDeployment': {
        const current = deployments.mustGet(ns, d.metadata.name);
        this.updateMeta(deployments, current, {
          annotations: { ...(current.metadata.annotations ?? {}), ...a.annotations },
        });
        return;
      }
      case 'status':
        deploymentRegistry.updateStatus(ns, d.metadata.name, a.status);
        return;
    }
  }
}
