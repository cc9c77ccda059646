// A write whose result equals the stored object changes nothing, as kube-apiserver's GuaranteedUpdate skips
// a write whose bytes equal the old: the same resourceVersion, no watch event, 200 with the stored object.
// managedFields timestamps do not count (upstream's IgnoreManagedFieldsTimestampsTransformer), so applying
// the same manifest again is a no-op too. PUT, the patch types, apply, status and scale alike.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import type { Change, StoredObject } from '../../../agent/store/object-store';
import { Harness } from '../../helpers/harness';
import { deploymentBody } from '../../helpers/workload-builders';

const CM = '/api/v1/namespaces/default/configmaps';
const DEP = '/apis/apps/v1/namespaces/default/deployments';
const MERGE = 'application/merge-patch+json';
const APPLY = 'application/apply-patch+yaml';

interface Obj {
  metadata: { resourceVersion: string; managedFields?: { time?: string }[] };
}

describe('api: a write that changes nothing is not a write', () => {
  let h: Harness;
  let clock: ManualClock;
  let changes: Change<StoredObject>[];
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
    changes = [];
  });
  afterEach(async () => h.stop());

  const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown, type?: string) =>
    h.api.inject({
      method,
      url,
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      headers: { 'content-type': type ?? 'application/json' },
    });
  const get = async (url: string): Promise<Obj> => (await send('GET', url)).json<Obj>();
  /** Created, then left until its controllers are done with it; from then on, its changes are recorded. */
  const settled = async (
    url: string,
    store: { onChange(fn: (c: Change<StoredObject>) => void): unknown },
  ) => {
    for (let last = ''; ; await new Promise((r) => setTimeout(r, 50))) {
      const rv = (await get(url)).metadata.resourceVersion;
      if (rv === last) break;
      last = rv;
    }
    store.onChange((c) => changes.push(c));
    return get(url);
  };
  /** 200 with the stored object, its resourceVersion unchanged, and no watch event. */
  const unchanged = (res: Awaited<ReturnType<typeof send>>, before: Obj) => {
    expect(res.statusCode, res.body).to.equal(200);
    expect(res.json<Obj>().metadata.resourceVersion).to.equal(before.metadata.resourceVersion);
    expect(changes.map((c) => c.type)).to.deep.equal([]);
  };

  describe('a ConfigMap', () => {
    const cmBody = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    beforeEach(async () => {
      expect((await send('POST', CM, cmBody)).statusCode).to.equal(201);
    });

    it('PUT of what was read', async () => {
      const before = await settled(`${CM}/c`, h.agent.configMaps);
      clock.advance(60_000);
      unchanged(await send('PUT', `${CM}/c`, before), before);
      expect(await get(`${CM}/c`)).to.deep.equal(before);
    });

    it('a merge patch, a strategic merge patch and a JSON patch that set what is there', async () => {
      const before = await settled(`${CM}/c`, h.agent.configMaps);
      clock.advance(60_000);
      unchanged(await send('PATCH', `${CM}/c`, { data: { a: '1' } }, MERGE), before);
      unchanged(
        await send('PATCH', `${CM}/c`, { data: { a: '1' } }, 'application/strategic-merge-patch+json'),
        before,
      );
      unchanged(
        await send(
          'PATCH',
          `${CM}/c`,
          [{ op: 'replace', path: '/data/a', value: '1' }],
          'application/json-patch+json',
        ),
        before,
      );
    });

    it('the same manifest applied again, later: managedFields keep their time', async () => {
      const url = `${CM}/c?fieldManager=kubectl`;
      expect((await send('PATCH', url, cmBody, APPLY)).statusCode).to.equal(200);
      const before = await settled(`${CM}/c`, h.agent.configMaps);
      clock.advance(60_000);
      unchanged(await send('PATCH', url, cmBody, APPLY), before);
      expect(await get(`${CM}/c`)).to.deep.equal(before);
    });

    it('a change is still a write: a new resourceVersion and a MODIFIED event', async () => {
      const before = await settled(`${CM}/c`, h.agent.configMaps);
      const res = await send('PATCH', `${CM}/c`, { data: { a: '2' } }, MERGE);
      expect(res.statusCode).to.equal(200);
      expect(res.json<Obj>().metadata.resourceVersion).to.not.equal(before.metadata.resourceVersion);
      expect(changes.map((c) => c.type)).to.deep.equal(['MODIFIED']);
    });
  });

  describe('a Deployment', () => {
    beforeEach(async () => {
      expect((await send('POST', DEP, deploymentBody(0))).statusCode).to.equal(201);
    });

    it('its status PUT back as it is', async () => {
      const before = await settled(`${DEP}/web`, h.agent.deployments);
      clock.advance(60_000);
      unchanged(await send('PUT', `${DEP}/web/status`, before), before);
    });

    it('its scale patched to the replicas it has', async () => {
      const before = await settled(`${DEP}/web`, h.agent.deployments);
      clock.advance(60_000);
      const res = await send('PATCH', `${DEP}/web/scale`, { spec: { replicas: 0 } }, MERGE);
      unchanged(res, before);
    });
  });
});
