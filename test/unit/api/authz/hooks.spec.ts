// The authorization hooks alone (api/authz/register.ts) on a small server whose routes echo what they get:
// the request's user comes from a test header (as authentication would set it), the RBAC objects are fakes.
// Impersonation refused and allowed, exec's second check (create), and escalation prevention on RBAC writes.
import { expect } from 'chai';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PolicyRule } from '../../../../agent/model/rbac';
import { ADMIN_USER, type UserInfo } from '../../../../api/authn/user-info';
import { apiAuthorizer } from '../../../../api/authz/authorizer';
import { registerAuthorization } from '../../../../api/authz/register';
import { registerBodyParsers } from '../../../../api/body';
import { fromFrameworkError, statusOf } from '../../../../api/status';
import {
  FakeRbacObjects,
  aClusterRole,
  aClusterRoleBinding,
  aRole,
  aRoleBinding,
  user,
} from '../../../helpers/rbac-objects';

type Json = Record<string, unknown>;
const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const JANE: UserInfo = { username: 'jane', groups: ['devs', 'system:authenticated'] };
const pods = (verbs: string[]): PolicyRule => ({ verbs, apiGroups: [''], resources: ['pods'] });
const rbacWrites: PolicyRule = {
  verbs: ['create', 'update', 'patch'],
  apiGroups: ['rbac.authorization.k8s.io'],
  resources: ['roles', 'rolebindings'],
};

