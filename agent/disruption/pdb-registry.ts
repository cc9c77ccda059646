// The write paths of PodDisruptionBudgets: decode, validation (agent/model/pdb-decode.ts), the status
// subresource and the disruption controller's and the eviction's status writes.
import { pdbInvalid, decodePdb, decodePdbUpdate } from '../model/pdb-decode';
import type { PodDisruptionBudget } from '../model/pdb';
import { validatePdbStatus } from '../model/pdb-validation';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';

type Pdb = PodDisruptionBudget;

export class PdbRegistry implements Registry<Pdb> {
  constructor(private readonly store: ObjectStore<Pdb>) {}

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): Pdb {
    return this.store.create(decodePdb(raw, namespace), opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): Pdb {
    const old = this.store.mustGet(namespace, name);
    const next = decodePdbUpdate(old, raw);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return this.store.update(next, { specChanged, persist: true, ...opts });
  }

  /** The status subresource, the controller and the eviction: only the status changes. */
  updateStatus(namespace: string, name: string, status: Pdb['status'], opts: UpdateOptions = {}): Pdb {
    const old = this.store.mustGet(namespace, name);
    const next = { ...old, metadata: { ...old.metadata }, status };
    const invalid = validatePdbStatus(next);
    if (invalid.length) throw pdbInvalid(name, invalid);
    return this.store.update(next, { specChanged: false, ...opts });
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): Pdb {
    const obj = this.store.mustGet(namespace, name);
    checkPreconditions(obj, opts);
    return opts.dryRun ? obj : this.store.remove(namespace, name);
  }
}
