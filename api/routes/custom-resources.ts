// The objects of the established CRDs: one route family under /apis/<group>/<version>/ that finds the kind
// at request time (api/custom-resources/custom-kinds.ts), since definitions come and go while the server
// runs. The built-in kinds' static routes win over these; a path no definition serves is a 404 as for any
// unknown path. Strategic merge patch is refused (415), as upstream refuses it for custom resources.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MiniKubeletError } from '../../agent/errors';
import type { CustomKind, CustomKinds } from '../custom-resources/custom-kinds';
import type { Req } from '../request';

const BASE = '/apis/:group/:version';
const NAMESPACED = `${BASE}/namespaces/:namespace/:resource`;
const CLUSTER = `${BASE}/:resource`;

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

const notServed = (req: Req): MiniKubeletError =>
  new MiniKubeletError(
    'NotFound',
    `the server could not find the requested resource (${req.method} ${req.url.split('?')[0] ?? ''})`,
  );

function checkPatchType(req: Req): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (!PATCH_TYPES.includes(type))
    throw new MiniKubeletError(
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
    );
}

type Verb = 'list' | 'create' | 'get' | 'update' | 'patch' | 'remove' | 'removeAll';
type StatusVerb = 'get' | 'put' | 'patch';

/** `builtIn(path)`: does a built-in route serve this path under some method (then another method is a 405)? */
export function customResourceRoutes(
  app: FastifyInstance,
  kinds: CustomKinds,
  builtIn: (path: string) => boolean,
): void {
  /** The kind of the URL, served in the URL's scope (a namespaced kind's collection also across namespaces). */
  const kindOf = (req: Req, namespaced: boolean, list = false): CustomKind => {
    const { group = '', version = '', resource = '' } = req.params;
    const kind = kinds.lookup(group, version, resource);
    if (!kind || (kind.def.namespaced !== namespaced && !(list && kind.def.namespaced))) {
      if (builtIn(req.url.split('?')[0] ?? ''))
        throw new MiniKubeletError(
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
      throw notServed(req);
    }
    return kind;
  };
  const verb =
    (v: Verb, namespaced: boolean) =>
    async (req: Req, reply: FastifyReply): Promise<unknown> => {
      const kind = kindOf(req, namespaced, v === 'list');
      if (v === 'patch') checkPatchType(req);
      return kind.handlers[v](req, reply);
    };
  const subresource =
    (v: StatusVerb, namespaced: boolean) =>
    async (req: Req): Promise<unknown> => {
      const status = kindOf(req, namespaced).status;
      if (!status || req.params.subresource !== 'status') throw notServed(req);
      if (v === 'patch') checkPatchType(req);
      return status[v](req);
    };
  // found before the body is read: a path no definition serves is a 404 whatever its body (as upstream routes)
  const served = (namespaced: boolean, list = false) => ({
    config: { dynamic: true },
    onRequest: async (req: Req): Promise<void> => {
      kindOf(req, namespaced, list);
    },
  });
  for (const [base, namespaced] of [
    [NAMESPACED, true],
    [CLUSTER, false],
  ] as const) {
    const item = `${base}/:name`;
    const sub = `${item}/:subresource`;
    app.get(base, served(namespaced, true), verb('list', namespaced));
    app.post(base, served(namespaced), verb('create', namespaced));
    app.delete(base, served(namespaced), verb('removeAll', namespaced));
    app.get(item, served(namespaced), verb('get', namespaced));
    app.put(item, served(namespaced), verb('update', namespaced));
    app.patch(item, served(namespaced), verb('patch', namespaced));
    app.delete(item, served(namespaced), verb('remove', namespaced));
    app.get(sub, served(namespaced), subresource('get', namespaced));
    app.put(sub, served(namespaced), subresource('put', namespaced));
    app.patch(sub, served(namespaced), subresource('patch', namespaced));
  }
}
