// A pod's subresources: /log (plain text, streamed: with follow=true it stays open while the container
// runs), /status, /ephemeralcontainers (kubectl debug: GET, PUT and PATCH, which add ephemeral containers
// only), and /events (the curl form; kubectl lists events with a field selector instead).
import { Transform, type Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest } from '../../agent/errors';
import { type FieldError, fieldError, invalidError } from '../../agent/model/field-errors';
import { objectReply } from '../collection';
import { applyPatch, bodyPreconditions, patchBase } from '../patching';
import type { ApiDeps } from '../deps';
import { type Req, boolParam, intParam, isDryRun, namespaceOf } from '../request';
import { MERGE_KEYS } from '../../agent/model/patch';
import type { Pod } from '../../agent/model/pod';
import type { ResourceInfo } from '../resources';

/** Passes the first `limit` bytes, then ends (limitBytes). */
function firstBytes(source: Readable, limit: number): Readable {
  let left = limit;
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (left <= 0) return done();
      const part = chunk.subarray(0, left);
      left -= part.length;
      this.push(part);
      if (left <= 0) {
        this.push(null);
        source.destroy();
      }
      done();
    },
  });
  source.on('error', (err) => out.destroy(err));
  out.on('close', () => source.destroy());
  return source.pipe(out);
}

/** tailLines, limitBytes and sinceSeconds checked as ValidatePodLogOptions does (422 PodLogOptions). */
function logOptions(req: Req, pod: string): { tailLines?: number; limitBytes?: number } {
  const tailLines = intParam(req, 'tailLines');
  const limitBytes = intParam(req, 'limitBytes');
  const sinceSeconds = intParam(req, 'sinceSeconds');
  const errors: FieldError[] = [];
  if (tailLines !== undefined && tailLines < 0)
    errors.push(fieldError('Invalid', 'tailLines', tailLines, 'must be greater than or equal to 0'));
  if (limitBytes !== undefined && limitBytes < 1)
    errors.push(fieldError('Invalid', 'limitBytes', limitBytes, 'must be greater than 0'));
  if (sinceSeconds !== undefined && req.query.sinceTime !== undefined)
    errors.push(
      fieldError('Forbidden', '', undefined, 'at most one of `sinceTime` or `sinceSeconds` may be specified'),
    );
  else if (sinceSeconds !== undefined && sinceSeconds < 1)
    errors.push(fieldError('Invalid', 'sinceSeconds', sinceSeconds, 'must be greater than 0'));
  if (errors.length) throw invalidError('PodLogOptions', pod, errors);
  return {
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
}

function sinceSecondsOf(req: Req, now: number): number | undefined {
  const seconds = intParam(req, 'sinceSeconds');
  if (seconds !== undefined || !req.query.sinceTime) return seconds;
  const t = Date.parse(req.query.sinceTime);
  if (Number.isNaN(t)) throw badRequest(`invalid sinceTime "${req.query.sinceTime}": must be RFC 3339`);
  return Math.max(0, Math.ceil((now - t) / 1000));
}

/** Under each of `paths` (the pod collections: `/pods`, `/api/v1/namespaces/:namespace/pods`). */
export function podSubresourceRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  podsInfo: ResourceInfo<Pod>,
  paths: string[],
): void {
  const { pods } = deps;
  const podOf = (req: Req) => pods.mustGet(namespaceOf(req), req.params.name ?? '');

  const logs = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const pod = podOf(req);
    const { tailLines, limitBytes } = logOptions(req, pod.metadata.name);
    const sinceSeconds = sinceSecondsOf(req, deps.clock.now());
    let stream = await deps.podLogs(pod, {
      ...(req.query.container ? { container: req.query.container } : {}),
      previous: boolParam(req, 'previous'),
      follow: boolParam(req, 'follow'),
      timestamps: boolParam(req, 'timestamps'),
      ...(tailLines !== undefined ? { tailLines } : {}),
      ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    });
    if (limitBytes) stream = firstBytes(stream, limitBytes);
    // Streamed as it comes: headers at once (clients wait for them), each chunk as Docker hands it over.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    stream.on('error', () => res.destroy());
    // res, not req: on Node 20 the request's 'close' fires once its (empty) body is read
    res.on('close', () => stream.destroy());
    stream.pipe(res);
    return reply;
  };

  const events = async (req: Req): Promise<unknown> => ({
    kind: 'EventList',
    apiVersion: 'v1',
    metadata: { resourceVersion: deps.versions() },
    items: deps.events.list({ uid: podOf(req).metadata.uid }),
  });

  const writeEphemeral = (req: Req, body: unknown): Pod =>
    deps.registries.pods.updateEphemeralContainers(body, namespaceOf(req), req.params.name ?? '', {
      dryRun: isDryRun(req),
      ...bodyPreconditions(req, body),
    });
  const patchEphemeral = async (req: Req): Promise<Pod> => {
    const base = patchBase(podOf(req));
    return writeEphemeral(req, applyPatch(req.headers['content-type'] ?? '', base, req.body, MERGE_KEYS));
  };

  for (const base of paths) {
    app.get(`${base}/:name/log`, logs);
    app.get(`${base}/:name/ephemeralcontainers`, async (req: Req) =>
      objectReply(req, deps, podsInfo, podOf(req)),
    );
    app.put(`${base}/:name/ephemeralcontainers`, async (req: Req) => writeEphemeral(req, req.body));
    app.patch(`${base}/:name/ephemeralcontainers`, patchEphemeral);
    app.get(`${base}/:name/status`, async (req: Req) => objectReply(req, deps, podsInfo, podOf(req)));
    app.get(`${base}/:name/events`, events);
  }
}
