// DELETE on a collection (the `deletecollection` verb), as upstream's generic store does it: list what the
// namespace, labelSelector and fieldSelector (and `limit`, when given: that page only) select, then delete
// each object as the single DELETE does (the kind's registry: finalizers, graceful pod termination, garbage
// collection, validation), with the request's DeleteOptions (preconditions included, each object's delete
// checks them). An object already gone is skipped; any other refusal ends the request with that error (the
// objects before it stay deleted: upstream's deletecollection is not atomic). The answer is 200 with the
// List as listed before the deletes.
import type { FastifyReply } from 'fastify';
import { isNotFound } from '../agent/errors';
import type { StoredObject } from '../agent/store/object-store';
import type { Registry } from '../agent/store/registry';
import { selectorOf } from './collection';
import type { ApiDeps } from './deps';
import { checkListOptions } from './list-options';
import { type Req, deleteOptions, intParam, isDryRun, namespaceOf } from './request';
import { type ResourceDefinition, apiVersionOfInfo } from './resources';

export function deleteCollectionHandler<T extends StoredObject>(
  deps: ApiDeps,
  def: ResourceDefinition<T>,
  registry: Registry<T>,
  logDeleted: (obj: T) => void,
): (req: Req, reply: FastifyReply) => Promise<unknown> {
  return async (req) => {
    checkListOptions(req, false);
    const options = deleteOptions(req);
    const dryRun = isDryRun(req);
    def.source.expire?.();
    const namespace = def.namespaced ? namespaceOf(req) : undefined;
    const resourceVersion = deps.versions();
    const matched = def.source.list(namespace).filter(selectorOf(req, def));
    const limit = intParam(req, 'limit');
    const items = limit !== undefined && limit > 0 ? matched.slice(0, limit) : matched;
    // The answer is the objects as listed, before the deletes mark or remove them.
    const listed = structuredClone(items);
    for (const obj of items) {
      try {
        // Each delete is given its own copy: a registry may fill the options in for its object (a grace period).
        const gone = registry.delete(def.namespaced ? obj.metadata.namespace : '', obj.metadata.name, {
          ...structuredClone(options),
          dryRun,
        });
        if (!dryRun) logDeleted(gone);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return {
      kind: def.listKind,
      apiVersion: apiVersionOfInfo(def),
      metadata: { resourceVersion },
      items: listed,
    };
  };
}
