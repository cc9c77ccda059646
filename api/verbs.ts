// The REST verbs of a kind, registered from its definition (api/resources.ts): list and watch (also across
// namespaces and under the legacy /watch/ paths), get, create, update, patch (every patch type, server-side
// apply included), delete and deletecollection. A verb is served when the definition names it; writes go to the kind's
// registry, which decodes, defaults, validates and stores.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { notFound } from '../agent/errors';
import { MERGE_KEYS } from '../agent/model/patch';
import type { StoredObject } from '../agent/store/object-store';
import { requireNamespace } from '../agent/store/namespaces';
import type { Registry, WriteOptions } from '../agent/store/registry';
import { collectionHandler, objectReply, selectorOf, watchRoutes } from './collection';
import { deleteCollectionHandler } from './delete-collection';
import type { ApiDeps } from './deps';
import { checkAppliedBody, checkPatchOptions, managedApply, managedUpdate } from './field-manager';
import { validateFields } from './field-validation';
import { createWithGeneratedName } from './generated-name';
import { applyPatch, bodyName, bodyPreconditions, checkName, isApply, patchBase } from './patching';
import { type Req, deleteOptions, isDryRun, listNamespace, namespaceOf } from './request';
import { type ResourceDefinition, groupPath, groupVersionOf } from './resources';

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

type ManagedFields = WriteOptions['managedFields'];

type Handler = (req: Req, reply: FastifyReply) => Promise<unknown>;

/** The generic verbs of a kind as handlers, for its routes (registerResource) or a route that finds the
 *  kind at request time (custom resources, api/routes/custom-resources.ts). */
export interface ResourceHandlers {
  /** GET on the collection: a list, a table, or a watch. */
  list: Handler;
  /** The same for the legacy /watch/ paths. */
  collection: Handler;
  create: Handler;
  get: Handler;
  update: Handler;
  patch: Handler;
  remove: Handler;
  /** DELETE on a namespace's collection (or a cluster kind's): deletecollection. */
  removeAll: Handler;
}

