// GET on a collection: a List (or a Table for kubectl), filtered by namespace, label and field selectors
// and paged; with ?watch=true, a watch stream instead.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { StoredObject } from '../agent/store/object-store';
import type { ApiDeps } from './deps';
import { ListCache } from './list-cache';
import { paginate } from './paging';
import { type Req, boolParam, intParam, listNamespace } from './request';
import { type ResourceInfo, apiVersionOfInfo } from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { includeObjectOf, toTable, wantsTable } from './table';
import { serveWatch } from './routes/watch';

type Labeled = { metadata: { namespace: string; labels?: Record<string, string> } };

/** The request's namespace, labelSelector and fieldSelector as one predicate. */
export function selectorOf<T extends Labeled>(req: Req, info: ResourceInfo<T>): (obj: T) => boolean {
  const namespace = info.namespaced ? listNamespace(req) : undefined;
  const labels = parseLabelSelector(req.query.labelSelector);
  const fields = parseFieldSelector(req.query.fieldSelector, info.fields);
  return (obj) =>
    (!namespace || obj.metadata.namespace === namespace) && labels(obj.metadata.labels) && fields(obj);
}

const JSON_TYPE = 'application/json; charset=utf-8';

export const isWatch = (req: Req): boolean => boolParam(req, 'watch');

/** A fastify handler for GET on the collection of `info`, read from `source`. */
export function collectionHandler<T extends StoredObject>(
  deps: ApiDeps,
  info: ResourceInfo<T>,
  source: (namespace?: string) => T[],
  expire: () => void = () => {},
): (req: Req, reply: FastifyReply) => Promise<unknown> {
  const lists = new ListCache();
  return async (req, reply) => {
    expire();
    const match = selectorOf(req, info);
    if (isWatch(req)) {
      serveWatch(
        req,
        reply,
        deps,
        info as unknown as ResourceInfo,
        () => source(),
        match as (o: StoredObject) => boolean,
      );
      return reply;
    }
    const resourceVersion = deps.versions();
    // Tables carry ages (they change with the clock), so only Lists are cached.
    const table = wantsTable(req.headers.accept);
    const cached = table ? undefined : lists.get(req.url, resourceVersion);
    if (cached !== undefined) return reply.type(JSON_TYPE).send(cached);
    const all = source(info.namespaced ? listNamespace(req) : undefined).filter(match);
    const limit = intParam(req, 'limit');
    // zero and negative limits mean no limit, as in the API server's storage
    const page = paginate(
      all,
      limit !== undefined && limit > 0 ? limit : undefined,
      req.query.continue,
      resourceVersion,
    );
    const metadata = {
      resourceVersion,
      ...(page.continue ? { continue: page.continue, remainingItemCount: page.remainingItemCount } : {}),
    };
    if (table) {
      return toTable(info, page.items, deps.clock.now(), {
        metadata,
        include: includeObjectOf(req.query.includeObject),
      });
    }
    const list = { kind: info.listKind, apiVersion: apiVersionOfInfo(info), metadata, items: page.items };
    return reply.type(JSON_TYPE).send(lists.put(req.url, resourceVersion, list));
  };
}

/** A single object, as a one-row Table when kubectl asks for one (`kubectl get pod X`). */
export function objectReply<T extends StoredObject>(
  req: Req,
  deps: ApiDeps,
  info: ResourceInfo<T>,
  obj: T,
): unknown {
  if (!wantsTable(req.headers.accept)) return obj;
  return toTable(info, [obj], deps.clock.now(), {
    metadata: { resourceVersion: obj.metadata.resourceVersion },
    include: includeObjectOf(req.query.includeObject),
  });
}

/** The legacy <group path>/watch/... paths (/api/v1/watch/pods): the same as ?watch=true on the collection. */
export function watchRoutes(
  app: FastifyInstance,
  base: string,
  resource: string,
  collection: (req: Req, reply: FastifyReply) => Promise<unknown>,
  namespaced = true,
): void {
  const handler = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    req.query.watch = 'true';
    return collection(req, reply);
  };
  app.get(`${base}/watch/${resource}`, handler);
  if (namespaced) app.get(`${base}/watch/namespaces/:namespace/${resource}`, handler);
}
