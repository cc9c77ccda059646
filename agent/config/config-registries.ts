// Creating, updating and deleting ConfigMaps and Secrets: decode, default, validate (immutable objects keep
// their data), store. Their data is not a spec, but every write persists it (it is what the object is for).
import { decodeConfigMap, decodeSecret } from '../model/config-decode';
import type { ConfigMap, Secret } from '../model/config-objects';
import type { ObjectStore, StoredObject } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';

type Decode<T> = (raw: unknown, namespace: string, old?: T) => T;

/** Values that change what pods see: data and friends (metadata changes keep the generation). */
const payload = (o: StoredObject): string => {
  const { metadata: _m, ...rest } = o as StoredObject & Record<string, unknown>;
  return JSON.stringify(rest);
};

class ConfigObjectRegistry<T extends StoredObject> implements Registry<T> {
  constructor(
    private readonly store: ObjectStore<T>,
    private readonly decode: Decode<T>,
  ) {}

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): T {
    return this.store.create(this.decode(raw, namespace), opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): T {
    const old = this.store.mustGet(namespace, name);
    const next = this.decode(raw, namespace, old);
    next.metadata.name = name;
    return this.store.update(next, { specChanged: payload(next) !== payload(old), persist: true, ...opts });
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): T {
    const obj = this.store.mustGet(namespace, name);
    checkPreconditions(obj, opts);
    return opts.dryRun ? obj : this.store.remove(namespace, name);
  }
}

export const configMapRegistry = (store: ObjectStore<ConfigMap>): Registry<ConfigMap> =>
  new ConfigObjectRegistry(store, decodeConfigMap);

export const secretRegistry = (store: ObjectStore<Secret>): Registry<Secret> =>
  new ConfigObjectRegistry(store, decodeSecret);
