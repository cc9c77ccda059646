// Creating, updating and deleting PersistentVolumeClaims: decoded and validated, created with the
// pvc-protection finalizer; a delete marks a claim that has finalizers (the claim controller drops its own once
// no pod uses the claim), and the claim goes when its last finalizer does, as the API server does.
import type { Clock } from '../clock';
import { isoTime } from '../clock';
import {
  PVC_PROTECTION_FINALIZER,
  type PersistentVolumeClaim,
  decodeClaim,
  decodeClaimUpdate,
  finalizersOf,
} from '../model/persistent-volume-claim';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';

export class ClaimRegistry implements Registry<PersistentVolumeClaim> {
  constructor(private readonly deps: { store: ObjectStore<PersistentVolumeClaim>; clock: Clock }) {}

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): PersistentVolumeClaim {
    const claim = decodeClaim(raw, namespace);
    const finalizers = finalizersOf(claim.metadata);
    claim.metadata['finalizers'] = [...new Set([...finalizers, PVC_PROTECTION_FINALIZER])];
    return this.deps.store.create(claim, opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): PersistentVolumeClaim {
    const old = this.deps.store.mustGet(namespace, name);
    return this.write(decodeClaimUpdate(old, raw), opts);
  }

  /** The binder's and the status subresource's writes: spec.volumeName, annotations, status. */
  updateStatus(
    claim: PersistentVolumeClaim,
    change: {
      status: PersistentVolumeClaim['status'];
      volumeName?: string;
      annotations?: Record<string, string>;
    },
  ): PersistentVolumeClaim {
    const m = claim.metadata;
    const annotations = change.annotations
      ? { ...(m.annotations ?? {}), ...change.annotations }
      : m.annotations;
    const spec = change.volumeName ? { ...claim.spec, volumeName: change.volumeName } : claim.spec;
    return this.deps.store.update(
      { ...claim, metadata: { ...m, ...(annotations ? { annotations } : {}) }, spec, status: change.status },
      // The binding is spec: kept across a restart (the directory is the same).
      { specChanged: false, persist: true },
    );
  }

  /** Drops one finalizer; a claim being deleted goes with its last. */
  finalize(claim: PersistentVolumeClaim, finalizer: string): void {
    const finalizers = finalizersOf(claim.metadata).filter((f) => f !== finalizer);
    this.write({ ...claim, metadata: { ...claim.metadata, finalizers } }, {});
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): PersistentVolumeClaim {
    const { store, clock } = this.deps;
    const claim = store.mustGet(namespace, name);
    checkPreconditions(claim, opts);
    const m = claim.metadata;
    if (!finalizersOf(m).length) return opts.dryRun ? claim : store.remove(namespace, name);
    if (m.deletionTimestamp !== undefined) return claim;
    const marked = {
      ...claim,
      metadata: { ...m, deletionTimestamp: isoTime(clock.now()), deletionGracePeriodSeconds: 0 },
    };
    return opts.dryRun ? marked : store.update(marked, { specChanged: false, persist: true });
  }

  private write(next: PersistentVolumeClaim, opts: UpdateOptions): PersistentVolumeClaim {
    const m = next.metadata;
    if (m.deletionTimestamp !== undefined && !finalizersOf(m).length && !opts.dryRun) {
      this.deps.store.update(next, { specChanged: false, persist: true, ...opts });
      return this.deps.store.remove(m.namespace, m.name);
    }
    const old = this.deps.store.mustGet(m.namespace, m.name);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return this.deps.store.update(next, { specChanged, ...opts });
  }
}
