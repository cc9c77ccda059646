// A JSON patch applies to the whole stored object, as upstream applies it: `test` on metadata.resourceVersion
// is the usual optimistic lock (kubectl's managed-fields migration to server-side apply relies on it), and a
// stale version the patch writes is a Conflict.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { deploymentBody } from '../../helpers/workload-builders';

const CM = '/api/v1/namespaces/default/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';

interface Obj {
  metadata: { resourceVersion: string };
  data?: Record<string, string>;
  spec?: { replicas?: number };
  code?: number;
  reason?: string;
}

describe('api: JSON patch on the whole object', () => {
  let h: Harness;
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  after(async () => h.stop());

  const send = async (
    method: 'POST' | 'GET' | 'PATCH',
    url: string,
    payload?: unknown,
  ): Promise<[number, Obj]> => {
    const res = await h.api.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
      ...(method === 'PATCH' ? { headers: { 'content-type': 'application/json-patch+json' } } : {}),
    });
    return [res.statusCode, res.json<Obj>()];
  };

  it('a test of the current resourceVersion passes and the patch is applied', async () => {
    const [, cm] = await send('POST', CM, { metadata: { name: 'locked' }, data: { a: '1' } });
    const rv = cm.metadata.resourceVersion;
    const [code, after] = await send('PATCH', `${CM}/locked`, [
      { op: 'test', path: '/metadata/resourceVersion', value: rv },
      { op: 'add', path: '/data/b', value: '2' },
    ]);
    expect(code, JSON.stringify(after)).to.equal(200);
    expect(after.data).to.deep.equal({ a: '1', b: '2' });
    const [stale] = await send('PATCH', `${CM}/locked`, [
      { op: 'test', path: '/metadata/resourceVersion', value: rv },
      { op: 'add', path: '/data/c', value: '3' },
    ]);
    expect(stale).to.equal(422); // the test fails now: the version moved on
  });

  it('replacing resourceVersion with the current one (the migration patch) is fine, a stale one is a Conflict', async () => {
    const [, cm] = await send('POST', CM, { metadata: { name: 'migrated' }, data: { a: '1' } });
    const [ok, after] = await send('PATCH', `${CM}/migrated`, [
      { op: 'replace', path: '/metadata/resourceVersion', value: cm.metadata.resourceVersion },
      { op: 'add', path: '/data/b', value: '2' },
    ]);
    expect(ok, JSON.stringify(after)).to.equal(200);
    // the write above moved the version on (a patch that changed nothing would not have)
    const [code, status] = await send('PATCH', `${CM}/migrated`, [
      { op: 'replace', path: '/metadata/resourceVersion', value: cm.metadata.resourceVersion },
      { op: 'add', path: '/data/c', value: '3' },
    ]);
    expect(code).to.equal(409);
    expect(status.reason).to.equal('Conflict');
    expect((await send('GET', `${CM}/migrated`))[1].data).to.deep.equal({ a: '1', b: '2' });
  });

  it('a Deployment patch that writes its status changes nothing there, as a PUT', async () => {
    const [created] = await send('POST', DEPLOY, { ...deploymentBody(0), metadata: { name: 'web' } });
    expect(created).to.equal(201);
    const [code, after] = await send('PATCH', `${DEPLOY}/web`, [
      { op: 'add', path: '/status/observedGeneration', value: 999 },
      { op: 'replace', path: '/spec/replicas', value: 0 },
    ]);
    expect(code, JSON.stringify(after)).to.equal(200);
    const [, got] = await send('GET', `${DEPLOY}/web`);
    expect(
      (got as unknown as { status?: { observedGeneration?: number } }).status?.observedGeneration,
    ).to.not.equal(999);
  });
});
