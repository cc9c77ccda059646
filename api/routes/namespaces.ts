// Namespaces: list/watch, get, create (also by server-side apply), label/annotation patches, delete
// (Terminating, then gone once its pods are).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest } from '../../agent/errors';
import { type Namespace, checkNamespaceMetadata, decodeNamespace } from '../../agent/model/namespace';
import { applyPatch } from '../../agent/model/patch';
import { isObject } from '../../agent/model/shape';
import { collectionHandler, objectReply, watchRoutes } from '../collection';
import type { ApiDeps } from '../deps';
import { validateFields } from '../field-validation';
import { checkApplyName, expectedVersion, isApply, patchBase } from '../patching';
import { type Req, isDryRun } from '../request';
import { namespaces as namespacesInfo } from '../resources';

export function namespaceRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const store = deps.namespaces;
  const nameOf = (req: Req): string => req.params.name ?? '';

  const create = (req: Req, reply: FastifyReply, body: unknown): Namespace => {
    validateFields(req, reply, 'Namespace', body);
    const ns = store.create(decodeNamespace(body), { dryRun: isDryRun(req) });
    deps.logger.info('namespace created', { namespace: ns.metadata.name });
    return ns;
  };

  /** Only labels and annotations change; the rest of a Namespace is the server's. */
  const update = (req: Req, reply: FastifyReply, body: unknown): Namespace => {
    validateFields(req, reply, 'Namespace', body);
    const old = store.mustGet('', nameOf(req));
    const m = isObject(body) && isObject(body.metadata) ? body.metadata : {};
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
    return store.update(next, { specChanged: true, dryRun: isDryRun(req), ...expectedVersion(body) });
  };

  const patch = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const old = store.get('', nameOf(req));
    if (isApply(req)) {
      checkApplyName(req);
      if (!old) return reply.code(201).send(create(req, reply, req.body));
    }
    if (!old) return store.mustGet('', nameOf(req));
    return update(req, reply, applyPatch(req.headers['content-type'] ?? '', patchBase(old), req.body));
  };

  const list = collectionHandler(deps, namespacesInfo, () => store.list());
  app.get('/api/v1/namespaces', list);
  app.post('/api/v1/namespaces', async (req: Req, reply) =>
    reply.code(201).send(create(req, reply, req.body)),
  );
  app.get('/api/v1/namespaces/:name', async (req: Req) =>
    objectReply(req, deps, namespacesInfo, store.mustGet('', nameOf(req))),
  );
  app.put('/api/v1/namespaces/:name', async (req: Req, reply) => update(req, reply, req.body));
  app.patch('/api/v1/namespaces/:name', patch);
  app.delete('/api/v1/namespaces/:name', async (req: Req) =>
    deps.deleteNamespace(nameOf(req), { dryRun: isDryRun(req) }),
  );
  watchRoutes(app, 'namespaces', list, false);
}
