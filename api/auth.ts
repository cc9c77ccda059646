// Bearer-token authentication (SECURITY.md). An onRequest hook: it runs before body parsing and routing's
// handlers, for unknown paths too, so an unauthenticated client learns nothing and costs no parse. The
// health probes stay open (they say only "ok"), and so do the web view's files under /ui/ (code, no data:
// the page asks for the token and sends it to the API like any client). A refusal is a Kubernetes Status `Unauthorized` (401),
// logged once per source address so a scan cannot flood the log.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MiniKubeletError } from '../agent/errors';
import type { Logger } from '../agent/log';
import { statusOf } from './status';

/** Paths anyone may ask: liveness and readiness, for probes and load balancers. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/livez', '/readyz']);
/** The web view's files (api/routes/web-view.ts). */
const isWebViewFile = (path: string): boolean => path === '/ui' || path.startsWith('/ui/');
/** Sources remembered for "logged once"; beyond it, one more line says logging stopped. */
const MAX_LOGGED_SOURCES = 10_000;

export interface AuthOptions {
  /** The token clients send as `Authorization: Bearer <token>`. */
  token: string;
  logger: Logger;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Why a request is refused, or undefined when its Authorization header carries the token. */
export function checkBearer(expected: Buffer, header: string | undefined): 'missing' | 'invalid' | undefined {
  if (!header) return 'missing';
  const m = /^Bearer +(\S+) *$/i.exec(header);
  if (!m) return 'invalid';
  // Digests of equal length, compared in constant time: neither the token nor its length leaks.
  return timingSafeEqual(digest(m[1] ?? ''), expected) ? undefined : 'invalid';
}

const pathOf = (req: FastifyRequest): string => {
  const q = req.url.indexOf('?');
  return q < 0 ? req.url : req.url.slice(0, q);
};

export function registerAuth(app: FastifyInstance, opts: AuthOptions): void {
  const expected = digest(opts.token);
  const logged = new Set<string>();
  let overflowLogged = false;
  const body = JSON.stringify(statusOf(new MiniKubeletError('Unauthorized', 'Unauthorized')));

  const note = (source: string, req: FastifyRequest, reason: string): void => {
    if (logged.has(source)) return;
    if (logged.size >= MAX_LOGGED_SOURCES) {
      if (!overflowLogged)
        opts.logger.warn('unauthenticated requests from too many sources; not logging more of them', {
          sources: logged.size,
        });
      overflowLogged = true;
      return;
    }
    logged.add(source);
    // The path only: a query string may carry anything, and the header is never logged.
    opts.logger.warn('unauthenticated request refused (logged once per source)', {
      source,
      method: req.method,
      path: pathOf(req).slice(0, 200),
      reason,
    });
  };

  app.addHook('onRequest', (req, reply, done) => {
    const path = pathOf(req);
    if (OPEN_PATHS.has(path) || isWebViewFile(path)) return done();
    const why = checkBearer(expected, req.headers.authorization);
    if (!why) return done();
    note(req.socket.remoteAddress ?? 'unix socket', req, why);
    void reply
      .code(401)
      .header('content-type', 'application/json')
      .header('www-authenticate', 'Bearer realm="minikubelet"')
      .send(body);
  });
}
