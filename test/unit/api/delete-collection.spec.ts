// DELETE on a collection (deletecollection), as upstream's generic store serves it: what the selectors pick
// is deleted object by object through the kind's own delete (finalizers, graceful pods, propagation), the
// answer is the List as listed (200); served on a namespace's collection and on cluster kinds, not across
// namespaces nor for Namespaces (405).
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

type Json = Record<string, unknown>;
interface Item {
  metadata: { name: string; deletionTimestamp?: string; finalizers?: string[]; uid: string };
}
interface List {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string };
  items: Item[];
}
const NS = '/api/v1/namespaces/default';
const APPS = '/apis/apps/v1/namespaces/default';
const RBAC = '/apis/rbac.authorization.k8s.io/v1';

const configMap = (name: string, labels: Record<string, string>, finalizers?: string[]): Json => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels, ...(finalizers ? { finalizers } : {}) },
  data: { k: 'v' },
});
const pod = (name: string, labels: Record<string, string>): Json => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

describe('api: deletecollection', () => {
  let h: Harness;
  beforeEach(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  const req = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const res = await h.api.inject({
      method,
      url,
      ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
      headers: payload !== undefined ? { 'content-type': 'application/json' } : {},
    });
    return { code: res.statusCode, body: res.json<Json>() };
  };
  const create = async (url: string, body: Json): Promise<void> => {
    const r = await req('POST', url, body);
    expect(r.code, JSON.stringify(r.body)).to.equal(201);
  };
  const names = async (url: string): Promise<string[]> =>
    ((await req('GET', url)).body as unknown as List).items.map((i) => i.metadata.name).sort();
  const threeConfigMaps = async (): Promise<void> => {
    await create(`${NS}/configmaps`, configMap('a1', { a: 'b', tier: 'web' }));
    await create(`${NS}/configmaps`, configMap('a2', { a: 'b', tier: 'db' }));
    await create(`${NS}/configmaps`, configMap('other', { a: 'c' }));
  };

  it('deletes what the labelSelector picks and answers 200 with the List as listed', async () => {
    await threeConfigMaps();
    const r = await req('DELETE', `${NS}/configmaps?labelSelector=a%3Db`);
    expect(r.code).to.equal(200);
    const list = r.body as unknown as List;
    expect(list).to.include({ kind: 'ConfigMapList', apiVersion: 'v1' });
    expect(list.metadata.resourceVersion).to.be.a('string');
    expect(list.items.map((i) => i.metadata.name).sort()).to.deep.equal(['a1', 'a2']);
    expect(await names(`${NS}/configmaps?labelSelector=a`)).to.deep.equal(['other']);
  });

  it('combines labelSelector and fieldSelector, and takes the DeleteOptions body', async () => {
    await threeConfigMaps();
    const r = await req('DELETE', `${NS}/configmaps?labelSelector=a%3Db&fieldSelector=metadata.name%3Da2`, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Background',
    });
    expect(r.code).to.equal(200);
    expect((r.body as unknown as List).items.map((i) => i.metadata.name)).to.deep.equal(['a2']);
    expect(await names(`${NS}/configmaps?labelSelector=a`)).to.deep.equal(['a1', 'other']);
  });

  it('a bad selector or DeleteOptions is a 400 and deletes nothing', async () => {
    await threeConfigMaps();
    const bad = await req('DELETE', `${NS}/configmaps?fieldSelector=spec.nothing%3Dx`);
    expect(bad.code).to.equal(400);
    const policy = await req('DELETE', `${NS}/configmaps?propagationPolicy=Sideways`);
    expect(policy.code).to.equal(400);
    expect(await names(`${NS}/configmaps?labelSelector=a`)).to.deep.equal(['a1', 'a2', 'other']);
  });

  it('dryRun=All answers the List and deletes nothing (query or body)', async () => {
    await threeConfigMaps();
    const q = await req('DELETE', `${NS}/configmaps?labelSelector=a&dryRun=All`);
    expect(q.code).to.equal(200);
    expect((q.body as unknown as List).items).to.have.length(3);
    const b = await req('DELETE', `${NS}/configmaps?labelSelector=a`, { dryRun: ['All'] });
    expect((b.body as unknown as List).items).to.have.length(3);
    expect(await names(`${NS}/configmaps?labelSelector=a`)).to.deep.equal(['a1', 'a2', 'other']);
    expect((await req('DELETE', `${NS}/configmaps?dryRun=Some`)).code).to.equal(400);
  });

  const deployment = (name: string): Json => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { team: 'x' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    },
  });
  const twoDeployments = async (): Promise<void> => {
    await create(`${APPS}/deployments`, deployment('one'));
    await create(`${APPS}/deployments`, deployment('two'));
    await h.waitFor('2 ReplicaSets', () => h.agent.replicaSets.list('default').length === 2);
  };

  it("Foreground (the body's propagationPolicy): each owner is marked with the finalizer and stays until its dependents are gone", async () => {
    await twoDeployments();
    const r = await req('DELETE', `${APPS}/deployments?labelSelector=team%3Dx`, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Foreground',
    });
    expect(r.code).to.equal(200);
    const list = r.body as unknown as List;
    expect(list).to.include({ kind: 'DeploymentList', apiVersion: 'apps/v1' });
    // the answer is the objects as listed, before the deletes marked them
    expect(list.items.map((i) => i.metadata.deletionTimestamp)).to.deep.equal([undefined, undefined]);
    const marked = h.agent.deployments.list('default');
    expect(marked.map((d) => d.metadata.name).sort()).to.deep.equal(['one', 'two']);
    for (const d of marked) {
      expect(d.metadata.deletionTimestamp, d.metadata.name).to.be.a('string');
      expect(d.metadata['finalizers'], d.metadata.name).to.deep.equal(['foregroundDeletion']);
    }
    // a second deletecollection meets them already marked: no error
    expect((await req('DELETE', `${APPS}/deployments?labelSelector=team%3Dx`)).code).to.equal(200);
    await h.waitFor('the ReplicaSets gone', () => h.agent.replicaSets.list('default').length === 0);
    await h.waitFor('the Deployments gone', () => h.agent.deployments.list('default').length === 0);
  });

  it("Orphan (the query's propagationPolicy) keeps each owner's ReplicaSet", async () => {
    await twoDeployments();
    const r = await req('DELETE', `${APPS}/deployments?labelSelector=team%3Dx&propagationPolicy=Orphan`);
    expect(r.code).to.equal(200);
    await h.waitFor('the Deployments gone', () => h.agent.deployments.list('default').length === 0);
    const kept = h.agent.replicaSets.list('default');
    expect(kept).to.have.length(2);
    expect(kept.map((rs) => rs.metadata.ownerReferences ?? [])).to.deep.equal([[], []]);
  });

  it('preconditions are checked by each delete, as upstream: a uid that is not the object is a 409', async () => {
    await threeConfigMaps();
    const r = await req('DELETE', `${NS}/configmaps?labelSelector=a%3Dc`, {
      preconditions: { uid: '00000000-0000-0000-0000-000000000000' },
    });
    expect(r.code).to.equal(409);
    expect(r.body).to.include({ reason: 'Conflict' });
    expect(await names(`${NS}/configmaps?labelSelector=a`)).to.deep.equal(['a1', 'a2', 'other']);
  });

  it('cluster kinds: DELETE on the collection (ClusterRoles by label)', async () => {
    for (const name of ['one', 'two'])
      await create(`${RBAC}/clusterroles`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name, labels: { mine: 'yes' } },
        rules: [],
      });
    const r = await req('DELETE', `${RBAC}/clusterroles?labelSelector=mine`);
    expect(r.body).to.include({ kind: 'ClusterRoleList', apiVersion: 'rbac.authorization.k8s.io/v1' });
    expect(await names(`${RBAC}/clusterroles?labelSelector=mine`)).to.deep.equal([]);
    // the bootstrap roles are still there
    expect((await names(`${RBAC}/clusterroles`)).length).to.be.greaterThan(0);
  });

  it('is 405 across namespaces and for Namespaces, as upstream serves it', async () => {
    await threeConfigMaps();
    for (const url of ['/api/v1/configmaps', '/api/v1/pods', '/api/v1/namespaces']) {
      const r = await req('DELETE', url);
      expect(r.code, url).to.equal(405);
      expect(r.body, url).to.include({ reason: 'MethodNotAllowed' });
    }
    expect(await names(`${NS}/configmaps?labelSelector=a`)).to.deep.equal(['a1', 'a2', 'other']);
  });

  it('discovery lists deletecollection where it is served', async () => {
    const core = (await req('GET', '/api/v1')).body as { resources: { name: string; verbs: string[] }[] };
    const verbs = (name: string): string[] | undefined => core.resources.find((r) => r.name === name)?.verbs;
    expect(verbs('pods')).to.deep.equal([
      'create',
      'delete',
      'deletecollection',
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
    expect(verbs('namespaces')).to.not.include('deletecollection');
    expect(verbs('nodes')).to.not.include('deletecollection');
    expect(verbs('events')).to.not.include('deletecollection');
  });
});

