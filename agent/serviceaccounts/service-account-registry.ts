// Creating, updating and deleting ServiceAccounts: decoded and validated; an update keeps the identity.
import { type ServiceAccount, decodeServiceAccount } from '../model/service-account';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';

export class ServiceAccountRegistry implements Registry<ServiceAccount> {
  constructor(private readonly store: ObjectStore<ServiceAccount>) {}

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): ServiceAccount {
    return this.store.create(decodeServiceAccount(raw, namespace), opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): ServiceAccount {
    const old = this.store.mustGet(namespace, name);
    const next = decodeServiceAccount(raw, namespace);
    next.metadata = {
      ...next.metadata,
      name,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
    };
    return this.store.update(next, { specChanged: true, ...opts });
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): ServiceAccount {
    const sa = this.store.mustGet(namespace, name);
    checkPreconditions(sa, opts);
    return opts.dryRun ? sa : this.store.remove(namespace, name);
  }
}
