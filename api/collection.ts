// GET on a collection: a List (or a Table for kubectl), filtered by namespace, label and field selectors
// and paged; with ?watch=true, a watch stream instead.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest } from '../agent/errors';
import type { StoredObject } from '../agent/store/object-store';
import type { ApiDeps } from './deps';
import { ListCache } from './list-cache';
import { checkListOptions } from './list-options';
import { paginate } from './paging';
import { type Req, boolParam, intParam, listNamespace } from './request';
import { type ResourceInfo, apiVersionOfInfo, groupVersionOf } from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { checkTarget, conversionOf, partialList, partialObject } from './media-type';
import { includeObjectOf, toTable } from './table';
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
    const watch = isWatch(req);
    checkListOptions(req, watch);
    const match = selectorOf(req, info);
    const conversion = conversionOf(req.headers.accept);
    if (watch) {
      await serveWatch(
        req,
        reply,
        deps,
        info as unknown as ResourceInfo,
        () => source(),
        match as (o: StoredObject) => boolean,
      );
      return reply;
    }
    checkTarget(conversion, true, groupVersionOf(info).group, info.listKind);
    // A version not reached yet is waited for (briefly); the list is then of the current state.
    await deps.watches.reach(req.query.resourceVersion);
    const resourceVersion = deps.versions();
    // Tables carry ages (they change with the clock), so only Lists are cached.
    const cached = conversion ? undefined : lists.get(req.url, resourceVersion);
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
    if (conversion?.kind === 'Table') {
      return toTable(info, page.items, deps.clock.now(), {
        metadata,
        include: includeObjectOf(req.query.includeObject),
        apiVersion: conversion.apiVersion,
      });
    }
    if (conversion) return partialList(page.items, metadata, conversion.apiVersion);
    const list = { kind: info.listKind, apiVersion: apiVersionOfInfo(info), metadata, items: page.items };
    return reply.type(JSON_TYPE).send(lists.put(req.url, resourceVersion, list));
  };
}

/**
 * A single object, as a one-row Table when kubectl asks for one (`kubectl get pod X`), or its metadata alone
 * (PartialObjectMetadata) for client-go's metadata client.
 */
export function objectReply<T extends StoredObject>(
  req: Req,
  deps: ApiDeps,
  info: ResourceInfo<T>,
  obj: T,
): unknown {
  const conversion = conversionOf(req.headers.accept);
  checkTarget(conversion, false, groupVersionOf(info).group, info.kind);
  if (!conversion) return obj;
  if (conversion.kind === 'PartialObjectMetadata') return partialObject(obj, conversion.apiVersion);
  return toTable(info, [obj], deps.clock.now(), {
    metadata: { resourceVersion: obj.metadata.resourceVersion },
    include: includeObjectOf(req.query.includeObject),
    apiVersion: conversion.apiVersion,
  });
}

/**
 * The deprecated single-object watch (`/api/v1/watch/namespaces/ns/pods/p`): a watch of the collection with
 * the field selector metadata.name=p; a field selector of the request's own must name the same object.
 */
function selectName(req: Req): void {
  const name = req.params.name;
  if (name === undefined) return;
  const given = (req.query.fieldSelector ?? '').trim();
  if (given === '') {
    req.query.fieldSelector = `metadata.name=${name}`;
    return;
  }
  const terms = given.split(',').map((t) => /^metadata\.name\s*==?\s*(.*)$/.exec(t.trim())?.[1]);
  if (!terms.some((t) => t === name))
    throw badRequest("fieldSelector metadata.name doesn't match requested name");
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
    selectName(req);
    return collection(req, reply);
  };
  const collections = [`${base}/watch/${resource}`];
  if (namespaced) collections.push(`${base}/watch/namespaces/:namespace/${resource}`);
  for (const path of collections) {
    app.get(path, handler);
    app.get(`${path}/:name`, handler);
  }
}
