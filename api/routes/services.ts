// Services (create, list/watch, get, update, patch incl. server-side apply, delete) and their Endpoints
// (read-only), namespaced like pods.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SERVICE_MERGE_KEYS, applyPatch } from '../../agent/model/patch';
import type { Service } from '../../agent/model/service';
import { requireNamespace } from '../../agent/store/namespaces';
import { collectionHandler, objectReply, watchRoutes } from '../collection';
import type { ApiDeps } from '../deps';
import { validateFields } from '../field-validation';
import { bodyName, checkApplyName, expectedVersion, isApply, patchBase } from '../patching';
import { type Req, isDryRun, namespaceOf } from '../request';
import { endpoints as endpointsInfo, services as servicesInfo } from '../resources';

export function serviceRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const key = (req: Req): [string, string] => [namespaceOf(req), req.params.name ?? ''];

  const createFrom = (req: Req, reply: FastifyReply, body: unknown): Service => {
    const namespace = namespaceOf(req);
    validateFields(req, reply, 'Service', body);
    requireNamespace(deps.namespaces, namespace, 'Service', bodyName(body));
    const dryRun = isDryRun(req);
    const svc = deps.createService(body, namespace, { dryRun });
    if (!dryRun) {
      deps.logger.info('service created', {
        service: `${namespace}/${svc.metadata.name}`,
        clusterIP: svc.spec.clusterIP,
      });
    }
    return svc;
  };

  const update = (req: Req, reply: FastifyReply, body: unknown): Service => {
    validateFields(req, reply, 'Service', body);
    const [namespace, name] = key(req);
    return deps.updateService(body, namespace, name, { dryRun: isDryRun(req), ...expectedVersion(body) });
  };

  const patch = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const old = deps.services.get(...key(req));
    if (isApply(req)) {
      checkApplyName(req);
      if (!old) return reply.code(201).send(createFrom(req, reply, req.body));
      validateFields(req, reply, 'Service', req.body);
    }
    if (!old) return deps.services.mustGet(...key(req));
    const ct = req.headers['content-type'] ?? '';
    return update(req, reply, applyPatch(ct, patchBase(old), req.body, SERVICE_MERGE_KEYS));
  };

  const remove = async (req: Req): Promise<unknown> => {
    const dryRun = isDryRun(req);
    const svc = deps.deleteService(...key(req), { dryRun });
    if (!dryRun)
      deps.logger.info('service deleted', { service: `${svc.metadata.namespace}/${svc.metadata.name}` });
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: svc.metadata.name, kind: 'services', uid: svc.metadata.uid },
    };
  };

  const listServices = collectionHandler(deps, servicesInfo, (ns) => deps.services.list(ns));
  const listEndpoints = collectionHandler(deps, endpointsInfo, (ns) => deps.endpoints.list(ns));
  for (const base of ['', '/api/v1/namespaces/:namespace']) {
    app.get(`${base}/services`, listServices);
    app.post(`${base}/services`, async (req: Req, reply) =>
      reply.code(201).send(createFrom(req, reply, req.body)),
    );
    app.get(`${base}/services/:name`, async (req: Req) =>
      objectReply(req, deps, servicesInfo, deps.services.mustGet(...key(req))),
    );
    app.put(`${base}/services/:name`, async (req: Req, reply) => update(req, reply, req.body));
    app.patch(`${base}/services/:name`, patch);
    app.delete(`${base}/services/:name`, remove);
    app.get(`${base}/endpoints`, listEndpoints);
    app.get(`${base}/endpoints/:name`, async (req: Req) =>
      objectReply(req, deps, endpointsInfo, deps.endpoints.mustGet(...key(req))),
    );
  }
  app.get('/api/v1/services', listServices);
  app.get('/api/v1/endpoints', listEndpoints);
  watchRoutes(app, 'services', listServices);
  watchRoutes(app, 'endpoints', listEndpoints);
}
