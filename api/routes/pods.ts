// Pods: create, list, get, delete, logs and events, under /pods (curl) and /api/v1/namespaces/{ns}/pods.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isoTime } from '../../agent/clock';
import { badRequest } from '../../agent/errors';
import { DEFAULT_NAMESPACE } from '../../agent/model/meta';
import type { Pod } from '../../agent/model/pod';
import { decodePod } from '../../agent/model/pod-decode';
import { applyPatch } from '../../agent/model/patch';
import { decodePodUpdate } from '../../agent/model/pod-update';
import { podTable } from '../../agent/status/print-pod';
import type { ApiDeps } from '../deps';

type Req = FastifyRequest<{
  Params: Record<string, string>;
  Querystring: Record<string, string | undefined>;
}>;

const namespaceOf = (req: Req): string => req.params.namespace ?? req.query.namespace ?? DEFAULT_NAMESPACE;

function intParam(req: Req, name: string): number | undefined {
  const v = req.query[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw badRequest(`invalid ${name} "${v}": must be a non-negative integer`);
  return n;
}

const boolParam = (req: Req, name: string): boolean => req.query[name] === 'true' || req.query[name] === '1';

function podList(pods: Pod[], resourceVersion: string): object {
  return { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion }, items: pods };
}

export function podRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { pods } = deps;
  const wantsTable = (req: Req): boolean => (req.headers.accept ?? '').startsWith('text/plain');

  const list = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const items = pods.list(req.params.namespace ?? req.query.namespace);
    if (wantsTable(req)) return reply.type('text/plain').send(podTable(items, deps.clock.now()));
    return podList(items, deps.versions());
  };

  const create = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const pod = decodePod(req.body, namespaceOf(req));
    pod.spec.nodeName = deps.nodeName;
    const stored = pods.create(pod);
    deps.logger.info('pod created', {
      pod: `${stored.metadata.namespace}/${stored.metadata.name}`,
      podUid: stored.metadata.uid,
    });
    return reply.code(201).send(stored);
  };

  const get = async (req: Req): Promise<unknown> => pods.mustGet(namespaceOf(req), req.params.name ?? '');

  const remove = async (req: Req): Promise<unknown> => {
    const pod = pods.mustGet(namespaceOf(req), req.params.name ?? '');
    const body = (req.body ?? {}) as { gracePeriodSeconds?: unknown };
    const fromBody = typeof body.gracePeriodSeconds === 'number' ? body.gracePeriodSeconds : undefined;
    const grace = intParam(req, 'gracePeriodSeconds') ?? fromBody ?? pod.spec.terminationGracePeriodSeconds;
    if (pod.metadata.deletionTimestamp !== undefined) return pod;
    const deleting: Pod = {
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: isoTime(deps.clock.now() + grace * 1000),
        deletionGracePeriodSeconds: grace,
      },
    };
    return pods.update(deleting, { specChanged: false });
  };

  /** PUT and PATCH: only images may change; a stale resourceVersion is a Conflict. */
  const update = (req: Req, body: unknown): Pod => {
    const old = pods.mustGet(namespaceOf(req), req.params.name ?? '');
    const next = decodePodUpdate(old, body);
    const rv = (body as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return pods.update(next, { specChanged, ...(typeof rv === 'string' && rv ? { expectedVersion: rv } : {}) });
  };
  const put = async (req: Req): Promise<unknown> => update(req, req.body);
  const patch = async (req: Req): Promise<unknown> => {
    const old = pods.mustGet(namespaceOf(req), req.params.name ?? '');
    const { status: _status, ...current } = structuredClone(old);
    delete (current.metadata as { resourceVersion?: string }).resourceVersion;
    return update(req, applyPatch(req.headers['content-type'] ?? '', current, req.body));
  };

  const logs = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const pod = pods.mustGet(namespaceOf(req), req.params.name ?? '');
    const tailLines = intParam(req, 'tailLines');
    const sinceSeconds = intParam(req, 'sinceSeconds');
    const stream = await deps.podLogs(pod, {
      ...(req.query.container ? { container: req.query.container } : {}),
      previous: boolParam(req, 'previous'),
      follow: boolParam(req, 'follow'),
      timestamps: boolParam(req, 'timestamps'),
      ...(tailLines !== undefined ? { tailLines } : {}),
      ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    });
    req.raw.on('close', () => stream.destroy());
    return reply.type('text/plain').send(stream);
  };

  const events = async (req: Req): Promise<unknown> => {
    const pod = pods.mustGet(namespaceOf(req), req.params.name ?? '');
    return {
      kind: 'EventList',
      apiVersion: 'v1',
      metadata: {},
      items: deps.events.list({ uid: pod.metadata.uid }),
    };
  };

  for (const base of ['/pods', '/api/v1/namespaces/:namespace/pods']) {
    app.get(base, list);
    app.post(base, create);
    app.get(`${base}/:name`, get);
    app.delete(`${base}/:name`, remove);
    app.put(`${base}/:name`, put);
    app.patch(`${base}/:name`, patch);
    app.get(`${base}/:name/log`, logs);
    app.get(`${base}/:name/events`, events);
  }
  app.get('/api/v1/pods', list);
}
