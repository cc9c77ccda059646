// What `kubectl auth can-i` (authorization.k8s.io/v1 SelfSubjectAccessReview, SelfSubjectRulesReview) and
// `kubectl auth whoami` (authentication.k8s.io/v1 SelfSubjectReview) post, answered for the request's user
// (after impersonation: `kubectl auth can-i --as=...`) by the API's authorizer (api/authz/); also
// SubjectAccessReview and LocalSubjectAccessReview, which ask about another user. Create only, stored
// nowhere, as upstream; plain routes listed in discovery as extra groups (like metrics.k8s.io).
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../agent/errors';
import { fieldError, invalidError } from '../../agent/model/field-errors';
import type { GroupVersion } from '../../agent/model/group-version';
import { isObject } from '../../agent/model/shape';
import type { UserInfo } from '../authn/user-info';
import type { Authorizer } from '../authz/authorizer';
import { type RequestAttributes, nonResource } from '../authz/request-info';
import { listedResource } from '../resources';
import type { ExtraGroup } from './discovery';

const AUTHORIZATION: GroupVersion = { group: 'authorization.k8s.io', version: 'v1' };
const AUTHENTICATION: GroupVersion = { group: 'authentication.k8s.io', version: 'v1' };
const CREATE = ['create'];
const BASE = '/apis/authorization.k8s.io/v1';

export const reviewsDiscovery: ExtraGroup[] = [
  {
    gv: AUTHORIZATION,
    defs: [
      listedResource(AUTHORIZATION, 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true, CREATE),
      listedResource(AUTHORIZATION, 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, CREATE),
      listedResource(AUTHORIZATION, 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, CREATE),
      listedResource(AUTHORIZATION, 'subjectaccessreviews', 'SubjectAccessReview', false, CREATE),
    ],
  },
  {
    gv: AUTHENTICATION,
    defs: [listedResource(AUTHENTICATION, 'selfsubjectreviews', 'SelfSubjectReview', false, CREATE)],
  },
];

type Json = Record<string, unknown>;
interface Review {
  metadata?: Json;
  spec?: Json;
}

/** The review as upstream answers it: what was sent, its status filled in. */
const answer = (
  gv: GroupVersion,
  kind: string,
  body: Review | undefined,
  status: object,
  metadata?: Json,
): object => ({
  kind,
  apiVersion: `${gv.group}/${gv.version}`,
  metadata: { ...(body?.metadata ?? {}), ...metadata, creationTimestamp: null },
  ...(body?.spec !== undefined ? { spec: body.spec } : {}),
  status,
});

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The attributes a review asks about; exactly one of resourceAttributes and nonResourceAttributes. */
function reviewAttributes(kind: string, spec: Json): RequestAttributes {
  const attributes = ['resourceAttributes', 'nonResourceAttributes'].filter((a) => spec[a]);
  if (attributes.length !== 1)
    throw invalidError(
      kind,
      '',
      [
        attributes.length
          ? fieldError(
              'Invalid',
              'spec.nonResourceAttributes',
              spec['nonResourceAttributes'],
              'cannot be specified in combination with resourceAttributes',
            )
          : fieldError(
              'Required',
              'spec.resourceAttributes',
              undefined,
              'exactly one of nonResourceAttributes or resourceAttributes must be specified',
            ),
      ],
      AUTHORIZATION.group,
    );
  const r = spec['resourceAttributes'];
  if (isObject(r))
    return {
      isResourceRequest: true,
      path: '',
      verb: text(r.verb),
      apiGroup: text(r.group),
      apiVersion: text(r.version),
      namespace: text(r.namespace),
      resource: text(r.resource),
      subresource: text(r.subresource),
      name: text(r.name),
    };
  const n = isObject(spec['nonResourceAttributes']) ? spec['nonResourceAttributes'] : {};
  return nonResource(text(n.path), text(n.verb));
}

/** SubjectAccessReview's user: spec.user, spec.groups, spec.uid, spec.extra (one of user and groups needed). */
function subjectOf(kind: string, spec: Json): UserInfo {
  const groups = Array.isArray(spec['groups'])
    ? spec['groups'].filter((g): g is string => typeof g === 'string')
    : [];
  const username = text(spec['user']);
  if (!username && !groups.length)
    throw invalidError(
      kind,
      '',
      [fieldError('Invalid', 'spec.user', username, 'at least one of user or group must be specified')],
      AUTHORIZATION.group,
    );
  const extra = isObject(spec['extra']) ? (spec['extra'] as Record<string, string[]>) : undefined;
  const uid = text(spec['uid']);
  return { username, groups, ...(uid ? { uid } : {}), ...(extra ? { extra } : {}) };
}

/** An access review's status as upstream serializes it (reason only when there is one). */
function accessStatus(authorizer: Authorizer, user: UserInfo, a: RequestAttributes): object {
  const d = authorizer.authorize(user, a);
  return { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
}

export function selfSubjectReviewRoutes(app: FastifyInstance, authorizer: Authorizer): void {
  const post = (
    url: string,
    respond: (body: Review | undefined, req: { user: UserInfo; params: unknown }) => object,
  ): void => {
    app.post<{ Body: Review | undefined }>(url, async (req, reply) =>
      reply.code(201).send(respond(req.body, req)),
    );
  };
  post(`${BASE}/selfsubjectaccessreviews`, (body, req) => {
    const a = reviewAttributes('SelfSubjectAccessReview', body?.spec ?? {});
    return answer(AUTHORIZATION, 'SelfSubjectAccessReview', body, accessStatus(authorizer, req.user, a));
  });
  post(`${BASE}/selfsubjectrulesreviews`, (body, req) =>
    answer(
      AUTHORIZATION,
      'SelfSubjectRulesReview',
      body,
      authorizer.rulesFor(req.user, text(body?.spec?.['namespace'])),
    ),
  );
  post(`${BASE}/subjectaccessreviews`, (body) => {
    const spec = body?.spec ?? {};
    const a = reviewAttributes('SubjectAccessReview', spec);
    return answer(
      AUTHORIZATION,
      'SubjectAccessReview',
      body,
      accessStatus(authorizer, subjectOf('SubjectAccessReview', spec), a),
    );
  });
  post(`${BASE}/namespaces/:namespace/localsubjectaccessreviews`, (body, req) => {
    const namespace = (req.params as { namespace: string }).namespace;
    const spec = body?.spec ?? {};
    if (spec['nonResourceAttributes'])
      throw invalidError(
        'LocalSubjectAccessReview',
        '',
        [
          fieldError(
            'Invalid',
            'spec.nonResourceAttributes',
            spec['nonResourceAttributes'],
            'disallowed on this kind of request',
          ),
        ],
        AUTHORIZATION.group,
      );
    const a = reviewAttributes('LocalSubjectAccessReview', spec);
    if (a.namespace !== namespace)
      throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
    const user = subjectOf('LocalSubjectAccessReview', spec);
    return answer(AUTHORIZATION, 'LocalSubjectAccessReview', body, accessStatus(authorizer, user, a), {
      namespace,
    });
  });
  app.post<{ Body: Review | undefined }>(
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    async (req, reply) => {
      const u = req.user;
      const userInfo = {
        username: u.username,
        ...(u.uid ? { uid: u.uid } : {}),
        groups: [...u.groups],
        ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}),
      };
      return reply.code(201).send(answer(AUTHENTICATION, 'SelfSubjectReview', req.body, { userInfo }));
    },
  );
}
