// POST .../pods/:name/eviction: a policy/v1 (or policy/v1beta1) Eviction, as kube-apiserver's EvictionREST
// answers it: 201 and a Success Status once the pod is deleted; the budget's 429 from the executor
// (agent/disruption/evictions.ts); 500 for a pod with more than one budget.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest } from '../../agent/errors';
import { MULTIPLE_BUDGETS_MESSAGE } from '../../agent/disruption/plan-eviction';
import { isObject } from '../../agent/model/shape';
import type { ApiDeps } from '../deps';
import { type Req, deleteOptions, isDryRun, namespaceOf } from '../request';

const EVICTION_VERSIONS = new Set(['policy/v1', 'policy/v1beta1']);

/** The Eviction's DeleteOptions, read as a DELETE's body is (grace, preconditions, propagation, dryRun). */
function evictionBody(req: Req, name: string): Req {
  const body = req.body;
  if (!isObject(body)) throw badRequest('the body of the request must be an Eviction object');
  if (body.kind !== undefined && body.kind !== 'Eviction')
    throw badRequest(
      `the object provided is unrecognized (wrong kind ${JSON.stringify(body.kind)}, expected Eviction)`,
    );
  const version = body.apiVersion;
  if (version !== undefined && (typeof version !== 'string' || !EVICTION_VERSIONS.has(version)))
    throw badRequest(`no kind "Eviction" is registered for version ${JSON.stringify(version)}`);
  const meta = isObject(body.metadata) ? body.metadata : {};
  if (meta.name !== name) throw badRequest('name in URL does not match name in Eviction object');
  const options = isObject(body.deleteOptions) ? body.deleteOptions : {};
  // only the Eviction's own DeleteOptions count (the query's dryRun is the create's, read apart)
  return { body: options, query: {}, params: {} } as unknown as Req;
}

const status = (code: number, extra: Record<string, unknown>): object => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  ...extra,
  code,
});

export function podEvictionRoutes(app: FastifyInstance, deps: ApiDeps, paths: string[]): void {
  const evict = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const name = req.params.name ?? '';
    const asDelete = evictionBody(req, name);
    const outcome = deps.disruption.evictions.evict(namespaceOf(req), name, {
      ...deleteOptions(asDelete),
      dryRun: isDryRun(req) || isDryRun(asDelete),
    });
    if ('multipleBudgets' in outcome)
      return reply.code(500).send(status(500, { status: 'Failure', message: MULTIPLE_BUDGETS_MESSAGE }));
    return reply.code(201).send(status(201, { status: 'Success' }));
  };
  for (const base of paths) app.post(`${base}/:name/eviction`, evict);
}