export function resourceHandlers<T extends StoredObject>(
  deps: ApiDeps,
  def: ResourceDefinition<T>,
): ResourceHandlers {
  const has = (verb: string): boolean => def.verbs.includes(verb);
  const registry = def.registry;
  if (!registry && WRITE_VERBS.some(has)) throw new Error(`${def.kind}: write verbs need a registry`);
  const writes = registry as Registry<T>;
  const gv = groupVersionOf(def);
  const namespace = (req: Req): string => (def.namespaced ? namespaceOf(req) : '');
  const name = (req: Req): string => req.params.name ?? '';
  const current = (req: Req): T => {
    const obj = def.source.get(namespace(req), name(req));
    if (!obj) throw notFound(def.kind, name(req), gv.group);
    return obj;
  };
  const log = (line: [string, Record<string, unknown>] | undefined): void => {
    if (line) deps.logger.info(...line);
  };

  const collection = collectionHandler(
    deps,
    def,
    (ns) => def.source.list(ns),
    () => def.source.expire?.(),
  );
  const plainText = def.plainText;
  /** `curl -H 'Accept: text/plain'`: the kubectl-style table as text, for kinds that print one. */
  const list = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    if (!plainText || !(req.headers.accept ?? '').startsWith('text/plain')) return collection(req, reply);
    const items = def.source.list(listNamespace(req)).filter(selectorOf(req, def));
    return reply.type('text/plain').send(plainText(items, deps.clock.now()));
  };

  const create = (
    req: Req,
    reply: FastifyReply,
    body: unknown,
    managedFields = managedUpdate(req, def, deps.clock, undefined, body),
  ): T => {
    validateFields(req, reply, def.kind, body, gv, def.unknownFields);
    const ns = namespace(req);
    if (def.namespaced) requireNamespace(deps.namespaces, ns, def.kind, bodyName(body));
    const dryRun = isDryRun(req);
    const stored = createWithGeneratedName(body, () => writes.create(body, ns, { dryRun, managedFields }));
    if (!dryRun) log(def.logCreated?.(stored));
    return stored;
  };

  /** PUT bodies and patch results: the object of the URL, a stale resourceVersion or another uid a Conflict. */
  const update = (
    req: Req,
    reply: FastifyReply,
    body: unknown,
    managedFields: ManagedFields = managedOfUpdate(req, body),
  ): T => {
    validateFields(req, reply, def.kind, body, gv, def.unknownFields);
    return writes.update(body, namespace(req), name(req), {
      dryRun: isDryRun(req),
      ...bodyPreconditions(req, body),
      ...(managedFields !== undefined ? { managedFields } : {}),
    });
  };
  const managedOfUpdate = (req: Req, body: unknown): ManagedFields => {
    const old = def.source.get(namespace(req), name(req));
    return old ? managedUpdate(req, def, deps.clock, old, body) : undefined;
  };

  const patch = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const apply = isApply(req);
    checkPatchOptions(req, apply);
    const old = def.source.get(namespace(req), name(req));
    const keys = def.mergeKeys ?? MERGE_KEYS;
    if (apply) {
      checkAppliedBody(req.body, def);
      checkName(bodyName(req.body), req);
      if (!old) {
        const applied = managedApply(
          req,
          def,
          deps.clock,
          undefined,
          structuredClone(req.body) as Record<string, unknown>,
        );
        return reply.code(201).send(create(req, reply, applied.object, applied.managedFields));
      }
      validateFields(req, reply, def.kind, req.body, gv, def.unknownFields);
      const merged = applyPatch('application/apply-patch+yaml', patchBase(old), req.body, keys);
      const applied = managedApply(req, def, deps.clock, old, merged as Record<string, unknown>);
      return update(req, reply, applied.object, applied.managedFields);
    }
    if (!old) return current(req);
    const ct = req.headers['content-type'] ?? '';
    const next = applyPatch(ct, patchBase(old), req.body, keys);
    return update(req, reply, next, managedUpdate(req, def, deps.clock, old, next));
  };

  const remove = async (req: Req): Promise<unknown> => {
    const options = deleteOptions(req);
    const dryRun = isDryRun(req);
    const gone = writes.delete(namespace(req), name(req), { ...options, dryRun });
    if (!dryRun) log(def.logDeleted?.(gone));
    return def.deleteResponse ? def.deleteResponse(gone) : gone;
  };

  return {
    list,
    collection,
    create: async (req: Req, reply) => reply.code(201).send(create(req, reply, req.body)),
    get: async (req: Req) => objectReply(req, deps, def, current(req)),
    update: async (req: Req, reply) => update(req, reply, req.body),
    patch,
    remove,
    removeAll: deleteCollectionHandler(deps, def, writes, (gone) => log(def.logDeleted?.(gone))),
  };
}

export function registerResource<T extends StoredObject>(
  app: FastifyInstance,
  deps: ApiDeps,
  def: ResourceDefinition<T>,
): void {
  const has = (verb: string): boolean => def.verbs.includes(verb);
  const h = resourceHandlers(deps, def);
  const base = groupPath(groupVersionOf(def));
  const collectionPaths = def.namespaced
    ? [...(def.shortPath ? [`/${def.name}`] : []), `${base}/namespaces/:namespace/${def.name}`]
    : [`${base}/${def.name}`];
  for (const base of collectionPaths) {
    const item = `${base}/:name`;
    if (has('list')) app.get(base, h.list);
    if (has('create')) app.post(base, h.create);
    if (has('get')) app.get(item, h.get);
    if (has('update')) app.put(item, h.update);
    if (has('patch')) app.patch(item, h.patch);
    if (has('delete')) app.delete(item, h.remove);
    // Upstream serves deletecollection on a namespace's collection only, not across namespaces (a 405 there).
    if (has('deletecollection')) app.delete(base, h.removeAll);
  }
  if (def.namespaced && has('list')) app.get(`${base}/${def.name}`, h.list);
  if (has('watch')) watchRoutes(app, base, def.name, h.collection, def.namespaced);
  def.routes?.(app, collectionPaths);
}
