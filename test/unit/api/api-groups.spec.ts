// A kind of a named API group (here a minimal batch/v1 Job) is served as kube-apiserver serves it: under
// /apis/<group>/<version>, with its apiVersion on objects and lists, in legacy and aggregated discovery, in
// its group version's OpenAPI v3 document, and strictly decoded against its upstream schema.
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { BATCH_V1 } from '../../../agent/model/group-version';
import type { ObjectMeta } from '../../../agent/model/meta';
import { decodeObject } from '../../../agent/model/pod-decode';
import {
  ALL_VERBS,
  type ResourceDefinition,
  ageColumn,
  metaFields,
  nameColumn,
  age,
} from '../../../api/resources';
import { BareApi } from '../../helpers/bare-api';

interface Job {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
}

/** A media type's parameters, quoted or not (as Go's mime.ParseMediaType reads them). */
const mediaType = (header: unknown): Record<string, string> =>
  Object.fromEntries(
    String(header)
      .split(';')
      .slice(1)
      .map((p) => p.trim().split('=') as [string, string])
      .filter(([k]) => k !== 'charset')
      .map(([k, v]) => [k, v.replace(/^"|"$/g, '')]),
  );
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

describe('api groups: a kind of batch/v1 served under /apis (api/verbs.ts, api/routes/discovery.ts)', () => {
  let app: FastifyInstance;

  beforeEach(async () => {
    const api = new BareApi();
    const store = api.store<Job>('Job');
    const decode = (raw: unknown, ns: string): Job =>
      structuredClone(decodeObject(raw, 'Job', ns, 'batch/v1')) as unknown as Job;
    const jobs: ResourceDefinition<Job> = {
      groupVersion: BATCH_V1,
      name: 'jobs',
      singularName: 'job',
      kind: 'Job',
      listKind: 'JobList',
      namespaced: true,
      verbs: ALL_VERBS,
      categories: ['all'],
      fields: metaFields,
      columns: [nameColumn, ageColumn],
      cells: (j, now) => [j.metadata.name, age(j, now)],
      source: store,
      registry: {
        create: (raw, ns, opts) => store.create(decode(raw, ns), opts),
        update: () => {
          throw new Error('not in this test');
        },
        delete: (ns, name) => store.remove(ns, name),
      },
      subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
    };
    app = await api.serve(jobs, { discovery: true });
  });
  afterEach(async () => app.close());

  const url = '/apis/batch/v1/namespaces/default/jobs';
  const job = (extra: object = {}): object => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j' },
    ...extra,
  });

  it('creates, gets and lists under /apis/batch/v1, with the group in apiVersion', async () => {
    const created = await app.inject({ method: 'POST', url, payload: job() });
    expect(created.statusCode, created.body).to.equal(201);
    expect(created.json()).to.include({ apiVersion: 'batch/v1', kind: 'Job' });
    expect((await app.inject({ method: 'GET', url: `${url}/j` })).json()).to.nested.include({
      'metadata.name': 'j',
    });
    expect((await app.inject({ method: 'GET', url: '/apis/batch/v1/jobs' })).json()).to.nested.include({
      kind: 'JobList',
      apiVersion: 'batch/v1',
      'items[0].metadata.name': 'j',
    });
    expect((await app.inject({ method: 'GET', url: `/api/v1/namespaces/default/jobs` })).statusCode).to.equal(
      404,
    );
  });

  it('refuses another apiVersion in the body, and unknown fields strictly against the upstream Job schema', async () => {
    const wrong = await app.inject({ method: 'POST', url, payload: { ...job(), apiVersion: 'v1' } });
    expect(wrong.json()).to.include({
      code: 400,
      message: 'the API version in the data ("v1") does not match the expected API version (batch/v1)',
    });
    const strict = await app.inject({
      method: 'POST',
      url: `${url}?fieldValidation=Strict`,
      payload: job({ spec: { completions: 1, bogus: true, template: { spec: { restartPolicy: 'Never' } } } }),
    });
    expect(strict.json()).to.include({
      code: 400,
      message:
        'Job in version "v1" cannot be handled as a Job: strict decoding error: unknown field "spec.bogus"',
    });
  });

  it('lists the group in legacy discovery: /apis, /apis/batch, /apis/batch/v1', async () => {
    const version = { groupVersion: 'batch/v1', version: 'v1' };
    const group = { name: 'batch', versions: [version], preferredVersion: version };
    expect((await app.inject({ method: 'GET', url: '/apis' })).json()).to.deep.equal({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [group],
    });
    expect((await app.inject({ method: 'GET', url: '/apis/batch' })).json()).to.deep.equal({
      kind: 'APIGroup',
      apiVersion: 'v1',
      ...group,
    });
    const list = (await app.inject({ method: 'GET', url: '/apis/batch/v1' })).json<{
      groupVersion: string;
      resources: { name: string }[];
    }>();
    expect(list.groupVersion).to.equal('batch/v1');
    expect(list.resources.map((r) => r.name)).to.deep.equal(['jobs', 'jobs/status']);
  });

  it('answers the aggregated form when kubectl asks for it (v2, or v2beta1 for kubectl 1.29)', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/apis',
      headers: { accept: `${AGGREGATED},application/json` },
    });
    expect(mediaType(res.headers['content-type'])).to.deep.equal(mediaType(AGGREGATED));
    expect(res.json()).to.deep.equal({
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
      metadata: {},
      items: [
        {
          metadata: { name: 'batch' },
          versions: [
            {
              version: 'v1',
              freshness: 'Current',
              resources: [
                {
                  resource: 'jobs',
                  responseKind: { group: 'batch', version: 'v1', kind: 'Job' },
                  scope: 'Namespaced',
                  singularResource: 'job',
                  verbs: ALL_VERBS,
                  categories: ['all'],
                  subresources: [
                    {
                      subresource: 'status',
                      responseKind: { group: 'batch', version: 'v1', kind: 'Job' },
                      verbs: ['get', 'patch', 'update'],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const beta = await app.inject({
      method: 'GET',
      url: '/apis',
      headers: { accept: AGGREGATED.replace('v=v2', 'v=v2beta1') },
    });
    expect(mediaType(beta.headers['content-type'])).to.include({ v: 'v2beta1' });
    expect(beta.json()).to.include({ apiVersion: 'apidiscovery.k8s.io/v2beta1' });
  });

  it('serves the group version its own OpenAPI v3 document, the kind marked with its group', async () => {
    const index = (await app.inject({ method: 'GET', url: '/openapi/v3' })).json<{
      paths: Record<string, { serverRelativeURL: string }>;
    }>();
    const docUrl = index.paths['apis/batch/v1']?.serverRelativeURL ?? '';
    expect(docUrl).to.match(/^\/openapi\/v3\/apis\/batch\/v1\?hash=[0-9A-F]+$/);
    const doc = (await app.inject({ method: 'GET', url: docUrl })).json<{
      paths: Record<string, { patch: { 'x-kubernetes-group-version-kind': object } }>;
      components: { schemas: Record<string, Record<string, unknown>> };
    }>();
    expect(
      doc.paths['/apis/batch/v1/namespaces/{namespace}/jobs/{name}']?.patch[
        'x-kubernetes-group-version-kind'
      ],
    ).to.deep.equal({
      group: 'batch',
      version: 'v1',
      kind: 'Job',
    });
    expect(
      doc.components.schemas['io.k8s.api.batch.v1.Job']?.['x-kubernetes-group-version-kind'],
    ).to.deep.equal([{ group: 'batch', version: 'v1', kind: 'Job' }]);
  });
});
