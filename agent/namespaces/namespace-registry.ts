// Creating, updating and deleting Namespaces: a new one is decoded and labelled with its name; an update
// changes only labels and annotations (the rest is the server's); a delete goes through the controller
// (Terminating, then its contents, then the namespace).
import { badRequest } from '../errors';
import { type Namespace, checkNamespaceMetadata, decodeNamespace } from '../model/namespace';
import { isObject } from '../model/shape';
import type { ObjectStore } from '../store/object-store';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';
import type { NamespaceController } from './namespace-controller';

export class NamespaceRegistry implements Registry<Namespace> {
  constructor(
    private readonly store: ObjectStore<Namespace>,
    private readonly controller: Pick<NamespaceController, 'delete'>,
  ) {}

  create(raw: unknown, _namespace: string, opts: WriteOptions = {}): Namespace {
    return this.store.create(decodeNamespace(raw), opts);
  }

  update(raw: unknown, _namespace: string, name: string, opts: UpdateOptions = {}): Namespace {
    const old = this.store.mustGet('', name);
    const m = isObject(raw) && isObject(raw.metadata) ? raw.metadata : {};
    if (m.name !== undefined && m.name !== old.metadata.name)
      throw badRequest('metadata.name: field is immutable');
    checkNamespaceMetadata(old.metadata.name, m);
    const labels = isObject(m.labels) ? (m.labels as Record<string, string>) : {};
    const annotations = isObject(m.annotations) ? (m.annotations as Record<string, string>) : undefined;
    const next: Namespace = {
      ...old,
      metadata: {
        ...old.metadata,
        labels: { ...labels, 'kubernetes.io/metadata.name': old.metadata.name },
        ...(annotations ? { annotations } : {}),
      },
    };
    if (!annotations) delete next.metadata.annotations;
    return this.store.update(next, { specChanged: true, ...opts });
  }

  delete(_namespace: string, name: string, opts: DeleteOptions = {}): Namespace {
    const { uid, resourceVersion, dryRun } = opts;
    return this.controller.delete(name, { uid, resourceVersion, ...(dryRun ? { dryRun } : {}) });
  }
}
