// What `kubectl auth can-i` (authorization.k8s.io/v1 SelfSubjectAccessReview, SelfSubjectRulesReview) and
// `kubectl auth whoami` (authentication.k8s.io/v1 SelfSubjectReview) post. The API has one bearer token and
// no RBAC (SECURITY.md): whoever gets in may do everything, and the answers say so. Create only, stored
// nowhere, as upstream; plain routes listed in discovery as extra groups (like metrics.k8s.io).
import type { FastifyInstance } from 'fastify';
import { fieldError, invalidError } from '../../agent/model/field-errors';
import type { GroupVersion } from '../../agent/model/group-version';
import { listedResource } from '../resources';
import type { ExtraGroup } from './discovery';

const AUTHORIZATION: GroupVersion = { group: 'authorization.k8s.io', version: 'v1' };
const AUTHENTICATION: GroupVersion = { group: 'authentication.k8s.io', version: 'v1' };
const CREATE = ['create'];

export const reviewsDiscovery: ExtraGroup[] = [
  {
    gv: AUTHORIZATION,
    defs: [
      listedResource(AUTHORIZATION, 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, CREATE),
      listedResource(AUTHORIZATION, 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, CREATE),
    ],
  },
  {
    gv: AUTHENTICATION,
    defs: [listedResource(AUTHENTICATION, 'selfsubjectreviews', 'SelfSubjectReview', false, CREATE)],
  },
];

/** Who a request is: the token's holder, or anyone when the API runs without a token (--auth=none). */
export const USER_WITH_TOKEN = {
  username: 'minikubelet-admin',
  groups: ['system:masters', 'system:authenticated'],
};
export const USER_WITHOUT_TOKEN = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

interface Review {
  metadata?: Record<string, unknown>;
  spec?: Record<string, unknown>;
}

/** The review as upstream answers it: what was sent, its status filled in. */
const answer = (gv: GroupVersion, kind: string, body: Review | undefined, status: object): object => ({
  kind,
  apiVersion: `${gv.group}/${gv.version}`,
  metadata: { ...(body?.metadata ?? {}), creationTimestamp: null },
  ...(body?.spec !== undefined ? { spec: body.spec } : {}),
  status,
});

export function selfSubjectReviewRoutes(app: FastifyInstance, withToken: boolean): void {
  const reason = withToken
    ? 'minikubelet has one bearer token and no RBAC: its holder may do everything'
    : 'minikubelet runs without authentication (--auth=none): every request may do everything';
  app.post<{ Body: Review | undefined }>(
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    async (req, reply) => {
      const spec = req.body?.spec ?? {};
      const attributes = ['resourceAttributes', 'nonResourceAttributes'].filter((a) => spec[a]);
      if (attributes.length !== 1)
        throw invalidError(
          'SelfSubjectAccessReview',
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
      return reply
        .code(201)
        .send(answer(AUTHORIZATION, 'SelfSubjectAccessReview', req.body, { allowed: true, reason }));
    },
  );
  app.post<{ Body: Review | undefined }>(
    '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
    async (req, reply) =>
      reply.code(201).send(
        answer(AUTHORIZATION, 'SelfSubjectRulesReview', req.body, {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        }),
      ),
  );
  const user = withToken ? USER_WITH_TOKEN : USER_WITHOUT_TOKEN;
  app.post<{ Body: Review | undefined }>(
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    async (req, reply) =>
      reply.code(201).send(answer(AUTHENTICATION, 'SelfSubjectReview', req.body, { userInfo: user })),
  );
}
