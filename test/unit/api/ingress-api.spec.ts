// networking.k8s.io/v1 through the API on the in-process agent (memory runtime, the real wiring): Ingresses
// and IngressClasses created, read, updated and deleted; validation wording; the default IngressClass filled
// into new Ingresses; the status subresource; tables as kubectl shows them; discovery; namespace deletion.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import type { Ingress, IngressClass } from '../../../agent/model/ingress';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const NET = '/apis/networking.k8s.io/v1';
const NS = `${NET}/namespaces/default`;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const backend = (name = 'svc1', port: object = { number: 8080 }) => ({ service: { name, port } });
const ingress = (name = 'simple', spec: object = {}) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name },
  spec: {
    rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Exact', backend: backend() }] } }],
    ...spec,
  },
});
const ingressClass = (name: string, isDefault = false, controller = 'example.com/ingress') => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: {
    name,
    ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}),
  },
  spec: { controller },
});

describe('api: Ingresses and IngressClasses (memory runtime)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock) }).start();
  });
  afterEach(async () => h.stop());

  const req = (...args: Parameters<Harness['request']>) => h.request(...args);
  const message = (res: { json: <T>() => T }): string => res.json<{ message: string }>().message;

  it('creates, gets, lists, updates and deletes an Ingress; generation follows the spec; status stays empty', async () => {
    const created = await req('POST', `${NS}/ingresses`, ingress());
    expect(created.statusCode).to.equal(201);
    const ing = created.json<Ingress>();
    expect(ing.metadata.generation).to.equal(1);
    expect(ing.status).to.deep.equal({ loadBalancer: {} });
    expect(ing.spec).to.not.have.property('ingressClassName');
    expect((await req('GET', `${NS}/ingresses/simple`)).json<Ingress>().spec.rules?.[0]?.host).to.equal(
      'foo.com',
    );
    expect((await req('GET', `${NET}/ingresses`)).json<{ items: Ingress[] }>().items).to.have.length(1);
    const next = {
      ...ingress(),
      spec: { ...ingress().spec, defaultBackend: backend('svc2', { name: 'http' }) },
    };
    const updated = await req('PUT', `${NS}/ingresses/simple`, next);
    expect(updated.statusCode).to.equal(200);
    expect(updated.json<Ingress>().metadata.generation).to.equal(2);
    expect((await req('DELETE', `${NS}/ingresses/simple`)).statusCode).to.equal(200);
    expect((await req('GET', `${NS}/ingresses/simple`)).statusCode).to.equal(404);
  });

  it('answers an invalid Ingress with 422 worded as kube-apiserver', async () => {
    const noPathType = ingress('bad', {
      rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', backend: backend() }] } }],
    });
    const res = await req('POST', `${NS}/ingresses`, noPathType);
    expect(res.statusCode).to.equal(422);
    expect(message(res)).to.equal(
      'Ingress.networking.k8s.io "bad" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    );
    const both = await req(
      'POST',
      `${NS}/ingresses`,
      ingress('bad', { rules: undefined, defaultBackend: backend('svc1', { name: 'http', number: 80 }) }),
    );
    expect(message(both)).to.equal(
      'Ingress.networking.k8s.io "bad" is invalid: spec.defaultBackend: Invalid value: "": cannot set both port name & port number',
    );
    const empty = await req('POST', `${NS}/ingresses`, ingress('bad', { rules: undefined }));
    expect(message(empty)).to.equal(
      'Ingress.networking.k8s.io "bad" is invalid: spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified',
    );
  });

  it('fills spec.ingressClassName of a new Ingress from the default IngressClass', async () => {
    expect((await req('POST', `${NET}/ingressclasses`, ingressClass('plain'))).statusCode).to.equal(201);
    expect(
      (await req('POST', `${NS}/ingresses`, ingress('before'))).json<Ingress>().spec,
    ).to.not.have.property('ingressClassName');
    await req('POST', `${NET}/ingressclasses`, ingressClass('first', true));
    const got = (await req('POST', `${NS}/ingresses`, ingress('after'))).json<Ingress>();
    expect(got.spec.ingressClassName).to.equal('first');
    // named already: kept; the deprecated annotation counts as a class too
    const named = await req('POST', `${NS}/ingresses`, ingress('named', { ingressClassName: 'plain' }));
    expect(named.json<Ingress>().spec.ingressClassName).to.equal('plain');
    const annotated = {
      ...ingress('annotated'),
      metadata: { name: 'annotated', annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
    };
    expect((await req('POST', `${NS}/ingresses`, annotated)).json<Ingress>().spec).to.not.have.property(
      'ingressClassName',
    );
    // an update does not fill it (admission on create only)
    const put = await req('PUT', `${NS}/ingresses/before`, ingress('before'));
    expect(put.json<Ingress>().spec).to.not.have.property('ingressClassName');
  });

  it('refuses the class annotation beside spec.ingressClassName on create', async () => {
    const both = {
      ...ingress('both', { ingressClassName: 'nginx' }),
      metadata: { name: 'both', annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
    };
    const res = await req('POST', `${NS}/ingresses`, both);
    expect(res.statusCode).to.equal(422);
    expect(message(res)).to.equal(
      'Ingress.networking.k8s.io "both" is invalid: annotations.kubernetes.io/ingress.class: Invalid value: "nginx": can not be set when the class field is also set',
    );
  });

  it('IngressClass: controller required and immutable, parameters scope defaulted to Cluster', async () => {
    const none = await req('POST', `${NET}/ingressclasses`, ingressClass('x', false, ''));
    expect(message(none)).to.equal(
      'IngressClass.networking.k8s.io "x" is invalid: spec.controller: Required value',
    );
    const withParams = {
      ...ingressClass('p'),
      spec: {
        controller: 'example.com/a',
        parameters: { apiGroup: 'k8s.example.com', kind: 'Params', name: 'p1' },
      },
    };
    const created = await req('POST', `${NET}/ingressclasses`, withParams);
    expect(created.statusCode).to.equal(201);
    expect(created.json<IngressClass>().spec.parameters?.scope).to.equal('Cluster');
    const changed = await req('PUT', `${NET}/ingressclasses/p`, {
      ...withParams,
      spec: { controller: 'example.com/b' },
    });
    expect(changed.statusCode).to.equal(422);
    expect(message(changed)).to.equal(
      'IngressClass.networking.k8s.io "p" is invalid: spec.controller: Invalid value: "example.com/b": field is immutable',
    );
    const table = (await req('GET', `${NET}/ingressclasses`, undefined, TABLE)).json<{
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    }>();
    expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal([
      'Name',
      'Controller',
      'Parameters',
      'Age',
    ]);
    expect(table.rows[0]?.cells.slice(0, 3)).to.deep.equal([
      'p',
      'example.com/a',
      'Params.k8s.example.com/p1',
    ]);
  });

  it('prints NAME CLASS HOSTS ADDRESS PORTS AGE; the status subresource fills ADDRESS', async () => {
    const tls = ingress('tls', {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['a.com'] }],
      rules: ['a.com', 'b.com', '', 'c.com', 'd.com'].map((host) => ({
        ...(host ? { host } : {}),
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend() }] },
      })),
    });
    expect((await req('POST', `${NS}/ingresses`, tls)).statusCode).to.equal(201);
    const status = {
      loadBalancer: { ingress: [{ ip: '10.0.0.2' }, { hostname: 'lb.example.com' }, { ip: '10.0.0.1' }] },
    };
    const current = (await req('GET', `${NS}/ingresses/tls`)).json<Ingress>();
    const put = await req('PUT', `${NS}/ingresses/tls/status`, { ...current, status });
    expect(put.statusCode).to.equal(200);
    expect(put.json<Ingress>().metadata.generation).to.equal(1);
    const table = (await req('GET', `${NS}/ingresses`, undefined, TABLE)).json<{
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    }>();
    expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal([
      'Name',
      'Class',
      'Hosts',
      'Address',
      'Ports',
      'Age',
    ]);
    expect(table.rows[0]?.cells.slice(0, 5)).to.deep.equal([
      'tls',
      'nginx',
      'a.com,b.com,c.com + 2 more...',
      '10.0.0.1,10.0.0.2,lb.example.com',
      '80, 443',
    ]);
    const bad = await req('PUT', `${NS}/ingresses/tls/status`, {
      ...current,
      status: { loadBalancer: { ingress: [{ ip: 'not-an-ip' }] } },
    });
    expect(bad.statusCode).to.equal(422);
    expect(message(bad)).to.contain('status.loadBalancer.ingress[0].ip: Invalid value: "not-an-ip"');
  });

  it('is discovered with its short name; a namespace deletion removes its Ingresses', async () => {
    const list = (await req('GET', NET)).json<{
      resources: { name: string; namespaced: boolean; shortNames?: string[] }[];
    }>();
    const byName = Object.fromEntries(list.resources.map((r) => [r.name, r]));
    expect(byName.ingresses?.shortNames).to.deep.equal(['ing']);
    expect(byName.ingresses?.namespaced).to.equal(true);
    expect(byName['ingresses/status']).to.not.equal(undefined);
    expect(byName.ingressclasses?.namespaced).to.equal(false);

    expect((await req('POST', '/api/v1/namespaces', { metadata: { name: 'team' } })).statusCode).to.equal(
      201,
    );
    expect((await req('POST', `${NET}/namespaces/team/ingresses`, ingress())).statusCode).to.equal(201);
    expect((await req('DELETE', '/api/v1/namespaces/team')).statusCode).to.equal(200);
    await h.waitFor('ingresses gone', () => h.agent.networking.ingresses.list('team').length === 0);
  });
});
