// Services (create, list, get, delete) and their Endpoints (read-only), namespaced like pods.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_NAMESPACE } from '../../agent/model/meta';
import type { ApiDeps } from '../deps';

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined> }>;

const namespaceOf = (req: Req): string => req.params.namespace ?? req.query.namespace ?? DEFAULT_NAMESPACE;

export function serviceRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const listOf = (kind: string, items: unknown[]): object => ({ kind, apiVersion: 'v1', metadata: { resourceVersion: deps.versions() }, items });

  const create = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const svc = deps.createService(req.body, namespaceOf(req));
    deps.logger.info('service created', { service: `${svc.metadata.namespace}/${svc.metadata.name}`, clusterIP: svc.spec.clusterIP });
    return reply.code(201).send(svc);
  };
  const remove = async (req: Req): Promise<unknown> => {
    const svc = deps.deleteService(namespaceOf(req), req.params.name ?? '');
    deps.logger.info('service deleted', { service: `${svc.metadata.namespace}/${svc.metadata.name}` });
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: svc.metadata.name, kind: 'services', uid: svc.metadata.uid } };
  };

  for (const base of ['', '/api/v1/namespaces/:namespace']) {
    app.get(`${base}/services`, async (req: Req) => listOf('ServiceList', deps.services.list(req.params.namespace ?? req.query.namespace)));
    app.post(`${base}/services`, create);
    app.get(`${base}/services/:name`, async (req: Req) => deps.services.mustGet(namespaceOf(req), req.params.name ?? ''));
    app.delete(`${base}/services/:name`, remove);
    app.get(`${base}/endpoints`, async (req: Req) => listOf('EndpointsList', deps.endpoints.list(req.params.namespace ?? req.query.namespace)));
    app.get(`${base}/endpoints/:name`, async (req: Req) => deps.endpoints.mustGet(namespaceOf(req), req.params.name ?? ''));
  }
  app.get('/api/v1/services', async () => listOf('ServiceList', deps.services.list()));
  app.get('/api/v1/endpoints', async () => listOf('EndpointsList', deps.endpoints.list()));
}