describe('authz: the hooks (impersonation, exec, escalation)', () => {
  let app: FastifyInstance;
  const rbac = new FakeRbacObjects({
    roles: [
      aRole('default', 'jane', [
        pods(['get', 'list']),
        rbacWrites,
        { verbs: ['get'], apiGroups: [''], resources: ['pods/exec'] },
      ]),
      aRole('default', 'small', [pods(['get'])]),
    ],
    clusterRoles: [
      aClusterRole('secrets', [{ verbs: ['*'], apiGroups: [''], resources: ['secrets'] }]),
      aClusterRole('impersonator', [
        { verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['bob'] },
      ]),
    ],
    roleBindings: [aRoleBinding('default', 'jane', ['Role', 'jane'], [user('jane')])],
    clusterRoleBindings: [aClusterRoleBinding('imp', 'impersonator', [user('jane')])],
  });
  before(async () => {
    app = Fastify();
    registerBodyParsers(app);
    app.setErrorHandler((err, _req, reply) => {
      const status = statusOf(fromFrameworkError(err));
      void reply.code(status.code).send(status);
    });
    app.addHook('onRequest', async (req) => {
      const who = req.headers['x-test-user'];
      req.user = who === 'admin' ? ADMIN_USER : JANE;
    });
    registerAuthorization(app, {
      authorizer: apiAuthorizer({ rbac, openAccess: false }),
      rbac,
      shortPaths: new Set(['pods']),
    });
    const echo = async (req: { user: UserInfo; body: unknown }) => ({
      user: req.user,
      body: req.body ?? null,
    });
    app.get('/api/v1/namespaces/:ns/pods', echo);
    app.get('/api/v1/namespaces/:ns/pods/:name/exec', echo);
    for (const kind of ['roles', 'rolebindings']) {
      app.post(`${RBAC}/namespaces/:ns/${kind}`, echo);
      app.put(`${RBAC}/namespaces/:ns/${kind}/:name`, echo);
      app.patch(`${RBAC}/namespaces/:ns/${kind}/:name`, echo);
    }
    await app.ready();
  });
  after(async () => app.close());

  const send = async (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    headers: Record<string, string | string[]> = {},
    payload?: unknown,
  ) => {
    const res = await app.inject({
      method,
      url,
      headers,
      ...(payload !== undefined ? { payload: payload as Json } : {}),
    });
    return { code: res.statusCode, body: res.json<Json>() };
  };

  describe('impersonation', () => {
    it('allowed: the request runs as the user, with system:authenticated added', async () => {
      const r = await send('GET', '/api/v1/namespaces/default/pods', {
        'x-test-user': 'admin',
        'impersonate-user': 'bob',
      });
      expect(r.code).to.equal(403); // bob has no bindings: the request ran as bob
      expect(r.body['message']).to.contain('User "bob" cannot list resource "pods"');
      const self = await send('GET', '/api/v1/namespaces/default/pods', {
        'x-test-user': 'admin',
        'impersonate-user': 'jane',
        'impersonate-group': ['devs', 'qa'],
        'impersonate-uid': 'u-1',
        'impersonate-extra-scopes%2Fa': 'x',
      });
      expect(self.code).to.equal(200);
      expect(self.body['user']).to.deep.equal({
        username: 'jane',
        uid: 'u-1',
        groups: ['devs', 'qa'],
        extra: { 'scopes/a': ['x'] },
      });
    });
    it('refused as upstream words it: a user, a group, a ServiceAccount not allowed', async () => {
      const asUser = await send('GET', '/api/v1/namespaces/default/pods', { 'impersonate-user': 'alice' });
      expect(asUser.code).to.equal(403);
      expect(asUser.body['message']).to.equal(
        'users "alice" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope',
      );
      expect(asUser.body['details']).to.deep.equal({ name: 'alice', kind: 'users' });
      const asGroup = await send('GET', '/api/v1/namespaces/default/pods', {
        'impersonate-user': 'bob',
        'impersonate-group': 'system:masters',
      });
      expect(asGroup.body['message']).to.equal(
        'groups "system:masters" is forbidden: User "jane" cannot impersonate resource "groups" in API group "" at the cluster scope',
      );
      const asSa = await send('GET', '/api/v1/namespaces/default/pods', {
        'impersonate-user': 'system:serviceaccount:kube-system:admin',
      });
      expect(asSa.body['message']).to.equal(
        'serviceaccounts "admin" is forbidden: User "jane" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"',
      );
    });
    it('a malformed ServiceAccount username is a user, as upstream SplitUsername leaves it', async () => {
      // upstream checks `impersonate users` on any name that is not system:serviceaccount:<label>:<subdomain>
      for (const name of [
        'system:serviceaccount:',
        'system:serviceaccount:ns',
        'system:serviceaccount:ns:',
        'system:serviceaccount::admin',
        'system:serviceaccount:a:b:c',
        'system:serviceaccount:kube-system:Admin',
        'system:serviceaccount:kube.system:admin',
      ]) {
        const r = await send('GET', '/api/v1/namespaces/default/pods', { 'impersonate-user': name });
        expect(r.code, name).to.equal(403);
        expect(r.body['message'], name).to.equal(
          `users "${name}" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope`,
        );
      }
    });
    it('a group without a user: 400', async () => {
      const r = await send('GET', '/api/v1/namespaces/default/pods', {
        'x-test-user': 'admin',
        'impersonate-group': 'devs',
      });
      expect(r.code).to.equal(400);
      expect(r.body['message']).to.equal('requested [{Group  devs    }] without impersonating a user');
    });
  });

  it('exec over a WebSocket (GET) needs create too, as upstream since 1.35', async () => {
    const r = await send('GET', '/api/v1/namespaces/default/pods/p/exec?command=ls', {
      upgrade: 'websocket',
    });
    expect(r.code).to.equal(403);
    expect(r.body['message']).to.equal(
      'pods "p" is forbidden: User "jane" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    );
  });

  describe('escalation prevention', () => {
    const role = (rules: PolicyRule[]) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'x' },
      rules,
    });
    const binding = (kind: string, name: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name },
      subjects: [{ kind: 'User', name: 'someone' }],
    });
    it('a Role granting what the writer holds is written', async () => {
      expect(
        (await send('POST', `${RBAC}/namespaces/default/roles`, {}, role([pods(['get'])]))).code,
      ).to.equal(200);
    });
    it('a Role granting more: 403 naming the rules not held', async () => {
      const r = await send(
        'POST',
        `${RBAC}/namespaces/default/roles`,
        {},
        role([pods(['get', 'delete']), { verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]),
      );
      expect(r.code).to.equal(403);
      expect(r.body['message']).to.equal(
        'roles.rbac.authorization.k8s.io "x" is forbidden: user "jane" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
          '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
      );
      expect(r.body['details']).to.deep.equal({
        name: 'x',
        group: 'rbac.authorization.k8s.io',
        kind: 'roles',
      });
    });
    it('a PUT and a PATCH are checked on the object they would store', async () => {
      const put = await send(
        'PUT',
        `${RBAC}/namespaces/default/roles/small`,
        {},
        { ...role([pods(['*'])]), metadata: { name: 'small' } },
      );
      expect(put.code).to.equal(403);
      const patch = await send(
        'PATCH',
        `${RBAC}/namespaces/default/roles/small`,
        { 'content-type': 'application/json-patch+json' },
        [{ op: 'add', path: '/rules/-', verbs: ['delete'], value: pods(['delete']) }],
      );
      expect(patch.code).to.equal(403);
      expect(patch.body['message']).to.contain('{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}');
      const harmless = await send(
        'PATCH',
        `${RBAC}/namespaces/default/roles/small`,
        { 'content-type': 'application/merge-patch+json' },
        {
          metadata: { labels: { a: 'b' } },
        },
      );
      expect(harmless.code).to.equal(200);
    });
    it('the admin (system:masters) may grant anything', async () => {
      expect(
        (
          await send(
            'POST',
            `${RBAC}/namespaces/default/roles`,
            { 'x-test-user': 'admin' },
            role([pods(['*'])]),
          )
        ).code,
      ).to.equal(200);
    });
    it('a binding to a role whose rules the writer holds is written; to more, 403', async () => {
      expect(
        (await send('POST', `${RBAC}/namespaces/default/rolebindings`, {}, binding('Role', 'small'))).code,
      ).to.equal(200);
      const more = await send(
        'POST',
        `${RBAC}/namespaces/default/rolebindings`,
        {},
        binding('ClusterRole', 'secrets'),
      );
      expect(more.code).to.equal(403);
      expect(more.body['message']).to.equal(
        'rolebindings.rbac.authorization.k8s.io "b" is forbidden: user "jane" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
          '{APIGroups:[""], Resources:["secrets"], Verbs:["*"]}',
      );
      const missing = await send(
        'POST',
        `${RBAC}/namespaces/default/rolebindings`,
        {},
        binding('ClusterRole', 'gone'),
      );
      expect(missing.body['message']).to.equal(
        'rolebindings.rbac.authorization.k8s.io "b" is forbidden: clusterrole.rbac.authorization.k8s.io "gone" not found',
      );
    });
  });
});
