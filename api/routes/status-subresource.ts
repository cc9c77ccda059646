// The status subresource of a kind whose registry can write status: GET, PUT and PATCH on
// `<item>/status` read the object and change its status only (what the API server's status strategy does).
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../agent/errors';
import type { StoredObject } from '../../agent/store/object-store';
import type { UpdateOptions } from '../../agent/store/registry';
import type { ApiDeps } from '../deps';
import { objectReply } from '../collection';
import { managedUpdate } from '../field-manager';
import { applyPatch, bodyPreconditions } from '../patching';
import { type Req, isDryRun, namespaceOf } from '../request';
import { type ResourceDefinition, groupVersionOf } from '../resources';

export interface StatusWriter<T> {
  updateStatus(raw: unknown, namespace: string, name: string, opts?: UpdateOptions): T;
}

export const STATUS_SUBRESOURCE = { name: 'status', verbs: ['get', 'patch', 'update'] };

type Handler = (req: Req) => Promise<unknown>;

/** GET, PUT and PATCH of `<item>/status`, as handlers (statusRoutes, or the custom resources' routes). */
export function statusHandlers<T extends StoredObject>(
  deps: ApiDeps,
  def: () => ResourceDefinition<T>,
  writer: StatusWriter<T>,
): { get: Handler; put: Handler; patch: Handler } {
  const current = (req: Req): T => {
    const name = req.params.name ?? '';
    const obj = def().source.get(def().namespaced ? namespaceOf(req) : '', name);
    if (!obj) throw notFound(def().kind, name, groupVersionOf(def()).group);
    return obj;
  };
  const write = (req: Req, body: unknown): T =>
    writer.updateStatus(body, namespaceOf(req), req.params.name ?? '', {
      dryRun: isDryRun(req),
      ...bodyPreconditions(req, body),
      managedFields: managedUpdate(req, def(), deps.clock, current(req), body, {
        scope: 'status',
        subresource: 'status',
      }),
    });
  return {
    get: async (req) => objectReply(req, deps, def(), current(req)),
    put: async (req) => write(req, req.body),
    patch: async (req) => {
      const old = structuredClone(current(req));
      (old.metadata as { resourceVersion?: string }).resourceVersion = undefined;
      return write(req, applyPatch(req.headers['content-type'] ?? '', old, req.body, def().mergeKeys));
    },
  };
}

export function statusRoutes<T extends StoredObject>(
  deps: ApiDeps,
  def: () => ResourceDefinition<T>,
  writer: StatusWriter<T>,
): (app: FastifyInstance, collectionPaths: string[]) => void {
  return (app, collectionPaths) => {
    const h = statusHandlers(deps, def, writer);
    for (const base of collectionPaths) {
      const path = `${base}/:name/status`;
      app.get(path, h.get);
      app.put(path, h.put);
      app.patch(path, h.patch);
    }
  };
}
