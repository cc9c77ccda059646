// Creating, updating and deleting Pods: decoding with defaults and validation, the allow-flags, admission
// (the ServiceAccount and its token, DefaultTolerationSeconds), the node they run on (the scheduler's decision at create: agent/scheduler/), and graceful deletion (the sync loop
// removes a pod marked for deletion; one never bound goes at once, as upstream).
import type { Clock } from '../clock';
import { MiniKubeletError, forbidden } from '../errors';
import { markDeleting } from '../model/deletion';
import { invalidError } from '../model/field-errors';
import type { Pod } from '../model/pod';
import { mirrorWriteErrors } from '../model/static-pod';
import { decodePod } from '../model/pod-decode';
import type { PodPolicy } from '../model/pod-policy';
import { DEFAULT_SERVICE_ACCOUNT, type ServiceAccount } from '../model/service-account';
import { decodePodUpdate } from '../model/pod-update';
import { mountServiceAccountToken } from './service-account-admission';
import { addDefaultTolerations } from './default-toleration-seconds';
import { decodeEphemeralUpdate } from '../model/ephemeral-update';
import { type PodScheduler, scheduledByUs } from '../scheduler/pod-scheduler';
import type { PriorityClass } from '../model/priority-class';
import { admitPriority } from '../priority/priority-admission';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';

export interface PodRegistryDeps {
  store: ObjectStore<Pod>;
  /** Where the ServiceAccount a new pod names must exist. */
  serviceAccounts: Pick<ObjectStore<ServiceAccount>, 'get'>;
  clock: Clock;
  /** The node pods are bound to (spec.nodeName). */
  nodeName: string;
  /**
   * Decides at create whether a new pod fits the node (bound at once) or waits unbound (Pending,
   * FailedScheduling); without it every pod is bound, as before the scheduler.
   */
  scheduler?: Pick<PodScheduler, 'admit' | 'created'>;
  /** What pods may do on this host (the allow-flags). */
  policy: PodPolicy;
  /** Static pods (agent/staticpods/): a mirror pod deleted through the API comes back, as upstream. */
  mirrors?: { recreateMirror(pod: Pod): boolean };
  /**
   * New pods get the kube-api-access-* token volume (service-account-admission.ts); off when the node has no
   * token issuer, as upstream's plugin with MountServiceAccountToken false. `suffix`: the volume name's 5 chars.
   */
  serviceAccountTokens?: { suffix: () => string };
  /** The PriorityClasses a new pod's priority is resolved from (the Priority admission plugin). */
  priorityClasses?: Pick<ObjectStore<PriorityClass>, 'list'>;
}

function refuseMirrorWrite(old: Pod | undefined, next: Pod): void {
  const errors = mirrorWriteErrors(old, next);
  if (errors.length) throw invalidError('Pod', next.metadata.name, errors);
}

export class PodRegistry implements Registry<Pod> {
  constructor(private readonly deps: PodRegistryDeps) {}

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): Pod {
    const pod = decodePod(raw, namespace, this.deps.policy);
    refuseMirrorWrite(undefined, pod);
    this.admitServiceAccount(pod);
    this.admitPriority(pod);
    addDefaultTolerations(pod);
    // A pod that names its node skips the scheduler, as upstream (static pods, a user's own binding).
    // One for another scheduler waits for it, untouched (no condition, no event).
    if (pod.spec.nodeName || !scheduledByUs(pod)) return this.deps.store.create(pod, opts);
    const { scheduler } = this.deps;
    if (!scheduler) {
      pod.spec.nodeName = this.deps.nodeName;
      return this.deps.store.create(pod, opts);
    }
    const decision = scheduler.admit(pod);
    const created = this.deps.store.create(pod, opts);
    if (!opts.dryRun) scheduler.created(created, decision);
    return created;
  }

  /**
   * As the API server: the deprecated serviceAccount fills an empty serviceAccountName and is kept equal to
   * it; the ServiceAccount admission plugin then defaults it to `default` and refuses one that does not exist.
   */
  private admitServiceAccount(pod: Pod): void {
    const spec = pod.spec;
    const name = spec.serviceAccountName || spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
    spec.serviceAccountName = name;
    spec.serviceAccount = name;
    const { namespace } = pod.metadata;
    const sa = this.deps.serviceAccounts.get(namespace, name);
    if (!sa)
      throw forbidden(
        'Pod',
        pod.metadata.name,
        `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`,
      );
    const tokens = this.deps.serviceAccountTokens;
    if (tokens) mountServiceAccountToken(pod, sa, tokens.suffix);
  }

  /** The Priority plugin (after ServiceAccount, as upstream's order): spec.priority and preemptionPolicy. */
  private admitPriority(pod: Pod): void {
    const classes = this.deps.priorityClasses;
    if (!classes) return;
    const decision = admitPriority(pod.spec, classes.list());
    if (!decision.ok) throw forbidden('Pod', pod.metadata.name, decision.why);
    Object.assign(pod.spec, decision.fields);
  }

  /**
   * Pods stored before this node had its name (an earlier hostname or --node-name) move to it; pods never
   * bound stay for the scheduler.
   */
  bindAll(): void {
    for (const pod of this.deps.store.list()) {
      if (!pod.spec.nodeName || pod.spec.nodeName === this.deps.nodeName) continue;
      const spec = { ...pod.spec, nodeName: this.deps.nodeName };
      this.deps.store.update({ ...pod, spec }, { specChanged: false, persist: true });
    }
  }

  /** PUT and PATCH results: only images may change; a stale resourceVersion is a Conflict. */
  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): Pod {
    const old = this.deps.store.mustGet(namespace, name);
    const next = decodePodUpdate(old, raw, this.deps.policy);
    refuseMirrorWrite(old, next);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return this.deps.store.update(next, { specChanged, ...opts });
  }

  /** The ephemeralcontainers subresource: new ephemeral containers, the rest of the body ignored. */
  updateEphemeralContainers(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): Pod {
    const old = this.deps.store.mustGet(namespace, name);
    const next = decodeEphemeralUpdate(old, raw, this.deps.policy);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return this.deps.store.update(next, { specChanged, ...opts });
  }

  /** Graceful: the pod shows Terminating until the sync loop has removed its containers, then goes. */
  delete(namespace: string, name: string, o: DeleteOptions = {}): Pod {
    const { store, clock } = this.deps;
    const pod = store.mustGet(namespace, name);
    const m = pod.metadata;
    checkPreconditions(pod, o);
    if (o.gracePeriodSeconds !== undefined && o.gracePeriodSeconds < 0) {
      throw new MiniKubeletError('BadRequest', 'gracePeriodSeconds must be non-negative');
    }
    if (m.deletionTimestamp !== undefined) return pod;
    // Never bound: nothing runs, so it goes at once (upstream's grace period 0 for an unscheduled pod).
    if (!pod.spec.nodeName) return o.dryRun ? pod : store.remove(m.namespace, m.name);
    // A mirror pod: the kubelet recreates it (a new uid) and its static pod runs on untouched.
    if (!o.dryRun && this.deps.mirrors?.recreateMirror(pod)) return pod;
    const deleting = markDeleting(
      pod,
      clock.now(),
      o.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds,
    );
    // The deletion mark is persisted: a restart during the grace period must not bring the pod back.
    return o.dryRun ? deleting : store.update(deleting, { specChanged: false, persist: true });
  }
}
