// The CustomResourceDefinitions and the objects they define. Definitions are stored like any kind; each
// definition's objects get a store of their own (persisted under `<plural>.<group>`, watched through the
// hub), made when the definition is created or loaded. The definition registry validates, sets the status
// the naming controller would (crd-names.ts), and deleting a definition deletes its objects.
import type { Clock } from '../clock';
import { isoTime } from '../clock';
import type { Logger } from '../log';
import {
  APIEXTENSIONS_V1,
  CRD_KIND,
  type CrdVersion,
  type CustomResource,
  type CustomResourceDefinition,
  isEstablished,
} from '../model/crd';
import { ObjectStore, type Persistence, type ResourceVersions } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';
import type { WatchHub } from '../store/watch-hub';
import { type NameClaim, claimsOf, crdStatus } from './crd-names';
import { decodeCrd } from './crd-validation';
import { CustomResourceRegistry } from './custom-resource-registry';

export interface CustomResourcesDeps {
  clock: Clock;
  versions: ResourceVersions;
  persistence: Persistence;
  watches: WatchHub;
  logger: Logger;
}

/** A served version of an established definition, with its objects' store and registry. */
export interface ServedCustomResource {
  crd: CustomResourceDefinition;
  version: CrdVersion;
  store: ObjectStore<CustomResource>;
  registry: CustomResourceRegistry;
}

/** The persistence of one definition's objects, under a key no built-in kind has (it has a dot). */
const keyedPersistence = (p: Persistence, key: string): Persistence => ({
  load: () => p.load(key),
  save: (_kind, obj, counter) => p.save(key, obj, counter),
  remove: (_kind, obj, counter) => p.remove(key, obj, counter),
});

export class CustomResources {
  readonly crds: ObjectStore<CustomResourceDefinition>;
  readonly registry: Registry<CustomResourceDefinition>;
  private readonly stores = new Map<string, { store: ObjectStore<CustomResource>; untrack: () => void }>();
  /** The built-in resources' names, which no definition of their group may take. */
  private reserved: readonly NameClaim[] = [];

  constructor(private readonly deps: CustomResourcesDeps) {
    this.crds = new ObjectStore<CustomResourceDefinition>(CRD_KIND, deps, APIEXTENSIONS_V1.group, {
      tracksGeneration: true,
    });
    deps.watches.track(this.crds);
    for (const crd of this.crds.list()) this.storeOf(crd);
    this.registry = new CrdRegistry(this);
  }

  /** Names the API serves itself (api/server.ts tells them once its kinds are known). */
  reserve(claims: readonly NameClaim[]): void {
    this.reserved = claims;
  }

  /** The objects' store of a definition, made (and watched) on first use. */
  storeOf(crd: CustomResourceDefinition): ObjectStore<CustomResource> {
    const name = crd.metadata.name;
    const known = this.stores.get(name);
    if (known) return known.store;
    const persistence = keyedPersistence(this.deps.persistence, name);
    const store = new ObjectStore<CustomResource>(
      crd.spec.names.kind,
      { clock: this.deps.clock, versions: this.deps.versions, persistence },
      crd.spec.group,
      { tracksGeneration: true },
    );
    this.stores.set(name, { store, untrack: this.deps.watches.track(store) });
    return store;
  }

  /** The served version `version` of the established definition whose plural is `plural` in `group`. */
  served(group: string, version: string, plural: string): ServedCustomResource | undefined {
    const crd = this.crds.get('', `${plural}.${group}`);
    if (!crd || !isEstablished(crd) || crd.status?.acceptedNames?.plural !== plural) return undefined;
    const v = crd.spec.versions.find((x) => x.name === version && x.served);
    if (!v) return undefined;
    const store = this.storeOf(crd);
    return { crd, version: v, store, registry: new CustomResourceRegistry(store, crd, v, this.deps.clock) };
  }

  /** Every established definition, by name. */
  established(): CustomResourceDefinition[] {
    return this.crds.list().filter(isEstablished);
  }

  /** Names the others (and the built-in kinds) claim, for the naming decision of `name`. */
  claimsBesides(name: string): NameClaim[] {
    return [...this.reserved, ...claimsOf(this.crds.list().filter((c) => c.metadata.name !== name))];
  }

  now(): string {
    return isoTime(this.deps.clock.now());
  }

  /** A deleted namespace's custom objects go with it, as its other contents do (the namespace controller). */
  removeNamespace(namespace: string): void {
    for (const crd of this.crds.list()) {
      if (crd.spec.scope !== 'Namespaced') continue;
      const store = this.storeOf(crd);
      for (const obj of store.list(namespace)) store.remove(namespace, obj.metadata.name);
    }
  }

  /** Every object of a definition deleted, its store forgotten (the definition itself is going). */
  dropObjects(crd: CustomResourceDefinition): void {
    const entry = this.stores.get(crd.metadata.name);
    const store = entry?.store ?? this.storeOf(crd);
    for (const obj of store.list()) store.remove(obj.metadata.namespace, obj.metadata.name);
    this.stores.get(crd.metadata.name)?.untrack();
    this.stores.delete(crd.metadata.name);
    this.deps.logger.info('custom resource definition deleted', { crd: crd.metadata.name });
  }

  /** A definition that waited on a name another one held is looked at again (its names may be free now). */
  retryNames(): void {
    for (const crd of this.crds.list()) {
      const accepted = (crd.status?.conditions ?? []).some(
        (c) => c.type === 'NamesAccepted' && c.status === 'True',
      );
      if (accepted) continue;
      const status = crdStatus(crd, this.claimsBesides(crd.metadata.name), this.now());
      if (JSON.stringify(status) !== JSON.stringify(crd.status))
        this.crds.update({ ...crd, status }, { specChanged: false, persist: true });
    }
  }
}

class CrdRegistry implements Registry<CustomResourceDefinition> {
  constructor(private readonly all: CustomResources) {}

  private withStatus(crd: CustomResourceDefinition): CustomResourceDefinition {
    return { ...crd, status: crdStatus(crd, this.all.claimsBesides(crd.metadata.name), this.all.now()) };
  }

  create(raw: unknown, _namespace: string, opts: WriteOptions = {}): CustomResourceDefinition {
    const crd = this.all.crds.create(this.withStatus(decodeCrd(raw)), opts);
    if (!opts.dryRun) this.all.storeOf(crd);
    return crd;
  }

  update(raw: unknown, _namespace: string, name: string, opts: UpdateOptions = {}): CustomResourceDefinition {
    const old = this.all.crds.mustGet('', name);
    const next = decodeCrd(raw, old);
    next.metadata.name = name;
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return this.all.crds.update(this.withStatus(next), { specChanged, persist: true, ...opts });
  }

  delete(_namespace: string, name: string, opts: DeleteOptions = {}): CustomResourceDefinition {
    const crd = this.all.crds.mustGet('', name);
    checkPreconditions(crd, opts);
    if (opts.dryRun) return crd;
    this.all.dropObjects(crd);
    const gone = this.all.crds.remove('', name);
    this.all.retryNames();
    return gone;
  }
}
