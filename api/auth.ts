// Authentication (SECURITY.md): an onRequest hook that sets `req.user` on every request before body parsing
// and routing's handlers run, for unknown paths too, so an unauthenticated client learns nothing and costs no
// parse. A bearer token is the admin's (<data-dir>/token: ADMIN_USER) or a ServiceAccount's JWT
// (agent/auth/: its ServiceAccount's user). Without credentials, a request is UNAUTHENTICATED_USER when the
// API asks for none (--auth=none, loopback with auto) and refused otherwise; a presented token that is not
// valid is refused either way, as upstream. The health probes stay open (they say only "ok"), and so do the
// web view's files under /ui/ (code, no data: the page asks for the token and sends it to the API like any
// client). A refusal is a Kubernetes Status `Unauthorized` (401), logged once per source address so a scan
// cannot flood the log.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MiniKubeletError } from '../agent/errors';
import type { Logger } from '../agent/log';
import type { ServiceAccountTokens } from '../agent/auth/service-account-tokens';
import { ADMIN_USER, UNAUTHENTICATED_USER, type UserInfo, serviceAccountUser } from './authn/user-info';
import { statusOf } from './status';

/** Paths anyone may ask: liveness and readiness, for probes and load balancers. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/livez', '/readyz']);
/** The web view's files (api/routes/web-view.ts). */
const isWebViewFile = (path: string): boolean => path === '/ui' || path.startsWith('/ui/');
/** Sources remembered for "logged once"; beyond it, one more line says logging stopped. */
const MAX_LOGGED_SOURCES = 10_000;

export interface AuthOptions {
  /** The admin's token, sent as `Authorization: Bearer <token>`; none: no credentials are asked for. */
  token?: string;
  /** ServiceAccount tokens. */
  serviceAccountTokens: Pick<ServiceAccountTokens, 'authenticate'>;
  logger: Logger;
}

/** The admin token's digest, as isAdminToken compares it. */
export const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** The bearer token of an Authorization header; '' when the header is there but is not `Bearer <token>`. */
export function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? '';
}

/** Whether a token is the admin's: digests of equal length compared in constant time (nothing leaks). */
export const isAdminToken = (expected: Buffer | undefined, token: string): boolean =>
  expected !== undefined && timingSafeEqual(digest(token), expected);

export type Authenticated = { user: UserInfo } | { refused: 'missing' | 'invalid' };

/** Who a request's Authorization header makes it (the hook's decision, without HTTP). */
export function authenticate(
  header: string | undefined,
  admin: Buffer | undefined,
  tokens: AuthOptions['serviceAccountTokens'],
): Authenticated {
  const token = bearerOf(header);
  if (token === undefined) return admin ? { refused: 'missing' } : { user: UNAUTHENTICATED_USER };
  if (token === '') return admin ? { refused: 'invalid' } : { user: UNAUTHENTICATED_USER };
  if (isAdminToken(admin, token)) return { user: ADMIN_USER };
  const sa = tokens.authenticate(token);
  if (!sa.ok) return { refused: 'invalid' };
  const { namespace, name, uid, extra } = sa.identity;
  return { user: serviceAccountUser(namespace, name, uid, Object.keys(extra).length ? extra : undefined) };
}

const pathOf = (req: FastifyRequest): string => {
  const q = req.url.indexOf('?');
  return q < 0 ? req.url : req.url.slice(0, q);
};

export function registerAuth(app: FastifyInstance, opts: AuthOptions): void {
  const admin = opts.token !== undefined ? digest(opts.token) : undefined;
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

  app.decorateRequest('user', null as unknown as UserInfo);
  app.addHook('onRequest', (req, reply, done) => {
    const path = pathOf(req);
    const result = authenticate(req.headers.authorization, admin, opts.serviceAccountTokens);
    if ('user' in result) {
      req.user = result.user;
      return done();
    }
    if (OPEN_PATHS.has(path) || isWebViewFile(path)) {
      req.user = UNAUTHENTICATED_USER;
      return done();
    }
    note(req.socket.remoteAddress ?? 'unix socket', req, result.refused);
    void reply
      .code(401)
      .header('content-type', 'application/json')
      .header('www-authenticate', 'Bearer realm="minikubelet"')
      .send(body);
  });
}
