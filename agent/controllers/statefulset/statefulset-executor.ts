// Does what the StatefulSet plan says: claims made from the volumeClaimTemplates (with the owners the
// retention policy gives them), their owner references rewritten, pods `<set>-<ordinal>` from a revision's template (owned by the set, labelled with
// their name, ordinal and revision, hostname the pod's name and subdomain the set's serviceName, each claim
// template's volume pointing at the pod's own claim), deletes, the status; each step with the event
// upstream's statefulset-controller records.
import { errorMessage } from '../../errors';
import { type EventRecorder, involvedObjectOf } from '../../events/recorder';
import type { PersistentVolumeClaim } from '../../model/persistent-volume-claim';
import type { Pod, Volume } from '../../model/pod';
import {
  CONTROLLER_REVISION_HASH,
  POD_INDEX,
  STATEFUL_SET_POD_NAME,
  type OwnerReference,
  type StatefulSet,
  controllerRef,
} from '../../model/workload';
import type { ObjectStore } from '../../store/object-store';
import type { Registry } from '../../store/registry';
import type { WorkloadRegistry } from '../../workloads/workload-registry';
import { type RevisionView, type StatefulSetAction, claimName, podName } from './reconcile-statefulset';

export interface StatefulSetExecutorDeps {
  podRegistry: Registry<Pod>;
  claims: Registry<PersistentVolumeClaim>;
  /** Where the claims are read from, for their owner references. */
  claimStore: ObjectStore<PersistentVolumeClaim>;
  statefulSets: WorkloadRegistry<StatefulSet>;
  events: EventRecorder;
}

export class StatefulSetExecutor {
  constructor(private readonly deps: StatefulSetExecutorDeps) {}

  run(sts: StatefulSet, actions: readonly StatefulSetAction[]): void {
    for (const a of actions) {
      if (a.type === 'createClaims')
        for (const c of a.claims) this.createClaim(sts, a.ordinal, c, a.ownerReferences);
      else if (a.type === 'claimOwners') this.setClaimOwners(sts, a.claim, a.ownerReferences);
      else if (a.type === 'claimDeleting')
        this.event(
          sts,
          'Warning',
          'FailedCreate',
          `create Pod ${podName(sts, a.ordinal)} in StatefulSet ${sts.metadata.name} failed error: pvc ${a.claim} is being deleted`,
        );
      else if (a.type === 'createPod') this.createPod(sts, a.ordinal, a.revision);
      else if (a.type === 'deletePod') this.deletePod(sts, a.name);
      else this.deps.statefulSets.updateStatus(sts.metadata.namespace, sts.metadata.name, a.status);
    }
  }

  private event(sts: StatefulSet, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.events.record(involvedObjectOf(sts), type, reason, message, 'statefulset-controller');
  }

  private createClaim(sts: StatefulSet, ordinal: number, name: string, owners: OwnerReference[] = []): void {
    const template = (sts.spec.volumeClaimTemplates ?? []).find(
      (t) => claimName(t.metadata.name, sts, ordinal) === name,
    );
    if (!template) return;
    const pod = podName(sts, ordinal);
    // Upstream labels a claim with the template's labels and the set's matchLabels.
    const labels = { ...(template.metadata.labels ?? {}), ...(sts.spec.selector.matchLabels ?? {}) };
    const body = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name,
        labels,
        ...(owners.length ? { ownerReferences: owners } : {}),
        ...(template.metadata.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      },
      spec: structuredClone(template.spec),
    };
    try {
      this.deps.claims.create(body, sts.metadata.namespace);
      this.event(
        sts,
        'Normal',
        'SuccessfulCreate',
        `create Claim ${name} Pod ${pod} in StatefulSet ${sts.metadata.name} success`,
      );
    } catch (err) {
      this.event(
        sts,
        'Warning',
        'FailedCreate',
        `create Claim ${name} for Pod ${pod} in StatefulSet ${sts.metadata.name} failed error: ${errorMessage(err)}`,
      );
    }
  }

  /** Upstream's UpdatePodClaimForRetentionPolicy: a claim's references, as the retention policy wants them. */
  private setClaimOwners(sts: StatefulSet, name: string, ownerReferences: OwnerReference[]): void {
    const ns = sts.metadata.namespace;
    try {
      const claim = this.deps.claimStore.get(ns, name);
      if (!claim) return;
      const { ownerReferences: _old, ...metadata } = claim.metadata;
      const next = {
        ...claim,
        metadata: ownerReferences.length ? { ...metadata, ownerReferences } : metadata,
      };
      this.deps.claims.update(next, ns, name);
    } catch (err) {
      this.event(
        sts,
        'Warning',
        'FailedUpdate',
        `could not update claim ${name} for delete policy ownerRefs: ${errorMessage(err)}`,
      );
    }
  }

  private createPod(sts: StatefulSet, ordinal: number, revision: RevisionView): void {
    const t = revision.template;
    const name = podName(sts, ordinal);
    const claimVolumes: Volume[] = (sts.spec.volumeClaimTemplates ?? []).map((c) => ({
      name: c.metadata.name,
      persistentVolumeClaim: { claimName: claimName(c.metadata.name, sts, ordinal) },
    }));
    const named = new Set(claimVolumes.map((v) => v.name));
    const spec = structuredClone(t.spec);
    spec.volumes = [...(spec.volumes ?? []).filter((v) => !named.has(v.name)), ...claimVolumes];
    const body = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        labels: {
          ...(t.metadata?.labels ?? {}),
          [STATEFUL_SET_POD_NAME]: name,
          [POD_INDEX]: String(ordinal),
          [CONTROLLER_REVISION_HASH]: revision.name,
        },
        ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(sts)],
      },
      spec: {
        ...spec,
        hostname: name,
        ...(sts.spec.serviceName ? { subdomain: sts.spec.serviceName } : {}),
      },
    };
    const set = sts.metadata.name;
    try {
      this.deps.podRegistry.create(body, sts.metadata.namespace);
      this.event(sts, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${set} successful`);
    } catch (err) {
      this.event(
        sts,
        'Warning',
        'FailedCreate',
        `create Pod ${name} in StatefulSet ${set} failed error: ${errorMessage(err)}`,
      );
    }
  }

  private deletePod(sts: StatefulSet, name: string): void {
    const set = sts.metadata.name;
    try {
      this.deps.podRegistry.delete(sts.metadata.namespace, name);
      this.event(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${name} in StatefulSet ${set} successful`);
    } catch (err) {
      this.event(
        sts,
        'Warning',
        'FailedDelete',
        `delete Pod ${name} in StatefulSet ${set} failed error: ${errorMessage(err)}`,
      );
    }
  }
}
