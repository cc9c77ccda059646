// Does what the ReplicaSet plan says, and only that: pods created from the template through the pod
// registry (named <rs>-<5 random>, owned by the ReplicaSet), deleted gracefully through it, adopted and
// released by their ownerReferences, the status published; each step with upstream's event.
import { randomInt } from 'node:crypto';
import type { EventRecorder } from '../../events/recorder';
import { errorMessage } from '../../errors';
import type { Logger } from '../../log';
import type { Pod } from '../../model/pod';
import { type ReplicaSet, controllerRef, ownerReferencesOf } from '../../model/workload';
import type { ObjectStore } from '../../store/object-store';
import type { Registry } from '../../store/registry';
import type { WorkloadRegistry } from '../../workloads/workload-registry';
import type { ReplicaSetAction } from './reconcile-replicaset';

/** Upstream's alphabet for generated names (no vowels, no look-alikes). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const randomSuffix = (): string =>
  Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

export interface ReplicaSetExecutorDeps {
  pods: ObjectStore<Pod>;
  podRegistry: Registry<Pod>;
  replicaSets: WorkloadRegistry<ReplicaSet>;
  events: EventRecorder;
  logger: Logger;
  suffix?: () => string;
}

export class ReplicaSetExecutor {
  constructor(private readonly deps: ReplicaSetExecutorDeps) {}

  run(rs: ReplicaSet, actions: readonly ReplicaSetAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'adopt':
          this.setOwner(rs, a.pod, true);
          break;
        case 'release':
          this.setOwner(rs, a.pod, false);
          break;
        case 'create':
          for (let i = 0; i < a.count; i++) this.create(rs);
          break;
        case 'delete':
          for (const name of a.pods) this.delete(rs, name);
          break;
        case 'status':
          this.deps.replicaSets.updateStatus(rs.metadata.namespace, rs.metadata.name, a.status);
          break;
      }
    }
  }

  private event(rs: ReplicaSet, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const m = rs.metadata;
    this.deps.events.record(
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: m.name, namespace: m.namespace, uid: m.uid },
      type,
      reason,
      message,
      'replicaset-controller',
    );
  }

  private create(rs: ReplicaSet): void {
    const t = rs.spec.template;
    const name = `${rs.metadata.name}-${(this.deps.suffix ?? randomSuffix)()}`;
    const body = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        ...(t.metadata?.labels ? { labels: { ...t.metadata.labels } } : {}),
        ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(rs)],
      },
      spec: structuredClone(t.spec),
    };
    try {
      this.deps.podRegistry.create(body, rs.metadata.namespace);
      this.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`);
    } catch (err) {
      this.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
    }
  }

  private delete(rs: ReplicaSet, name: string): void {
    try {
      this.deps.podRegistry.delete(rs.metadata.namespace, name);
      this.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      this.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
    }
  }

  private setOwner(rs: ReplicaSet, name: string, own: boolean): void {
    const pod = this.deps.pods.get(rs.metadata.namespace, name);
    if (!pod) return;
    const others = ownerReferencesOf(pod.metadata).filter((r) => r.uid !== rs.metadata.uid);
    const ownerReferences = own ? [...others, controllerRef(rs)] : others;
    const { ownerReferences: _old, ...rest } = pod.metadata;
    const metadata = ownerReferences.length ? { ...rest, ownerReferences } : rest;
    this.deps.pods.update({ ...pod, metadata }, { specChanged: false, persist: true });
    this.deps.logger.info(own ? 'pod adopted' : 'pod released', {
      pod: `${pod.metadata.namespace}/${name}`,
      replicaSet: rs.metadata.name,
    });
  }
}
