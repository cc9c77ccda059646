// What a new kind costs: a definition and a registry. A ConfigMap-like kind, registered with the generic
// verbs on a bare server, gets create, get (and a Table), list with selectors, patch, update with a
// resourceVersion check and delete (watch too, as watch-api.spec.ts shows for pods), without any route of
// its own.
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { decodeObject } from '../../../agent/model/pod-decode';
import type { ObjectMeta } from '../../../agent/model/meta';
import type { ObjectStore } from '../../../agent/store/object-store';
import type { Registry } from '../../../agent/store/registry';
import {
  ALL_VERBS,
  type ResourceDefinition,
  age,
  ageColumn,
  metaFields,
  nameColumn,
} from '../../../api/resources';
import { column } from '../../../api/table';
import { BareApi } from '../../helpers/bare-api';

interface ConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  data?: Record<string, string>;
}

/** The kind's registry: decode (kind, apiVersion, namespace) and store. */
function configMapRegistry(store: ObjectStore<ConfigMap>): Registry<ConfigMap> {
  const decode = (raw: unknown, namespace: string): ConfigMap =>
    structuredClone(decodeObject(raw, 'ConfigMap', namespace)) as unknown as ConfigMap;
  return {
    create: (raw, namespace, opts) => store.create(decode(raw, namespace), opts),
    update: (raw, namespace, name, opts) => {
      const old = store.mustGet(namespace, name);
      const next = decode(raw, namespace);
      next.metadata = {
        ...next.metadata,
        name,
        uid: old.metadata.uid,
        creationTimestamp: old.metadata.creationTimestamp,
      };
      return store.update(next, { specChanged: true, ...opts });
    },
    delete: (namespace, name) => store.remove(namespace, name),
  };
}

describe('a new kind is a definition and a registry (api/verbs.ts)', () => {
  let app: FastifyInstance;
  let store: ObjectStore<ConfigMap>;

  beforeEach(async () => {
    const api = new BareApi();
    store = api.store<ConfigMap>('ConfigMap');
    const configMaps: ResourceDefinition<ConfigMap> = {
      name: 'configmaps',
      singularName: 'configmap',
      kind: 'ConfigMap',
      listKind: 'ConfigMapList',
      namespaced: true,
      verbs: ALL_VERBS,
      shortNames: ['cm'],
      fields: metaFields,
      columns: [nameColumn, column('Data', 'Number of data entries.'), ageColumn],
      cells: (c, now) => [c.metadata.name, Object.keys(c.data ?? {}).length, age(c, now)],
      source: store,
      registry: configMapRegistry(store),
    };
    app = await api.serve(configMaps);
  });
  afterEach(async () => app.close());

  const url = '/api/v1/namespaces/default/configmaps';

  it('creates, gets (as a Table too), lists by label, patches, updates and deletes', async () => {
    const created = await app.inject({
      method: 'POST',
      url,
      payload: { metadata: { name: 'cfg', labels: { app: 'web' } }, data: { a: '1' } },
    });
    expect(created.statusCode).to.equal(201);
    expect(created.json()).to.nested.include({
      kind: 'ConfigMap',
      'metadata.namespace': 'default',
      'data.a': '1',
    });
    const again = await app.inject({ method: 'POST', url, payload: { metadata: { name: 'cfg' } } });
    expect(again.json()).to.include({ reason: 'AlreadyExists', message: 'configmaps "cfg" already exists' });

    const table = await app.inject({
      method: 'GET',
      url: `${url}/cfg`,
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    expect(table.json<{ rows: { cells: unknown[] }[] }>().rows[0]?.cells.slice(0, 2)).to.deep.equal([
      'cfg',
      1,
    ]);
    const listed = await app.inject({ method: 'GET', url: `/api/v1/configmaps?labelSelector=app%3Dweb` });
    expect(listed.json()).to.nested.include({ kind: 'ConfigMapList', 'items[0].metadata.name': 'cfg' });

    const patched = await app.inject({
      method: 'PATCH',
      url: `${url}/cfg`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: { data: { b: '2' } },
    });
    expect(patched.json()).to.deep.nested.include({ data: { a: '1', b: '2' } });
    const stale = await app.inject({
      method: 'PUT',
      url: `${url}/cfg`,
      payload: { metadata: { name: 'cfg', resourceVersion: '1' }, data: {} },
    });
    expect(stale.statusCode).to.equal(409);

    expect((await app.inject({ method: 'DELETE', url: `${url}/cfg` })).statusCode).to.equal(200);
    expect(store.get('default', 'cfg')).to.equal(undefined);
    expect((await app.inject({ method: 'GET', url: `${url}/cfg` })).json()).to.include({
      reason: 'NotFound',
      message: 'configmaps "cfg" not found',
    });
  });

  it('refuses objects in a namespace that does not exist, as every namespaced kind does', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/nope/configmaps',
      payload: { metadata: { name: 'cfg' } },
    });
    expect(res.json()).to.include({ code: 404, message: 'namespaces "nope" not found' });
  });
});
