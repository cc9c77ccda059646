// Creating, updating and deleting ControllerRevisions (the DaemonSet controller's and the API's writes):
// decoded and validated; `data` stays as created.
import {
  type ControllerRevision,
  decodeControllerRevision,
  decodeControllerRevisionUpdate,
} from '../model/controller-revision';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';

export class ControllerRevisionRegistry implements Registry<ControllerRevision> {
  constructor(private readonly store: ObjectStore<ControllerRevision>) {}

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): ControllerRevision {
    return this.store.create(decodeControllerRevision(raw, namespace), opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): ControllerRevision {
    const next = decodeControllerRevisionUpdate(this.store.mustGet(namespace, name), raw);
    return this.store.update(next, { specChanged: true, ...opts });
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): ControllerRevision {
    const cr = this.store.mustGet(namespace, name);
    checkPreconditions(cr, opts);
    return opts.dryRun ? cr : this.store.remove(namespace, name);
  }
}
