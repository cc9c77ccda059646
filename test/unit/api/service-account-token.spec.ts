// TokenRequest (`kubectl create token`: the protobuf body kubectl 1.35 sends, and JSON), TokenReview, OIDC
// discovery and bearer authentication with ServiceAccount tokens, through the real wiring (createAgent).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { FIXTURE_DIR } from '../../../scripts/capture-protobuf-fixtures';
import { Harness } from '../../helpers/harness';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const TOKEN = '/api/v1/namespaces/default/serviceaccounts/default/token';
const REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';
const ISSUER = 'https://kubernetes.default.svc.cluster.local';

describe('api: ServiceAccount tokens (TokenRequest, TokenReview, OIDC discovery, authentication)', () => {
  let h: Harness;
  let clock: ManualClock;
  let admin: Record<string, string>;
  before(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock, flags: ['--auth=token'] }).start();
    admin = { authorization: `Bearer ${readFileSync(join(h.dataDir, 'token'), 'utf8').trim()}` };
  });
  after(async () => h.stop());

  const post = async (url: string, payload: unknown, headers: Record<string, string> = admin) => {
    const res = await h.api.inject({
      method: 'POST',
      url,
      payload: payload as Json,
      headers: { 'content-type': 'application/json', ...headers },
    });
    return { code: res.statusCode, body: res.json<Json>() };
  };
  const get = (url: string, token?: string) =>
    h.api.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : admin });
  const tokenFor = async (body: Json = {}, url = TOKEN): Promise<string> => {
    const r = await post(url, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', ...body });
    expect(r.code, JSON.stringify(r.body)).to.equal(201);
    return r.body['status'].token as string;
  };

  it('answers the TokenRequest kubectl 1.35 sends (protobuf: --audience a --audience b --duration 10m)', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: TOKEN,
      payload: readFileSync(join(FIXTURE_DIR, 'kubectl-1.35', 'tokenrequest.pb')),
      headers: { ...admin, 'content-type': 'application/vnd.kubernetes.protobuf' },
    });
    expect(res.statusCode, res.body).to.equal(201);
    const body = res.json<Json>();
    expect(body).to.deep.include({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'default', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
    });
    expect(body['spec']).to.deep.include({ audiences: ['a', 'b'], expirationSeconds: 600 });
    expect(body['status']['expirationTimestamp']).to.equal('2026-01-01T00:10:00Z');
    expect(body['status']['token']).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(body['status']['token']).to.not.equal(admin['authorization']?.slice(7));
  });

  it('defaults to an hour for the API audience; the token authenticates as its ServiceAccount (TokenReview)', async () => {
    const r0 = await post(TOKEN, {});
    expect(r0.body['spec']).to.deep.include({ audiences: [ISSUER], expirationSeconds: 3600 });
    expect(r0.body['status']['expirationTimestamp']).to.equal('2026-01-01T01:00:00Z');
    const token = r0.body['status'].token as string;
    // authenticated as the ServiceAccount: discovery, as every authenticated user; pods only once RBAC grants them
    expect((await get('/api', token)).statusCode).to.equal(200);
    const pods = await get('/api/v1/namespaces/default/pods', token);
    expect(pods.statusCode).to.equal(403);
    expect(pods.json<Json>()['message']).to.equal(
      'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const sa = h.agent.serviceAccounts.get('default', 'default');
    const r = await post(REVIEWS, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token },
    });
    expect(r.code).to.equal(201);
    expect(r.body['status']).to.deep.include({ authenticated: true, audiences: [ISSUER] });
    expect(r.body['status']['user']).to.deep.include({
      username: 'system:serviceaccount:default:default',
      uid: sa?.metadata.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });
    expect(r.body['status']['user']['extra']['authentication.kubernetes.io/credential-id'][0]).to.match(
      /^JTI=/,
    );
  });

  it('TokenReview: false with the error for a bad token, an audience not asked for; 400 without a token', async () => {
    const bad = await post(REVIEWS, { spec: { token: 'a.b.c' } });
    expect(bad.body['status']).to.deep.equal({ user: {}, error: 'invalid bearer token' });
    const vault = await tokenFor({ spec: { audiences: ['vault'] } });
    expect(
      (await post(REVIEWS, { spec: { token: vault, audiences: ['vault'] } })).body['status'],
    ).to.deep.include({
      authenticated: true,
      audiences: ['vault'],
    });
    expect((await post(REVIEWS, { spec: { token: vault } })).body['status']['error']).to.equal(
      `token audiences ["vault"] is invalid for the target audiences ["${ISSUER}"]`,
    );
    const none = await post(REVIEWS, { spec: {} });
    expect(none.code).to.equal(400);
    expect(none.body['message']).to.equal('token is required for TokenReview in authentication');
  });

  it('refuses with upstream wording: too short, too long, no such ServiceAccount, body names another', async () => {
    const short = await post(TOKEN, { spec: { expirationSeconds: 60 } });
    expect(short.code).to.equal(422);
    expect(short.body['message']).to.equal(
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: ' +
        'may not specify a duration less than 10 minutes',
    );
    const long = await post(TOKEN, { spec: { expirationSeconds: 2 ** 32 + 1 } });
    expect(long.body['message']).to.contain('may not specify a duration larger than 2^32 seconds');
    const missing = await post('/api/v1/namespaces/default/serviceaccounts/nope/token', {});
    expect(missing.code).to.equal(404);
    expect(missing.body['message']).to.equal('serviceaccounts "nope" not found');
    const other = await post(TOKEN, { metadata: { name: 'x' } });
    expect(other.code).to.equal(422);
    expect(other.body['message']).to.contain(
      'metadata.name: Invalid value: "x": must match the service account name if specified',
    );
  });

  it('binds a token to a pod: it must exist and run as the ServiceAccount; the token dies with it', async () => {
    const ref = (name: string, uid?: string) => ({
      spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name, ...(uid ? { uid } : {}) } },
    });
    const gone = await post(TOKEN, ref('nope'));
    expect(gone.code).to.equal(404);
    expect(gone.body['message']).to.equal('pods "nope" not found');
    const pod = await post('/api/v1/namespaces/default/pods', {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'bound' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    expect(pod.code).to.equal(201);
    const wrongUid = await post(TOKEN, ref('bound', 'not-it'));
    expect(wrongUid.code).to.equal(409);
    expect(wrongUid.body['message']).to.contain(
      'the UID in the bound object reference (not-it) does not match',
    );
    const node = await post(TOKEN, {
      spec: { boundObjectRef: { kind: 'Node', apiVersion: 'v1', name: 'n' } },
    });
    expect(node.code).to.equal(400);
    expect(node.body['message']).to.equal('cannot bind token to object of type /v1, Kind=Node');
    const token = await tokenFor(ref('bound'));
    expect((await get('/api', token)).statusCode).to.equal(200);
    h.agent.pods.remove('default', 'bound');
    expect((await get('/api', token)).statusCode).to.equal(401);
  });

  it('a token of a deleted ServiceAccount is refused (401), and a wrong bearer token too', async () => {
    await post('/api/v1/namespaces/default/serviceaccounts', {
      kind: 'ServiceAccount',
      metadata: { name: 'temp' },
    });
    const token = await tokenFor({}, '/api/v1/namespaces/default/serviceaccounts/temp/token');
    expect((await get('/api', token)).statusCode).to.equal(200);
    const del = await h.api.inject({
      method: 'DELETE',
      url: '/api/v1/namespaces/default/serviceaccounts/temp',
      headers: admin,
    });
    expect(del.statusCode).to.equal(200);
    expect((await get('/api', token)).statusCode).to.equal(401);
  });

  it('an expired token is refused', async () => {
    const token = await tokenFor({ spec: { expirationSeconds: 600 } });
    expect((await get('/api', token)).statusCode).to.equal(200);
    clock.advance(661_000);
    expect((await get('/api', token)).statusCode).to.equal(401);
  });

  it('serves OIDC discovery and the JWKS the tokens verify with', async () => {
    const cfg = await get('/.well-known/openid-configuration');
    expect(cfg.statusCode).to.equal(200);
    expect(cfg.json()).to.include({ issuer: ISSUER, jwks_uri: `${ISSUER}/openid/v1/jwks` });
    const set = await get('/openid/v1/jwks');
    expect(set.headers['content-type']).to.contain('application/jwk-set+json');
    const token = await tokenFor();
    const kid = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString())['kid'];
    expect(set.json<{ keys: { kid: string }[] }>().keys.map((k) => k.kid)).to.deep.equal([kid]);
  });

  it("a ServiceAccount's token reads OIDC discovery (system:service-account-issuer-discovery), not /metrics", async () => {
    const token = await tokenFor();
    for (const path of ['/.well-known/openid-configuration', '/openid/v1/jwks']) {
      const r = await get(path, token);
      expect(r.statusCode, `${path}: ${r.body}`).to.equal(200);
    }
    const other = await get('/metrics', token);
    expect(other.statusCode).to.equal(403);
    expect(other.json<Json>()['message']).to.equal(
      'forbidden: User "system:serviceaccount:default:default" cannot get path "/metrics"',
    );
  });

  it('system:auth-delegator, bound to a ServiceAccount, lets its token review tokens', async () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'delegate' } };
    expect((await post('/api/v1/namespaces/default/serviceaccounts', sa)).code).to.equal(201);
    const token = await tokenFor({}, '/api/v1/namespaces/default/serviceaccounts/delegate/token');
    const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } };
    const bearer = { authorization: `Bearer ${token}` };
    expect((await post(REVIEWS, review, bearer)).code).to.equal(403);
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'delegate' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: 'delegate', namespace: 'default' }],
    };
    expect((await post('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', binding)).code).to.equal(
      201,
    );
    const r = await post(REVIEWS, review, bearer);
    expect(r.code).to.equal(201);
    expect(r.body['status']).to.deep.include({ authenticated: true });
  });

  it('lists serviceaccounts/token and tokenreviews in discovery', async () => {
    const core = (await get('/api/v1')).json<{ resources: { name: string }[] }>();
    expect(core.resources.find((r) => r.name === 'serviceaccounts/token')).to.deep.include({
      kind: 'TokenRequest',
      group: 'authentication.k8s.io',
      version: 'v1',
      verbs: ['create'],
    });
    const authn = (await get('/apis/authentication.k8s.io/v1')).json<{ resources: { name: string }[] }>();
    expect(authn.resources.map((r) => r.name)).to.deep.equal(['selfsubjectreviews', 'tokenreviews']);
  });

  it("a pod's kube-api-access request (3607 s): signed for a year with warnafter, status says 3607 s", async () => {
    await post('/api/v1/namespaces/default/pods', {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'extended' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const boundObjectRef = { kind: 'Pod', apiVersion: 'v1', name: 'extended' };
    const r = await post(TOKEN, { spec: { expirationSeconds: 3607, boundObjectRef } });
    expect(r.code).to.equal(201);
    expect(r.body['spec']['expirationSeconds']).to.equal(3607);
    const issuedAt = Date.parse(r.body['metadata']['creationTimestamp'] as string);
    expect(Date.parse(r.body['status']['expirationTimestamp'] as string) - issuedAt).to.equal(3607_000);
    const token = r.body['status']['token'] as string;
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Json;
    expect(claims['exp'] - claims['iat']).to.equal(365 * 24 * 3600);
    expect(claims['kubernetes.io']['warnafter']).to.equal(claims['iat'] + 3607);
    clock.advance(2 * 3600_000); // past warnafter: still accepted, as upstream (it only logs a stale token)
    expect((await get('/api', token)).statusCode).to.equal(200);
    // an hour asked, or not bound to a pod: no extension
    const plain = await tokenFor({ spec: { expirationSeconds: 3607 } });
    const plainClaims = JSON.parse(Buffer.from(plain.split('.')[1] ?? '', 'base64url').toString()) as Json;
    expect(plainClaims['exp'] - plainClaims['iat']).to.equal(3607);
    expect(plainClaims['kubernetes.io']).to.not.have.property('warnafter');
  });
});

