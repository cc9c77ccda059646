// ServiceAccounts: a `default` one in every namespace (as kube-controller-manager keeps), created with the
// protobuf body kubectl 1.35 sends, listed as `kubectl get sa` prints them, and named by pods (admission).
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'protobuf');
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

describe('api: ServiceAccounts (memory runtime)', () => {
  let dataDir: string;
  let h: Harness;
  const start = async (): Promise<Harness> =>
    (h = await new Harness({ runtime: new MemoryRuntime(new ManualClock()), dataDir }).start());
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mk-sa-'));
    await start();
  });
  afterEach(async () => {
    await h.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const req = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, accept?: string) =>
    h.api.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...(accept ? { accept } : {}) },
    });
  const names = async (ns: string): Promise<string[]> =>
    (await req('GET', `/api/v1/namespaces/${ns}/serviceaccounts`))
      .json<{ items: { metadata: { name: string } }[] }>()
      .items.map((i) => i.metadata.name);
  const pod = (name: string, spec: object = {}): object => ({
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
  });

  it('keeps a default ServiceAccount in every namespace: built-in, new, deleted by hand, after a restart', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      expect(await names(ns), ns).to.deep.equal(['default']);
    expect((await req('POST', '/api/v1/namespaces', { metadata: { name: 'team' } })).statusCode).to.equal(
      201,
    );
    expect(await names('team')).to.deep.equal(['default']);
    const uid = h.agent.serviceAccounts.mustGet('team', 'default').metadata.uid;
    expect((await req('DELETE', '/api/v1/namespaces/team/serviceaccounts/default')).statusCode).to.equal(200);
    const again = h.agent.serviceAccounts.mustGet('team', 'default');
    expect(again.metadata.uid).to.not.equal(uid);
    await h.stop();
    await start();
    expect(h.agent.serviceAccounts.mustGet('team', 'default').metadata.uid).to.equal(again.metadata.uid);
  });

  it('goes with its namespace', async () => {
    await req('POST', '/api/v1/namespaces', { metadata: { name: 'gone' } });
    await req('POST', '/api/v1/namespaces/gone/serviceaccounts', { metadata: { name: 'robot' } });
    expect(await names('gone')).to.deep.equal(['default', 'robot']);
    await req('DELETE', '/api/v1/namespaces/gone');
    await h.waitFor('namespace gone', () => !h.agent.namespaces.get('', 'gone'));
    expect(h.agent.serviceAccounts.list('gone')).to.deep.equal([]);
  });

  it('creates one from the protobuf body kubectl 1.35 sends; get sa prints NAME SECRETS AGE', async () => {
    const made = await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/serviceaccounts',
      payload: readFileSync(join(FIXTURES, 'kubectl-1.35', 'serviceaccount.pb')),
      headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
    });
    expect(made.statusCode, made.body).to.equal(201);
    expect(made.json()).to.deep.include({ kind: 'ServiceAccount', apiVersion: 'v1' });
    const table = (await req('GET', '/api/v1/namespaces/default/serviceaccounts', undefined, TABLE)).json<{
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    }>();
    expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Secrets', 'Age']);
    expect(table.rows.map((r) => r.cells.slice(0, 2))).to.deep.equal([
      ['default', 0],
      ['robot', 0],
    ]);
  });

  it('refuses an invalid name with 422', async () => {
    const res = await req('POST', '/api/v1/namespaces/default/serviceaccounts', {
      metadata: { name: 'Bad_Name' },
    });
    expect(res.statusCode).to.equal(422);
  });

  it('pods: serviceAccountName defaults to default, serviceAccount follows it, a missing one is Forbidden', async () => {
    const plain = await req('POST', '/api/v1/namespaces/default/pods', pod('plain'));
    expect(plain.statusCode, plain.body).to.equal(201);
    expect(plain.json<{ spec: object }>().spec).to.deep.include({
      serviceAccountName: 'default',
      serviceAccount: 'default',
    });
    await req('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'robot' } });
    const old = await req('POST', '/api/v1/namespaces/default/pods', pod('old', { serviceAccount: 'robot' }));
    expect(old.json<{ spec: object }>().spec).to.deep.include({
      serviceAccountName: 'robot',
      serviceAccount: 'robot',
    });
    const missing = await req(
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('lost', { serviceAccountName: 'nobody' }),
    );
    expect(missing.statusCode).to.equal(403);
    expect(missing.json()).to.deep.include({
      reason: 'Forbidden',
      message:
        'pods "lost" is forbidden: error looking up service account default/nobody: serviceaccount "nobody" not found',
    });
  });
});
