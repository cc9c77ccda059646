// Creating, updating and deleting the objects of one served version of a CRD: decoded against the
// definition (kind, apiVersion), unknown fields pruned, defaults filled, validated with the version's schema.
// With the status subresource, the main endpoint ignores status and /status changes only status; generation
// counts changes to anything but metadata and (with the subresource) status. Finalizers hold a delete: the
// object is marked and goes when the last one is removed.
import type { Clock } from '../clock';
import { isoTime } from '../clock';
import {
  hasStatusSubresource,
  type CrdVersion,
  type CustomResource,
  type CustomResourceDefinition,
  type JSONSchemaProps,
} from '../model/crd';
import { type FieldError, invalidError } from '../model/field-errors';
import { validateMetadataMaps, validateObjectName } from '../model/meta-validation';
import { dns1123SubdomainProblems } from '../model/names';
import { decodeObject } from '../model/pod-decode';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';
import { applyDefaults, pruneUnknownFields, validateValue } from './schema-validation';

/** Everything but metadata (and status, when the status subresource owns it): what bumps generation. */
function generationPart(o: CustomResource, statusApart: boolean): string {
  const { metadata: _m, apiVersion: _a, status, ...rest } = o;
  return JSON.stringify(statusApart ? rest : { ...rest, status });
}

const finalizersOf = (o: CustomResource): unknown[] =>
  Array.isArray(o.metadata['finalizers']) ? (o.metadata['finalizers'] as unknown[]) : [];

export class CustomResourceRegistry implements Registry<CustomResource> {
  constructor(
    private readonly store: ObjectStore<CustomResource>,
    private readonly crd: CustomResourceDefinition,
    private readonly version: CrdVersion,
    private readonly clock: Clock,
  ) {}

  private get kind(): string {
    return this.crd.spec.names.kind;
  }

  private get group(): string {
    return this.crd.spec.group;
  }

  private get namespaced(): boolean {
    return this.crd.spec.scope === 'Namespaced';
  }

  private get schema(): JSONSchemaProps {
    return (
      this.version.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }
    );
  }

  private get statusApart(): boolean {
    return hasStatusSubresource(this.version);
  }

  /** The body as an object of this kind and version: pruned, defaulted, validated. */
  private decode(raw: unknown, namespace: string): CustomResource {
    const obj = decodeObject(
      raw,
      this.kind,
      this.namespaced ? namespace : '',
      `${this.group}/${this.version.name}`,
    );
    const cr = structuredClone(obj) as unknown as CustomResource;
    delete (cr.metadata as { resourceVersion?: string }).resourceVersion;
    if (!this.namespaced) cr.metadata.namespace = '';
    pruneUnknownFields(cr, this.schema);
    applyDefaults(cr, this.schema);
    return cr;
  }

  private check(cr: CustomResource): void {
    const errors: FieldError[] = [];
    validateObjectName(cr.metadata.name, 'metadata.name', dns1123SubdomainProblems, errors);
    validateMetadataMaps(cr.metadata, errors);
    const { apiVersion: _a, kind: _k, metadata: _m, ...content } = cr;
    const { properties, required, ...rootRest } = this.schema;
    const rootProps = { ...(properties ?? {}) };
    delete rootProps['metadata'];
    delete rootProps['apiVersion'];
    delete rootProps['kind'];
    const root: JSONSchemaProps = {
      ...rootRest,
      properties: rootProps,
      required: (required ?? []).filter((r) => r !== 'metadata'),
    };
    errors.push(...validateValue(content, root, ''));
    if (errors.length) throw invalidError(this.kind, cr.metadata.name ?? '', errors, this.group);
  }

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): CustomResource {
    const cr = this.decode(raw, namespace);
    if (this.statusApart) delete cr['status'];
    this.check(cr);
    return this.store.create(cr, opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): CustomResource {
    const ns = this.namespaced ? namespace : '';
    const old = this.store.mustGet(ns, name);
    const next = this.decode(raw, ns);
    next.metadata.name = name;
    if (this.statusApart) {
      if (old['status'] === undefined) delete next['status'];
      else next['status'] = old['status'];
    }
    // the deletion mark is the server's: a body cannot set or clear it
    for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
      if (old.metadata[k] === undefined) delete next.metadata[k];
      else next.metadata[k] = old.metadata[k] as never;
    }
    this.check(next);
    const specChanged = generationPart(next, this.statusApart) !== generationPart(old, this.statusApart);
    return this.finish(this.store.update(next, { specChanged, persist: true, ...opts }), opts);
  }

  /** The status subresource: the stored object with the body's status (pruned, defaulted, validated). */
  updateStatus(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): CustomResource {
    const ns = this.namespaced ? namespace : '';
    const old = this.store.mustGet(ns, name);
    const body = this.decode(raw, ns);
    const next: CustomResource = { ...structuredClone(old), metadata: { ...structuredClone(old.metadata) } };
    if (body['status'] === undefined) delete next['status'];
    else next['status'] = body['status'];
    this.check(next);
    return this.store.update(next, { specChanged: false, persist: true, ...opts });
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): CustomResource {
    const ns = this.namespaced ? namespace : '';
    const obj = this.store.mustGet(ns, name);
    checkPreconditions(obj, opts);
    if (obj.metadata.deletionTimestamp !== undefined) return obj;
    if (!finalizersOf(obj).length) return opts.dryRun ? obj : this.store.remove(ns, name);
    const marked: CustomResource = {
      ...obj,
      metadata: {
        ...obj.metadata,
        deletionTimestamp: isoTime(this.clock.now()),
        deletionGracePeriodSeconds: 0,
      },
    };
    return opts.dryRun ? marked : this.store.update(marked, { specChanged: false, persist: true });
  }

  /** An object marked for deletion whose last finalizer was just removed goes. */
  private finish(obj: CustomResource, opts: WriteOptions): CustomResource {
    if (opts.dryRun || obj.metadata.deletionTimestamp === undefined || finalizersOf(obj).length) return obj;
    return this.store.remove(obj.metadata.namespace, obj.metadata.name);
  }
}