describe('api: ServiceAccount tokens when the API asks for no credentials (--auth=none)', () => {
  let h: Harness;
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock, flags: ['--auth=none'] }).start();
  });
  after(async () => h.stop());

  it('no credentials: served; a valid token: served; an invalid bearer token: 401, as upstream', async () => {
    expect((await h.api.inject({ url: '/api' })).statusCode).to.equal(200);
    const r = await h.api.inject({
      method: 'POST',
      url: TOKEN,
      payload: {},
      headers: { 'content-type': 'application/json' },
    });
    const token = r.json<Json>()['status']['token'] as string;
    expect(
      (await h.api.inject({ url: '/api', headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).to.equal(200);
    expect(
      (await h.api.inject({ url: '/api', headers: { authorization: 'Bearer nope' } })).statusCode,
    ).to.equal(401);
    expect(
      (await h.api.inject({ url: '/healthz', headers: { authorization: 'Bearer nope' } })).statusCode,
    ).to.equal(200);
  });
});

describe('api: legacy ServiceAccount token Secrets (the token controller)', () => {
  let h: Harness;
  let admin: Record<string, string>;
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock, flags: ['--auth=token'] }).start();
    admin = { authorization: `Bearer ${readFileSync(join(h.dataDir, 'token'), 'utf8').trim()}` };
  });
  after(async () => h.stop());

  it('fills token, namespace and the uid annotation; the token authenticates while the Secret exists', async () => {
    const created = await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/secrets',
      headers: admin,
      payload: {
        kind: 'Secret',
        apiVersion: 'v1',
        type: 'kubernetes.io/service-account-token',
        metadata: { name: 'legacy', annotations: { 'kubernetes.io/service-account.name': 'default' } },
      },
    });
    expect(created.statusCode, created.body).to.equal(201);
    const got = (
      await h.api.inject({ url: '/api/v1/namespaces/default/secrets/legacy', headers: admin })
    ).json<Json>();
    const sa = h.agent.serviceAccounts.get('default', 'default');
    expect(got['metadata']['annotations']['kubernetes.io/service-account.uid']).to.equal(sa?.metadata.uid);
    expect(Buffer.from(String(got['data']['namespace']), 'base64').toString()).to.equal('default');
    expect(got['data']).to.not.have.property('ca.crt'); // no --tls: no CA
    const token = Buffer.from(String(got['data']['token']), 'base64').toString();
    const who = (t: string) => h.api.inject({ url: '/api', headers: { authorization: `Bearer ${t}` } });
    expect((await who(token)).statusCode).to.equal(200);
    const del = await h.api.inject({
      method: 'DELETE',
      url: '/api/v1/namespaces/default/secrets/legacy',
      headers: admin,
    });
    expect(del.statusCode).to.equal(200);
    expect((await who(token)).statusCode).to.equal(401);
  });
});

describe('api: --service-account-max-token-expiration', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({
      runtime: new MemoryRuntime(new ManualClock()),
      clock: new ManualClock(),
      flags: ['--auth=none', '--service-account-max-token-expiration=2h'],
    }).start();
  });
  after(async () => h.stop());

  it('shortens a longer request to the maximum with a warning, as upstream (201, not 422)', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: TOKEN,
      payload: { spec: { expirationSeconds: 86_400 } },
    });
    expect(res.statusCode).to.equal(201);
    expect(res.headers['warning']).to.equal(
      '299 - "requested expiration of 86400 seconds shortened to 7200 seconds"',
    );
    const body = res.json<Json>();
    expect(body['spec']['expirationSeconds']).to.equal(7200);
    expect(body['status']['expirationTimestamp']).to.equal('2026-01-01T02:00:00Z');
    const token = body['status']['token'] as string;
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Json;
    expect(claims['exp'] - claims['iat']).to.equal(7200);
    const within = await h.api.inject({
      method: 'POST',
      url: TOKEN,
      payload: { spec: { expirationSeconds: 3600 } },
    });
    expect(within.headers['warning']).to.equal(undefined);
    expect(within.json<Json>()['spec']['expirationSeconds']).to.equal(3600);
  });
});