describe('api: deletecollection of pods (no sync loop: the deletion marks stay as during the grace period)', () => {
  let h: Harness;
  beforeEach(() => {
    const clock = new ManualClock();
    h = new Harness({ runtime: new MemoryRuntime(clock), clock });
  });
  afterEach(async () => h.stop());

  const bound = (name: string, app: string): Json => ({
    ...pod(name, { app }),
    spec: { nodeName: 'test-node', containers: [{ name: 'c', image: 'busybox' }] },
  });

  it('marks each bound pod with its grace period, or the one the request gives', async () => {
    for (const [name, app] of [
      ['web-1', 'web'],
      ['web-2', 'web'],
      ['db', 'db'],
    ] as const) {
      const res = await h.api.inject({ method: 'POST', url: `${NS}/pods`, payload: bound(name, app) });
      expect(res.statusCode, res.body).to.equal(201);
    }
    const web = await h.api.inject({ method: 'DELETE', url: `${NS}/pods?labelSelector=app%3Dweb` });
    expect(
      web
        .json<List>()
        .items.map((i) => i.metadata.name)
        .sort(),
    ).to.deep.equal(['web-1', 'web-2']);
    for (const name of ['web-1', 'web-2']) {
      expect(h.pod(name)?.metadata.deletionTimestamp, name).to.be.a('string');
      expect(h.pod(name)?.metadata.deletionGracePeriodSeconds, name).to.equal(30);
    }
    expect(h.pod('db')?.metadata.deletionTimestamp).to.equal(undefined);
    await h.api.inject({
      method: 'DELETE',
      url: `${NS}/pods?fieldSelector=metadata.name%3Ddb&gracePeriodSeconds=5`,
    });
    expect(h.pod('db')?.metadata.deletionGracePeriodSeconds).to.equal(5);
  });
});
