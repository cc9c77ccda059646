// Custom resources through the API (memory runtime): a cluster-scoped kind, finalizers holding a delete,
// a name conflict between two definitions, unknown fields (warned and pruned; Strict a 400), and both
// definitions and objects surviving a restart of the agent on the same data directory.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
type Json = Record<string, unknown>;

const crd = (plural: string, kind: string, scope: string, shortNames: string[] = []): Json => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.example.com` },
  spec: {
    group: 'example.com',
    scope,
    names: { plural, kind, shortNames },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
          },
        },
      },
    ],
  },
});

describe('api: custom resources', () => {
  let dataDir: string;
  let h: Harness;
  const start = async (): Promise<void> => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock, dataDir }).start();
  };
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mk-crds-'));
    await start();
  });
  after(async () => {
    await h.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, url: string, payload?: Json, type = 'application/json') => {
    const res = await h.api.inject({
      method: method as 'GET',
      url,
      ...(payload ? { payload, headers: { 'content-type': type } } : {}),
    });
    return { code: res.statusCode, body: res.json<Json>(), headers: res.headers };
  };

  it('a cluster-scoped kind: created and read at /apis/<group>/<version>/<plural>, not under a namespace', async () => {
    expect((await call('POST', CRDS, crd('gizmos', 'Gizmo', 'Cluster'))).code).to.equal(201);
    const made = await call('POST', '/apis/example.com/v1/gizmos', {
      apiVersion: 'example.com/v1',
      kind: 'Gizmo',
      metadata: { name: 'g1' },
      spec: { size: 1 },
    });
    expect(made.code).to.equal(201);
    expect((made.body['metadata'] as Json)['namespace']).to.not.be.ok;
    expect((await call('GET', '/apis/example.com/v1/gizmos/g1')).code).to.equal(200);
    expect((await call('GET', '/apis/example.com/v1/namespaces/default/gizmos/g1')).code).to.equal(404);
  });

  it('deletecollection: the objects a label selector picks in one namespace, answered with the list', async () => {
    expect((await call('POST', CRDS, crd('sprockets', 'Sprocket', 'Namespaced'))).code).to.equal(201);
    const make = async (ns: string, name: string, tier: string) =>
      expect(
        (
          await call('POST', `/apis/example.com/v1/namespaces/${ns}/sprockets`, {
            apiVersion: 'example.com/v1',
            kind: 'Sprocket',
            metadata: { name, labels: { tier } },
          })
        ).code,
      ).to.equal(201);
    await make('default', 's1', 'a');
    await make('default', 's2', 'a');
    await make('default', 's3', 'b');
    await make('kube-public', 's4', 'a');
    const gone = await call(
      'DELETE',
      '/apis/example.com/v1/namespaces/default/sprockets?labelSelector=tier%3Da',
    );
    expect(gone.code).to.equal(200);
    expect(gone.body['kind']).to.equal('SprocketList');
    expect((gone.body['items'] as Json[]).map((i) => (i['metadata'] as Json)['name']).sort()).to.deep.equal([
      's1',
      's2',
    ]);
    const left = await call('GET', '/apis/example.com/v1/sprockets');
    expect((left.body['items'] as Json[]).map((i) => (i['metadata'] as Json)['name']).sort()).to.deep.equal([
      's3',
      's4',
    ]);
    expect((await call('DELETE', `${CRDS}/sprockets.example.com`)).code).to.equal(200);
  });

  it("a deleted namespace's custom objects go with it", async () => {
    expect((await call('POST', CRDS, crd('bolts', 'Bolt', 'Namespaced'))).code).to.equal(201);
    const ns = await call('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop' },
    });
    expect(ns.code).to.equal(201);
    for (const namespace of ['shop', 'default'])
      expect(
        (
          await call('POST', `/apis/example.com/v1/namespaces/${namespace}/bolts`, {
            apiVersion: 'example.com/v1',
            kind: 'Bolt',
            metadata: { name: 'b1' },
          })
        ).code,
      ).to.equal(201);
    expect((await call('DELETE', '/api/v1/namespaces/shop')).code).to.equal(200);
    await h.waitFor('the namespace gone', () => !h.agent.namespaces.get('', 'shop'));
    expect((await call('GET', '/apis/example.com/v1/namespaces/shop/bolts/b1')).code).to.equal(404);
    expect((await call('GET', '/apis/example.com/v1/namespaces/default/bolts/b1')).code).to.equal(200);
    expect((await call('DELETE', `${CRDS}/bolts.example.com`)).code).to.equal(200);
  });

  it('unknown fields: pruned with a warning by default, a 400 with fieldValidation=Strict', async () => {
    const body = {
      apiVersion: 'example.com/v1',
      kind: 'Gizmo',
      metadata: { name: 'g2' },
      spec: { size: 1, shape: 'x' },
    };
    const strict = await call('POST', '/apis/example.com/v1/gizmos?fieldValidation=Strict', body);
    expect(strict.code).to.equal(400);
    expect(strict.body['message']).to.contain('unknown field "spec.shape"');
    const warned = await call('POST', '/apis/example.com/v1/gizmos', body);
    expect(warned.code).to.equal(201);
    expect(String(warned.headers['warning'])).to.contain('unknown field \\"spec.shape\\"');
    expect(warned.body['spec']).to.deep.equal({ size: 1 });
  });

  it('a finalizer holds a delete until it is removed', async () => {
    await call('POST', '/apis/example.com/v1/gizmos', {
      apiVersion: 'example.com/v1',
      kind: 'Gizmo',
      metadata: { name: 'held', finalizers: ['example.com/hold'] },
    });
    const deleted = await call('DELETE', '/apis/example.com/v1/gizmos/held');
    expect((deleted.body['metadata'] as Json)['deletionTimestamp']).to.be.a('string');
    expect((await call('GET', '/apis/example.com/v1/gizmos/held')).code).to.equal(200);
    await call(
      'PATCH',
      '/apis/example.com/v1/gizmos/held',
      { metadata: { finalizers: null } },
      'application/merge-patch+json',
    );
    expect((await call('GET', '/apis/example.com/v1/gizmos/held')).code).to.equal(404);
  });

  it('a second definition whose shortName is taken: NamesAccepted False, not served', async () => {
    await call('POST', CRDS, crd('widgets', 'Widget', 'Namespaced', ['w']));
    const second = await call('POST', CRDS, crd('gadgets', 'Gadget', 'Namespaced', ['w']));
    const conditions = (second.body['status'] as Json)['conditions'] as Json[];
    expect(conditions[0]).to.include({
      type: 'NamesAccepted',
      status: 'False',
      reason: 'ShortNamesConflict',
      message: '"w" is already in use',
    });
    expect(conditions[1]).to.include({ type: 'Established', status: 'False' });
    expect((await call('GET', '/apis/example.com/v1/namespaces/default/gadgets')).code).to.equal(404);
    const discovery = (await call('GET', '/apis/example.com/v1')).body['resources'] as Json[];
    expect(discovery.map((r) => r['name'])).to.deep.equal(['gizmos', 'widgets']);
    // the holder goes: the other's names are free, it is established
    expect((await call('DELETE', `${CRDS}/widgets.example.com`)).code).to.equal(200);
    expect((await call('GET', '/apis/example.com/v1/namespaces/default/gadgets')).code).to.equal(200);
  });

  it('definitions and objects survive a restart', async () => {
    await h.stop();
    await start();
    const got = await call('GET', '/apis/example.com/v1/gizmos/g1');
    expect(got.code).to.equal(200);
    expect(got.body['spec']).to.deep.equal({ size: 1 });
    expect((got.body['metadata'] as Json)['generation']).to.equal(1);
    expect((await call('GET', `${CRDS}/gizmos.example.com`)).code).to.equal(200);
  });
});
