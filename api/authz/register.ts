// Authorization on the API, after authentication (api/auth.ts sets req.user): impersonation headers first,
// then the request's attributes (request-info.ts) asked of the authorizer, a refusal a 403 Status worded as
// upstream. The health probes and the web view's files stay open, as in authentication. RBAC writes are
// checked again once their body is parsed (escalation.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isObject } from '../../agent/model/shape';
import type { RbacObjects } from '../../agent/model/rbac';
import { OPEN_PATHS } from '../auth';
import { MERGE_KEYS } from '../../agent/model/patch';
import { applyPatch, isApply, patchBase } from '../patching';
import type { Req } from '../request';
import type { Authorizer } from './authorizer';
import { escalationError, isRbacWrite } from './escalation';
import { forbiddenError } from './forbidden';
import { impersonatedUser } from './impersonation';
import { type RequestAttributes, requestInfo } from './request-info';

/** Pod subresources that open a stream: from Kubernetes 1.35 a WebSocket's GET must also be allowed `create`. */
const STREAM_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
};
const isOpen = (path: string): boolean => OPEN_PATHS.has(path) || path === '/ui' || path.startsWith('/ui/');

export interface AuthorizationOptions {
  authorizer: Authorizer;
  /** The stored RBAC objects, for escalation prevention. */
  rbac: RbacObjects;
  /** Core resources also served at /<resource> (request-info.ts). */
  shortPaths: ReadonlySet<string>;
}

/** The attributes authorization read from a request (for the reviews and the escalation check). */
const attributesOf = new WeakMap<FastifyRequest, RequestAttributes>();

export function registerAuthorization(app: FastifyInstance, opts: AuthorizationOptions): void {
  const { authorizer } = opts;
  app.addHook('onRequest', async (req) => {
    const path = pathOf(req.url);
    if (isOpen(path)) return;
    const acting = impersonatedUser(authorizer, req.user, req.raw.rawHeaders, path);
    if (acting) req.user = acting;
    const a = requestInfo(req.method, req.url, req.query as Record<string, string>, {
      shortPaths: opts.shortPaths,
    });
    attributesOf.set(req, a);
    const decision = authorizer.authorize(req.user, a);
    if (!decision.allowed) throw forbiddenError(req.user, a, decision.reason);
    // upstream's AuthorizePodWebsocketUpgradeCreatePermission (on by default since 1.35): get and create
    if (a.resource === 'pods' && STREAM_SUBRESOURCES.has(a.subresource) && a.verb === 'get') {
      const create = { ...a, verb: 'create' };
      const also = authorizer.authorize(req.user, create);
      if (!also.allowed) throw forbiddenError(req.user, create, also.reason);
    }
  });
  const rbac = opts.rbac;
  app.addHook('preHandler', async (req) => {
    const a = attributesOf.get(req);
    if (!a || !isRbacWrite(a)) return;
    const object = resultingObject(req as Req, a, rbac);
    if (!object) return;
    const refused = escalationError({ authorizer, rbac, user: req.user, request: a, object });
    if (refused) throw refused;
  });
}

/** The stored RBAC object a PATCH applies to. */
function stored(rbac: RbacObjects, a: RequestAttributes): object | undefined {
  switch (a.resource) {
    case 'roles':
      return rbac.role(a.namespace, a.name);
    case 'clusterroles':
      return rbac.clusterRole(a.name);
    case 'rolebindings':
      return rbac.roleBindings(a.namespace).find((b) => b.metadata.name === a.name);
    default:
      return rbac.clusterRoleBindings().find((b) => b.metadata.name === a.name);
  }
}

/**
 * What the write would store: the body of a POST or PUT; a PATCH applied to the stored object as the handler
 * applies it (lists of rules and subjects are replaced whole by every patch type: they have no merge key). A
 * patch of a missing object is the handler's 404, except server-side apply, which creates its body.
 */
function resultingObject(
  req: Req,
  a: RequestAttributes,
  rbac: RbacObjects,
): Record<string, unknown> | undefined {
  if (a.verb !== 'patch') return isObject(req.body) ? req.body : undefined;
  const old = stored(rbac, a);
  if (!old) return isApply(req) && isObject(req.body) ? req.body : undefined;
  const ct = isApply(req) ? 'application/apply-patch+yaml' : (req.headers['content-type'] ?? '');
  const next = applyPatch(ct, patchBase(old as { metadata: object }), req.body, MERGE_KEYS);
  return isObject(next) ? next : undefined;
}
