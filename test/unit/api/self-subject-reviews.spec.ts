// What kubectl's `auth can-i`, `auth can-i --list`, `auth whoami`, `get crd` and its
// field-validation check ask for: the self-subject reviews (the admin token's holder and the unauthenticated
// user of an API without credentials are allowed everything; RBAC's answers: test/unit/api/authorization.spec.ts),
// CustomResourceDefinitions (none at first; the rest in test/unit/api/custom-resources.spec.ts); the
// bodies as kubectl 1.35 sends them (protobuf, test/fixtures/protobuf/) and as JSON.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { FIXTURE_DIR } from '../../../scripts/capture-protobuf-fixtures';
import { Harness } from '../../helpers/harness';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const SSRR = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';
const SSR = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const recorded = (name: string): Buffer => readFileSync(join(FIXTURE_DIR, 'kubectl-1.35', `${name}.pb`));

type Json = Record<string, unknown>;

describe('api: self-subject reviews, CRDs', () => {
  for (const withToken of [false, true]) {
    describe(withToken ? 'with the bearer token' : 'with --auth=none', () => {
      let h: Harness;
      let headers: Record<string, string>;
      before(async () => {
        const clock = new ManualClock();
        h = await new Harness({
          runtime: new MemoryRuntime(clock),
          clock,
          ...(withToken ? { flags: ['--auth=token'] } : {}),
        }).start();
        headers = withToken
          ? { authorization: `Bearer ${readFileSync(join(h.dataDir, 'token'), 'utf8').trim()}` }
          : {};
      });
      after(async () => h.stop());

      const post = async (url: string, payload: Buffer | Json, type = 'application/json') => {
        const res = await h.api.inject({
          method: 'POST',
          url,
          payload,
          headers: { ...headers, 'content-type': type },
        });
        return { code: res.statusCode, body: res.json<Json>() };
      };

      it('SelfSubjectAccessReview (kubectl 1.35 auth can-i create pods, protobuf): 201, allowed', async () => {
        const r = await post(SSAR, recorded('selfsubjectaccessreview'), PROTOBUF);
        expect(r.code).to.equal(201);
        expect(r.body).to.deep.include({
          kind: 'SelfSubjectAccessReview',
          apiVersion: 'authorization.k8s.io/v1',
          spec: { resourceAttributes: { namespace: 'kube-system', verb: 'create', resource: 'pods' } },
        });
        const status = r.body['status'] as { allowed: boolean; reason: string };
        expect(status.allowed).to.equal(true);
        // the admin is in system:masters, allowed without a reason as upstream; no credentials asked: said why
        if (withToken) expect(status).to.not.have.property('reason');
        else expect(status.reason).to.match(/runs without authentication/);
      });

      it('SelfSubjectAccessReview of a non-resource URL (JSON): allowed', async () => {
        const r = await post(SSAR, {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
        });
        expect(r.code).to.equal(201);
        expect(r.body['status']).to.deep.include({ allowed: true });
      });

      it('SelfSubjectAccessReview with neither or both attributes: 422 as upstream words it', async () => {
        const neither = await post(SSAR, { spec: {} });
        expect(neither.code).to.equal(422);
        expect(neither.body['message']).to.equal(
          'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: ' +
            'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
        );
        const both = await post(SSAR, {
          spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/', verb: 'get' } },
        });
        expect(both.code).to.equal(422);
        expect(both.body['message']).to.contain(
          'spec.nonResourceAttributes: Invalid value: {"path":"/","verb":"get"}: cannot be specified in ' +
            'combination with resourceAttributes',
        );
      });

      it('SelfSubjectRulesReview (kubectl 1.35 auth can-i --list, protobuf): every verb on everything', async () => {
        const r = await post(SSRR, recorded('selfsubjectrulesreview'), PROTOBUF);
        expect(r.code).to.equal(201);
        expect(r.body['spec']).to.deep.equal({ namespace: 'default' });
        expect(r.body['status']).to.deep.equal({
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        });
      });

      it('SelfSubjectReview (kubectl 1.35 auth whoami, protobuf): the user docs/kubectl.md names', async () => {
        const r = await post(SSR, recorded('selfsubjectreview'), PROTOBUF);
        expect(r.code).to.equal(201);
        expect(r.body).to.deep.include({ kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1' });
        expect(r.body['status']).to.deep.equal({
          userInfo: withToken
            ? { username: 'minikubelet-admin', groups: ['system:masters', 'system:authenticated'] }
            : { username: 'system:anonymous', groups: ['system:unauthenticated'] },
        });
      });

      it('CustomResourceDefinitions: an empty list, a 404 for one, one without a spec refused (422)', async () => {
        const list = await h.api.inject({ url: CRDS, headers });
        expect(list.statusCode).to.equal(200);
        expect(list.json()).to.deep.include({
          kind: 'CustomResourceDefinitionList',
          apiVersion: 'apiextensions.k8s.io/v1',
          items: [],
        });
        const one = await h.api.inject({ url: `${CRDS}/widgets.example.com`, headers });
        expect(one.statusCode).to.equal(404);
        expect(one.json()).to.deep.include({
          message: 'customresourcedefinitions.apiextensions.k8s.io "widgets.example.com" not found',
          details: {
            name: 'widgets.example.com',
            group: 'apiextensions.k8s.io',
            kind: 'customresourcedefinitions',
          },
        });
        const created = await post(CRDS, {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: 'widgets.example.com' },
        });
        expect(created.code).to.equal(422);
        expect(created.body).to.include({ reason: 'Invalid' });
        expect(created.body['message']).to.contain('spec.group: Required value');
      });

      it('discovery lists the three groups, legacy and aggregated, with what each serves', async () => {
        const get = async (url: string, accept?: string) =>
          (await h.api.inject({ url, headers: { ...headers, ...(accept ? { accept } : {}) } })).json<Json>();
        const groups = (await get('/apis'))['groups'] as { name: string }[];
        expect(groups.map((g) => g.name)).to.include.members([
          'authorization.k8s.io',
          'authentication.k8s.io',
          'apiextensions.k8s.io',
        ]);
        expect((await get('/apis/authorization.k8s.io/v1'))['resources']).to.deep.equal([
          {
            name: 'localsubjectaccessreviews',
            singularName: 'localsubjectaccessreview',
            namespaced: true,
            kind: 'LocalSubjectAccessReview',
            verbs: ['create'],
          },
          {
            name: 'selfsubjectaccessreviews',
            singularName: 'selfsubjectaccessreview',
            namespaced: false,
            kind: 'SelfSubjectAccessReview',
            verbs: ['create'],
          },
          {
            name: 'selfsubjectrulesreviews',
            singularName: 'selfsubjectrulesreview',
            namespaced: false,
            kind: 'SelfSubjectRulesReview',
            verbs: ['create'],
          },
          {
            name: 'subjectaccessreviews',
            singularName: 'subjectaccessreview',
            namespaced: false,
            kind: 'SubjectAccessReview',
            verbs: ['create'],
          },
        ]);
        const aggregated = (await get('/apis', AGGREGATED))['items'] as {
          metadata: { name: string };
          versions: { resources: { resource: string; verbs: string[]; shortNames?: string[] }[] }[];
        }[];
        const resources = (group: string) =>
          aggregated.find((i) => i.metadata.name === group)?.versions[0]?.resources;
        expect(resources('authentication.k8s.io')).to.deep.include.members([
          {
            resource: 'selfsubjectreviews',
            responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview' },
            scope: 'Cluster',
            singularResource: 'selfsubjectreview',
            verbs: ['create'],
          },
        ]);
        expect(resources('apiextensions.k8s.io')?.[0]).to.include({ resource: 'customresourcedefinitions' });
        expect(resources('apiextensions.k8s.io')?.[0]?.verbs).to.deep.equal([
          'create',
          'delete',
          'deletecollection',
          'get',
          'list',
          'patch',
          'update',
          'watch',
        ]);
        expect(resources('apiextensions.k8s.io')?.[0]?.shortNames).to.deep.equal(['crd', 'crds']);
      });
    });
  }
});
