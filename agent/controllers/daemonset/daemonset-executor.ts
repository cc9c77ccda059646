// Does what the DaemonSet plan says: the pod created from the template through the pod registry (named
// <ds>-<5 random>, owned by the DaemonSet, bound to this node, labelled with the template's hash and
// generation), pods deleted gracefully through it, the status published; each step with upstream's event.
import { withDaemonTolerations } from './daemon-tolerations';
import type { EventRecorder } from '../../events/recorder';
import { errorMessage } from '../../errors';
import type { Pod } from '../../model/pod';
import {
  CONTROLLER_REVISION_HASH,
  type DaemonSet,
  POD_TEMPLATE_GENERATION,
  controllerRef,
} from '../../model/workload';
import type { Registry } from '../../store/registry';
import type { WorkloadRegistry } from '../../workloads/workload-registry';
import { randomSuffix } from '../replicaset/replicaset-executor';
import type { ControllerRevision } from '../../model/controller-revision';
import type { RevisionAction } from './plan-revisions';
import { writeRevisions } from './write-revisions';
import type { DaemonSetAction } from './reconcile-daemonset';

export interface DaemonSetExecutorDeps {
  podRegistry: Registry<Pod>;
  daemonSets: WorkloadRegistry<DaemonSet>;
  revisions: Registry<ControllerRevision>;
  events: EventRecorder;
  suffix?: () => string;
}

export class DaemonSetExecutor {
  constructor(private readonly deps: DaemonSetExecutorDeps) {}

  run(ds: DaemonSet, actions: readonly DaemonSetAction[]): void {
    for (const a of actions) {
      if (a.type === 'create') this.create(ds, a.hash);
      else if (a.type === 'delete') for (const name of a.pods) this.delete(ds, name);
      else this.deps.daemonSets.updateStatus(ds.metadata.namespace, ds.metadata.name, a.status);
    }
  }

  /** The template history, before the pods (upstream's order); a failure is an event, retried on resync. */
  runRevisions(ds: DaemonSet, actions: readonly RevisionAction[]): void {
    writeRevisions(ds, actions, {
      revisions: this.deps.revisions,
      bumpCollisionCount: () => this.bumpCollisionCount(ds),
      failed: (_ds, message) => this.event(ds, 'Warning', 'FailedHistory', message),
    });
  }

  /** The new revision's name is taken: the next hash includes one more collision (upstream's snapshot). */
  private bumpCollisionCount(ds: DaemonSet): void {
    const collisionCount = (ds.status.collisionCount ?? 0) + 1;
    this.deps.daemonSets.updateStatus(ds.metadata.namespace, ds.metadata.name, {
      ...ds.status,
      collisionCount,
    });
  }

  private event(ds: DaemonSet, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const m = ds.metadata;
    this.deps.events.record(
      { apiVersion: 'apps/v1', kind: 'DaemonSet', name: m.name, namespace: m.namespace, uid: m.uid },
      type,
      reason,
      message,
      'daemonset-controller',
    );
  }

  private create(ds: DaemonSet, hash: string): void {
    const t = ds.spec.template;
    const name = `${ds.metadata.name}-${(this.deps.suffix ?? randomSuffix)()}`;
    const labels = {
      ...(t.metadata?.labels ?? {}),
      [CONTROLLER_REVISION_HASH]: hash,
      [POD_TEMPLATE_GENERATION]: String(ds.metadata.generation ?? 1),
    };
    const body = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        labels,
        ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(ds)],
      },
      // Through the scheduler as upstream's daemon pods, with the tolerations upstream's controller adds.
      spec: { ...structuredClone(t.spec), tolerations: withDaemonTolerations(t.spec) },
    };
    try {
      this.deps.podRegistry.create(body, ds.metadata.namespace);
      this.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`);
    } catch (err) {
      this.event(ds, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
    }
  }

  private delete(ds: DaemonSet, name: string): void {
    try {
      this.deps.podRegistry.delete(ds.metadata.namespace, name);
      this.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      this.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
    }
  }
}
