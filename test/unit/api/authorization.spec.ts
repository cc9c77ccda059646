// Authorization on the whole API (api/server.ts with the agent's wiring): the admin token's holder
// impersonates a ServiceAccount as `kubectl --as` does, and the fake RBAC objects decide; 403s worded as
// upstream, the reviews answered for the impersonated user. The hooks alone (impersonation refused,
// escalation, exec's create): test/unit/api/authz/hooks.spec.ts.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import {
  FakeRbacObjects,
  aClusterRole,
  aClusterRoleBinding,
  aRole,
  aRoleBinding,
  group,
  sa,
} from '../../helpers/rbac-objects';

type Json = Record<string, unknown>;
const AS_READER = { 'impersonate-user': 'system:serviceaccount:default:reader' };
const AS_NOBODY = { 'impersonate-user': 'system:serviceaccount:default:x' };

describe('api: authorization (RBAC, impersonation, reviews)', () => {
  let h: Harness;
  let auth: Record<string, string>;
  const rbac = new FakeRbacObjects({
    roles: [
      aRole('default', 'pod-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]),
      aRole('default', 'cleaner', [
        { verbs: ['deletecollection'], apiGroups: [''], resources: ['configmaps'] },
        { verbs: ['delete'], apiGroups: [''], resources: ['secrets'] },
      ]),
    ],
    roleBindings: [
      aRoleBinding('default', 'read-pods', ['Role', 'pod-reader'], [sa('default', 'reader')]),
      aRoleBinding('default', 'cleaner', ['Role', 'cleaner'], [sa('default', 'cleaner')]),
      aRoleBinding('default', 'broken', ['ClusterRole', 'gone'], [sa('default', 'broken')]),
    ],
    clusterRoles: [
      aClusterRole('ns-viewer', [{ verbs: ['get'], apiGroups: [''], resources: ['namespaces'] }]),
      // upstream's bootstrap role that lets every authenticated user ask about itself
      aClusterRole('system:basic-user', [
        {
          verbs: ['create'],
          apiGroups: ['authorization.k8s.io'],
          resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        },
        { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
      ]),
    ],
    clusterRoleBindings: [
      aClusterRoleBinding('view-ns', 'ns-viewer', [sa('default', 'reader')]),
      aClusterRoleBinding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
    ],
  });
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({
      runtime: new MemoryRuntime(clock),
      clock,
      flags: ['--auth=token'],
      rbacObjects: rbac,
    }).start();
    auth = { authorization: `Bearer ${readFileSync(join(h.dataDir, 'token'), 'utf8').trim()}` };
  });
  after(async () => h.stop());

  const call = async (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    headers: Record<string, string> = {},
    payload?: Json,
  ) => {
    const res = await h.api.inject({
      method,
      url,
      headers: { ...auth, ...headers },
      ...(payload ? { payload } : {}),
    });
    return { code: res.statusCode, body: res.json<Json>() };
  };
  const forbidden = (message: string, details: Json) => ({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Forbidden',
    details,
    code: 403,
  });

  it('the admin (system:masters) may do everything, as before', async () => {
    expect((await call('GET', '/api/v1/nodes')).code).to.equal(200);
    expect((await call('GET', '/api/v1/namespaces/default/secrets')).code).to.equal(200);
  });

  it('a ServiceAccount without bindings: list pods refused as upstream words it', async () => {
    const r = await call('GET', '/api/v1/namespaces/default/pods', AS_NOBODY);
    expect(r.code).to.equal(403);
    expect(r.body).to.deep.equal(
      forbidden(
        'pods is forbidden: User "system:serviceaccount:default:x" cannot list resource "pods" in API group "" in the namespace "default"',
        { kind: 'pods' },
      ),
    );
  });

  it('a named object, a group, a subresource, the cluster scope, a non-resource path', async () => {
    const named = await call('DELETE', '/api/v1/namespaces/default/pods/web', AS_READER);
    expect(named.body).to.deep.equal(
      forbidden(
        'pods "web" is forbidden: User "system:serviceaccount:default:reader" cannot delete resource "pods" in API group "" in the namespace "default"',
        { name: 'web', kind: 'pods' },
      ),
    );
    const apps = await call('GET', '/apis/apps/v1/namespaces/default/deployments', AS_READER);
    expect(apps.body['message']).to.equal(
      'deployments.apps is forbidden: User "system:serviceaccount:default:reader" cannot list resource "deployments" in API group "apps" in the namespace "default"',
    );
    expect(apps.body['details']).to.deep.equal({ group: 'apps', kind: 'deployments' });
    const log = await call('GET', '/api/v1/namespaces/default/pods/web/log', AS_READER);
    expect(log.body['message']).to.equal(
      'pods "web" is forbidden: User "system:serviceaccount:default:reader" cannot get resource "pods/log" in API group "" in the namespace "default"',
    );
    const nodes = await call('GET', '/api/v1/nodes', AS_READER);
    expect(nodes.body['message']).to.equal(
      'nodes is forbidden: User "system:serviceaccount:default:reader" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    const version = await call('GET', '/version', AS_READER);
    expect(version.body).to.deep.equal(
      forbidden('forbidden: User "system:serviceaccount:default:reader" cannot get path "/version"', {}),
    );
  });

  it('deletecollection is its own verb: refused as upstream words it, served when granted (delete is not enough)', async () => {
    const refused = await call('DELETE', '/api/v1/namespaces/default/pods', AS_NOBODY);
    expect(refused.body).to.deep.equal(
      forbidden(
        'pods is forbidden: User "system:serviceaccount:default:x" cannot deletecollection resource "pods" in API group "" in the namespace "default"',
        { kind: 'pods' },
      ),
    );
    const asCleaner = { 'impersonate-user': 'system:serviceaccount:default:cleaner' };
    const secrets = await call('DELETE', '/api/v1/namespaces/default/secrets?labelSelector=x', asCleaner);
    expect(secrets.code).to.equal(403);
    expect(secrets.body['message']).to.contain('cannot deletecollection resource "secrets"');
    const configMaps = await call(
      'DELETE',
      '/api/v1/namespaces/default/configmaps?labelSelector=x',
      asCleaner,
    );
    expect(configMaps.code).to.equal(200);
    expect(configMaps.body).to.include({ kind: 'ConfigMapList' });
  });

  it('a binding to a missing role: refused, the role named after the message', async () => {
    const r = await call('GET', '/api/v1/namespaces/default/pods', {
      'impersonate-user': 'system:serviceaccount:default:broken',
    });
    expect(r.body['message']).to.equal(
      'pods is forbidden: User "system:serviceaccount:default:broken" cannot list resource "pods" in API group "" in the namespace "default": RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    );
  });

  it('what the bindings grant is served: pods in default, its namespace object', async () => {
    expect((await call('GET', '/api/v1/namespaces/default/pods', AS_READER)).code).to.equal(200);
    expect((await call('GET', '/pods?namespace=default', AS_READER)).code).to.equal(200);
    expect((await call('GET', '/pods', AS_READER)).code).to.equal(403); // the short form's list spans all namespaces
    expect((await call('GET', '/api/v1/namespaces/default', AS_READER)).code).to.equal(200);
    expect((await call('GET', '/api/v1/namespaces/team/pods', AS_READER)).code).to.equal(403);
  });

  it('the health probes stay open to anyone', async () => {
    const r = await h.api.inject({ url: '/healthz', headers: AS_NOBODY });
    expect(r.statusCode).to.equal(200);
  });

  const post = (url: string, headers: Record<string, string>, body: Json) => call('POST', url, headers, body);
  const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

  it('kubectl auth can-i --as: SelfSubjectAccessReview answered for the impersonated user', async () => {
    const canI = async (headers: Record<string, string>, resourceAttributes: Json) =>
      (await post(SSAR, headers, { spec: { resourceAttributes } })).body['status'];
    expect(await canI(AS_READER, { namespace: 'default', verb: 'list', resource: 'pods' })).to.deep.equal({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" to ServiceAccount "reader/default"',
    });
    expect(await canI(AS_READER, { namespace: 'default', verb: 'delete', resource: 'pods' })).to.deep.equal({
      allowed: false,
    });
    expect(await canI(AS_NOBODY, { namespace: 'default', verb: 'list', resource: 'pods' })).to.deep.equal({
      allowed: false,
    });
    expect(await canI({}, { verb: 'delete', resource: 'nodes' })).to.deep.equal({ allowed: true });
  });

  it('kubectl auth can-i --list --as: the rules of the namespace', async () => {
    const r = await post('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', AS_READER, {
      spec: { namespace: 'default' },
    });
    expect(r.code).to.equal(201);
    expect(r.body['status']).to.deep.equal({
      resourceRules: [
        { verbs: ['get'], apiGroups: [''], resources: ['namespaces'] },
        {
          verbs: ['create'],
          apiGroups: ['authorization.k8s.io'],
          resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        },
        { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      ],
      nonResourceRules: [],
      incomplete: false,
    });
  });

  it('kubectl auth whoami --as: the impersonated user, with its ServiceAccount groups', async () => {
    const r = await post('/apis/authentication.k8s.io/v1/selfsubjectreviews', AS_READER, {});
    expect(r.body['status']).to.deep.equal({
      userInfo: {
        username: 'system:serviceaccount:default:reader',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      },
    });
  });

  it('SubjectAccessReview and LocalSubjectAccessReview (the admin asks about another user)', async () => {
    const sar = await post(
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      {},
      {
        spec: {
          user: 'system:serviceaccount:default:reader',
          resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' },
        },
      },
    );
    expect(sar.code).to.equal(201);
    expect(sar.body['status']).to.deep.include({ allowed: true });
    const nobody = await post(
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      {},
      {
        spec: { resourceAttributes: { verb: 'get', resource: 'pods' } },
      },
    );
    expect(nobody.code).to.equal(422);
    expect(nobody.body['message']).to.equal(
      'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
    );
    const local = await post(
      '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews',
      {},
      {
        spec: {
          user: 'system:serviceaccount:default:reader',
          resourceAttributes: { namespace: 'default', verb: 'delete', resource: 'pods' },
        },
      },
    );
    expect(local.body['status']).to.deep.equal({ allowed: false });
    const elsewhere = await post(
      '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews',
      {},
      {
        spec: { user: 'u', resourceAttributes: { namespace: 'team', verb: 'get', resource: 'pods' } },
      },
    );
    expect(elsewhere.code).to.equal(400);
    expect(elsewhere.body['message']).to.equal(
      'spec.resourceAttributes.namespace must match namespace: default',
    );
    // asking about others is itself authorized: the reader may not
    expect(
      (
        await post('/apis/authorization.k8s.io/v1/subjectaccessreviews', AS_READER, {
          spec: { user: 'u', resourceAttributes: { verb: 'get' } },
        })
      ).code,
    ).to.equal(403);
  });
});
