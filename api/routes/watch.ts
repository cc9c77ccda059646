// A watch stream: 200 with headers flushed at once, then one JSON object per line ({"type","object"}),
// written as the hub hands events over and only while the socket keeps up (the hub drops a watcher
// that falls too far behind). Ends at timeoutSeconds, when the client goes away, or when the agent stops.
import type { FastifyReply } from 'fastify';
import type { StoredObject } from '../../agent/store/object-store';
import type { WatchEvent, Watcher } from '../../agent/store/watch-hub';
import { MiniKubeletError } from '../../agent/errors';
import type { ApiDeps } from '../deps';
import { type Req, boolParam, intParam } from '../request';
import { type ResourceInfo, apiVersionOfInfo } from '../resources';
import { statusOf } from '../status';
import { conversionOf, partialObject } from '../media-type';
import { includeObjectOf, toTable } from '../table';

/** Upstream picks 30-60 min when the client sets no timeout. */
const DEFAULT_TIMEOUT_S = 1800;

export async function serveWatch(
  req: Req,
  reply: FastifyReply,
  deps: ApiDeps,
  info: ResourceInfo,
  current: () => StoredObject[],
  match: (obj: StoredObject) => boolean,
): Promise<void> {
  // PartialObjectMetadataList cannot be made of one object: upstream then sends the objects as they are
  const conversion = conversionOf(req.headers.accept);
  const target = conversion?.kind === 'PartialObjectMetadataList' ? undefined : conversion;
  const bookmarks = boolParam(req, 'allowWatchBookmarks');
  // 0 (or none) is the server's default; a negative timeout ends the watch at once, as upstream's timer does
  const asked = intParam(req, 'timeoutSeconds');
  const timeoutSeconds = asked === undefined || asked === 0 ? DEFAULT_TIMEOUT_S : Math.max(0, asked);
  const apiVersion = apiVersionOfInfo(info);
  let watcher: Watcher;
  try {
    await deps.watches.reach(req.query.resourceVersion);
    watcher = deps.watches.watch({
      kind: info.kind,
      apiVersion,
      ...(req.query.resourceVersion !== undefined ? { resourceVersion: req.query.resourceVersion } : {}),
      match,
      current,
      bookmarks,
      sendInitialEvents: boolParam(req, 'sendInitialEvents'),
    });
  } catch (err) {
    // A version too old to replay, or one not reached within the wait, is told in the stream, as upstream's
    // watch cache does (a 200 and one ERROR event carrying the 410 or 504 Status: client-go then relists or
    // retries); a malformed one stays a plain 400.
    if (!(err instanceof MiniKubeletError) || (err.code !== 'Gone' && err.code !== 'Timeout')) throw err;
    reply.hijack();
    reply.raw.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    reply.raw.end(`${JSON.stringify({ type: 'ERROR', object: statusOf(err) })}\n`);
    return;
  }
  const include = includeObjectOf(req.query.includeObject);
  let sentColumns = false;
  const line = (e: WatchEvent): string => {
    if (!target || e.type === 'BOOKMARK') return `{"type":"${e.type}","object":${e.json()}}\n`;
    if (target.kind === 'PartialObjectMetadata')
      return `${JSON.stringify({ type: e.type, object: partialObject(e.object, target.apiVersion) })}\n`;
    const object = toTable(info, [e.object], deps.clock.now(), {
      metadata: { resourceVersion: e.object.metadata.resourceVersion },
      include,
      withColumns: !sentColumns,
      apiVersion: target.apiVersion,
    });
    sentColumns = true;
    return `${JSON.stringify({ type: e.type, object })}\n`;
  };

  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  let blocked = false;
  const finish = (): void => {
    cancelTimeout();
    watcher.close();
    if (!res.writableEnded) res.end();
  };
  const pump = (): void => {
    if (watcher.ended === 'overflow') {
      res.destroy(); // the client is not reading; a clean end could wait forever
      return;
    }
    if (watcher.ended) return finish();
    if (blocked) return;
    for (const e of watcher.take()) if (!res.write(line(e))) blocked = true;
  };
  watcher.onReady = pump;
  res.on('drain', () => {
    blocked = false;
    pump();
  });
  // res, not req: on Node 20 the request's 'close' fires once its (empty) body is read
  res.on('close', () => {
    cancelTimeout();
    watcher.close();
  });
  const cancelTimeout = deps.clock.setTimer(() => {
    pump();
    if (bookmarks && !watcher.ended) res.write(line(deps.watches.bookmarkEvent(info.kind, apiVersion)));
    finish();
  }, timeoutSeconds * 1000);
  pump();
}
