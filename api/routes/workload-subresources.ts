// The `status` and `scale` subresources of a kind with replicas (Deployments, ReplicaSets): status read and
// written apart from the spec; Scale (autoscaling/v1) read, replaced and patched, which is what
// `kubectl scale` sends. Generic over any kind whose spec has replicas and a selector.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { notFound } from '../../agent/errors';
import { fieldError, invalidError } from '../../agent/model/field-errors';
import { selectorText } from '../../agent/model/label-selector';
import { isObject } from '../../agent/model/shape';
import type { LabelSelector } from '../../agent/model/workload';
import type { StoredObject } from '../../agent/store/object-store';
import { checkPreconditions } from '../../agent/store/preconditions';
import type { UpdateOptions } from '../../agent/store/registry';
import { validateFields } from '../field-validation';
import { applyPatch, bodyPreconditions } from '../patching';
import { type Req, isDryRun, namespaceOf } from '../request';
import { type ResourceDefinition, groupVersionOf } from '../resources';
import { AUTOSCALING_V1 } from '../../agent/model/group-version';
import type { Clock } from '../../agent/clock';
import { managedUpdate } from '../field-manager';

export interface Scalable extends StoredObject {
  spec: { replicas: number; selector: LabelSelector };
  status: { replicas?: number };
}

/** What the status subresource writes through (agent/workloads/workload-registry.ts). */
export interface StatusOnlyWriter<T extends StoredObject & { status: object }> {
  updateStatus(namespace: string, name: string, status: T['status'], opts?: UpdateOptions): T;
}

/** And the scale subresource too. */
export interface StatusWriter<T extends Scalable> extends StatusOnlyWriter<T> {
  update(raw: unknown, namespace: string, name: string, opts?: UpdateOptions): T;
}

export function scaleOf(obj: Scalable): object {
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: obj.spec.replicas },
    status: { replicas: obj.status.replicas ?? 0, selector: selectorText(obj.spec.selector) },
  };
}

function replicasOf(scale: unknown, name: string): number {
  const spec = isObject(scale) && isObject(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalidError(
      'Scale',
      name,
      [fieldError('Invalid', 'spec.replicas', replicas, 'must be greater than or equal to 0')],
      AUTOSCALING_V1.group,
    );
  }
  return replicas;
}

const STATUS = { scope: 'status', subresource: 'status' } as const;

export type WithStatus = StoredObject & { status: object };

/** The `status` subresource alone (DaemonSets: no replicas, so no scale). */
export function workloadStatusRoutes<T extends WithStatus>(
  app: FastifyInstance,
  def: ResourceDefinition<T>,
  writer: StatusOnlyWriter<T>,
  collectionPaths: string[],
  clock: Clock,
): void {
  const gv = groupVersionOf(def);
  const current = currentOf(def);
  const writeStatus = (req: Req, reply: FastifyReply, body: unknown): T => {
    validateFields(req, reply, def.kind, body, gv);
    const status = (isObject(body) && isObject(body.status) ? body.status : {}) as T['status'];
    const managedFields = managedUpdate(req, def, clock, current(req), body, STATUS);
    return writer.updateStatus(namespaceOf(req), req.params.name ?? '', status, {
      ...opts(req, body),
      managedFields,
    });
  };
  for (const base of collectionPaths.filter((p) => p.startsWith('/api'))) {
    const status = `${base}/:name/status`;
    app.get(status, async (req: Req) => current(req));
    app.put(status, async (req: Req, reply) => writeStatus(req, reply, req.body));
    app.patch(status, async (req: Req, reply) =>
      writeStatus(req, reply, patched(def, req, structuredClone(current(req)))),
    );
  }
}

const currentOf =
  <T extends StoredObject>(def: ResourceDefinition<T>) =>
  (req: Req): T => {
    const obj = def.source.get(namespaceOf(req), req.params.name ?? '');
    if (!obj) throw notFound(def.kind, req.params.name ?? '', groupVersionOf(def).group);
    return obj;
  };

const opts = (req: Req, body: unknown): UpdateOptions => ({
  dryRun: isDryRun(req),
  ...bodyPreconditions(req, body),
});

const patched = <T extends StoredObject>(def: ResourceDefinition<T>, req: Req, base: unknown): unknown =>
  applyPatch(req.headers['content-type'] ?? '', base, req.body, def.mergeKeys);

export function workloadSubresourceRoutes<T extends Scalable>(
  app: FastifyInstance,
  def: ResourceDefinition<T>,
  writer: StatusWriter<T>,
  collectionPaths: string[],
  clock: Clock,
): void {
  workloadStatusRoutes(app, def, writer, collectionPaths, clock);
  const current = currentOf(def);
  const writeScale = (req: Req, scale: unknown): object => {
    const obj = current(req);
    // the Scale's name first, as upstream's handler checks it, then its replicas, then its uid (PUT or patch)
    const { uid: _putUid, ...conditions } = opts(req, scale);
    const replicas = replicasOf(scale, obj.metadata.name);
    const uid = isObject(scale) && isObject(scale.metadata) ? scale.metadata.uid : undefined;
    if (typeof uid === 'string' && uid) checkPreconditions(obj, { uid }, 'scale');
    const next = { ...obj, spec: { ...obj.spec, replicas } };
    // The Scale's spec.replicas is the parent's: owned in the parent's version, subresource `scale`.
    const managedFields = managedUpdate(req, def, clock, obj, next, { subresource: 'scale' });
    return scaleOf(
      writer.update(next, namespaceOf(req), obj.metadata.name, { ...conditions, managedFields }),
    );
  };
  for (const base of collectionPaths.filter((p) => p.startsWith('/api'))) {
    const scale = `${base}/:name/scale`;
    app.get(scale, async (req: Req) => scaleOf(current(req)));
    app.put(scale, async (req: Req) => writeScale(req, req.body));
    app.patch(scale, async (req: Req) => writeScale(req, patched(def, req, scaleOf(current(req)))));
  }
}

/** The subresources discovery lists for such a kind. */
export const WORKLOAD_SUBRESOURCES = [
  { name: 'scale', verbs: ['get', 'patch', 'update'], kind: 'Scale', groupVersion: AUTOSCALING_V1 },
  { name: 'status', verbs: ['get', 'patch', 'update'] },
];
