// Pods: create, list/watch, get, update, patch (incl. server-side apply) and delete, under /pods (curl)
// and /api/v1/namespaces/{ns}/pods (kubectl, client libraries).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MiniKubeletError, conflict } from '../../agent/errors';
import { markDeleting } from '../../agent/model/deletion';
import { MERGE_KEYS, applyPatch } from '../../agent/model/patch';
import type { Pod } from '../../agent/model/pod';
import { decodePod } from '../../agent/model/pod-decode';
import { decodePodUpdate } from '../../agent/model/pod-update';
import { podTable } from '../../agent/status/print-pod';
import { requireNamespace } from '../../agent/store/namespaces';
import { collectionHandler, objectReply, selectorOf, watchRoutes } from '../collection';
import type { ApiDeps } from '../deps';
import { validateFields } from '../field-validation';
import { bodyName, checkApplyName, expectedVersion, isApply, patchBase } from '../patching';
import { type Req, deleteOptions, isDryRun, listNamespace, namespaceOf } from '../request';
import { pods as podsInfo } from '../resources';
import { podSubresourceRoutes } from './pod-subresources';

export function podRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { pods } = deps;
  const key = (req: Req): [string, string] => [namespaceOf(req), req.params.name ?? ''];
  const collection = collectionHandler(deps, podsInfo, (ns) => pods.list(ns));

  /** `curl -H 'Accept: text/plain' /pods`: the kubectl-style table as text. */
  const list = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    if (!(req.headers.accept ?? '').startsWith('text/plain')) return collection(req, reply);
    const items = pods.list(listNamespace(req)).filter(selectorOf(req, podsInfo));
    return reply.type('text/plain').send(podTable(items, deps.clock.now()));
  };

  const createFrom = (req: Req, reply: FastifyReply, body: unknown): Pod => {
    const namespace = namespaceOf(req);
    validateFields(req, reply, 'Pod', body);
    requireNamespace(deps.namespaces, namespace, 'Pod', bodyName(body));
    const pod = decodePod(body, namespace, deps.podPolicy);
    pod.spec.nodeName = deps.nodeName;
    const dryRun = isDryRun(req);
    const stored = pods.create(pod, { dryRun });
    if (!dryRun) {
      deps.logger.info('pod created', {
        pod: `${namespace}/${stored.metadata.name}`,
        podUid: stored.metadata.uid,
      });
    }
    return stored;
  };
  const create = async (req: Req, reply: FastifyReply): Promise<unknown> =>
    reply.code(201).send(createFrom(req, reply, req.body));

  const get = async (req: Req): Promise<unknown> =>
    objectReply(req, deps, podsInfo, pods.mustGet(...key(req)));

  /** PUT and PATCH results: only images may change; a stale resourceVersion is a Conflict. */
  const update = (req: Req, reply: FastifyReply, body: unknown): Pod => {
    const old = pods.mustGet(...key(req));
    validateFields(req, reply, 'Pod', body);
    const next = decodePodUpdate(old, body, deps.podPolicy);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return pods.update(next, { specChanged, dryRun: isDryRun(req), ...expectedVersion(body) });
  };
  const put = async (req: Req, reply: FastifyReply): Promise<unknown> => update(req, reply, req.body);
  const patch = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const old = pods.get(...key(req));
    if (isApply(req)) {
      checkApplyName(req);
      if (!old) return reply.code(201).send(createFrom(req, reply, req.body));
      validateFields(req, reply, 'Pod', req.body);
    }
    if (!old) return pods.mustGet(...key(req));
    return update(
      req,
      reply,
      applyPatch(req.headers['content-type'] ?? '', patchBase(old), req.body, MERGE_KEYS),
    );
  };

  /** Graceful: the pod shows Terminating until the sync loop has removed its containers, then goes. */
  const remove = async (req: Req): Promise<unknown> => {
    const pod = pods.mustGet(...key(req));
    const o = deleteOptions(req);
    const m = pod.metadata;
    if (o.uid !== undefined && o.uid !== m.uid) {
      throw conflict(
        'Pod',
        m.name,
        `Precondition failed: UID in precondition: ${o.uid}, UID in object meta: ${m.uid}`,
      );
    }
    if (o.resourceVersion !== undefined && o.resourceVersion !== m.resourceVersion) {
      throw conflict(
        'Pod',
        m.name,
        `Precondition failed: ResourceVersion in precondition: ${o.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion}`,
      );
    }
    if (o.gracePeriodSeconds !== undefined && o.gracePeriodSeconds < 0) {
      throw new MiniKubeletError('BadRequest', 'gracePeriodSeconds must be non-negative');
    }
    const dryRun = isDryRun(req);
    if (m.deletionTimestamp !== undefined) return pod;
    const deleting = markDeleting(
      pod,
      deps.clock.now(),
      o.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds,
    );
    // The deletion mark is persisted: a restart during the grace period must not bring the pod back.
    return dryRun ? deleting : pods.update(deleting, { specChanged: false, persist: true });
  };

  for (const base of ['/pods', '/api/v1/namespaces/:namespace/pods']) {
    app.get(base, list);
    app.post(base, create);
    app.get(`${base}/:name`, get);
    app.delete(`${base}/:name`, remove);
    app.put(`${base}/:name`, put);
    app.patch(`${base}/:name`, patch);
  }
  app.get('/api/v1/pods', list);
  watchRoutes(app, 'pods', collection);
  podSubresourceRoutes(app, deps);
}
