// ControllerRevisions through the API on the in-process agent (memory runtime, the real wiring): the
// DaemonSet's revision as upstream stores it, `data` immutable, the revision collected with its namespace.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import type { ControllerRevision } from '../../../agent/model/controller-revision';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { templateHash } from '../../../agent/controllers/deployment/template-hash';

const daemonSet = (namespace: string): object => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace, annotations: { note: 'kept' } },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: {
      metadata: { labels: { app: 'agent' } },
      spec: { containers: [{ name: 'a', image: 'busybox' }] },
    },
  },
});

describe('api: ControllerRevisions (memory runtime)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  afterEach(async () => h.stop());

  const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    h.api.inject({ method, url, ...(payload ? { payload } : {}) });
  const list = (ns: string): ControllerRevision[] => h.agent.controllerRevisions.list(ns);

  it('stores the DaemonSet template as upstream, keeps data immutable, goes with the namespace', async () => {
    expect((await req('POST', '/api/v1/namespaces', { metadata: { name: 'crs' } })).statusCode).to.equal(201);
    const res = await req('POST', '/apis/apps/v1/namespaces/crs/daemonsets', daemonSet('crs'));
    expect(res.statusCode, res.body).to.equal(201);
    const [cr] = await h.waitFor('the revision', () => list('crs').length === 1 && list('crs'));
    const listed = await req('GET', '/apis/apps/v1/namespaces/crs/controllerrevisions');
    expect(listed.json<{ items: ControllerRevision[] }>().items).to.have.length(1);
    const hash = cr!.metadata.labels?.['controller-revision-hash'];
    expect(cr!.metadata.name).to.equal(`agent-${hash}`);
    expect(cr!.revision).to.equal(1);
    expect(cr!.metadata.annotations).to.deep.equal({ note: 'kept' });
    expect(cr!.data).to.nested.include({
      'spec.template.$patch': 'replace',
      'spec.template.spec.containers[0].image': 'busybox',
    });
    await h.waitFor('the pod of that revision', () =>
      h.pods.list('crs').some((p) => p.metadata.labels?.['controller-revision-hash'] === hash),
    );

    const url = `/apis/apps/v1/namespaces/crs/controllerrevisions/${cr!.metadata.name}`;
    const changed = await req('PUT', url, { ...cr, data: { spec: {} } });
    expect(changed.statusCode).to.equal(422);
    expect(changed.json<{ message: string }>().message).to.contain('data: Invalid value');
    expect((await req('DELETE', '/api/v1/namespaces/crs')).statusCode).to.equal(200);
    await h.waitFor('no revision left', () => list('crs').length === 0);
  });

  it('bumps collisionCount when the revision name is taken by other data; pods carry the new hash', async () => {
    for (const ns of ['probe', 'crs'])
      expect((await req('POST', '/api/v1/namespaces', { metadata: { name: ns } })).statusCode).to.equal(201);
    // The hash depends on the template only: learn it in another namespace.
    expect(
      (await req('POST', '/apis/apps/v1/namespaces/probe/daemonsets', daemonSet('probe'))).statusCode,
    ).to.equal(201);
    const [probe] = await h.waitFor('the probe revision', () => list('probe').length === 1 && list('probe'));
    const squatter = { metadata: { name: probe!.metadata.name }, data: { spec: {} }, revision: 1 };
    expect(
      (await req('POST', '/apis/apps/v1/namespaces/crs/controllerrevisions', squatter)).statusCode,
    ).to.equal(201);

    expect(
      (await req('POST', '/apis/apps/v1/namespaces/crs/daemonsets', daemonSet('crs'))).statusCode,
    ).to.equal(201);
    const ds = await h.waitFor('collisionCount 1', () => {
      const d = h.agent.daemonSets.get('crs', 'agent');
      return d?.status.collisionCount === 1 && d;
    });
    const hash = templateHash(ds.spec.template, 1);
    await h.waitFor('the revision named by the new hash', () =>
      list('crs').some((r) => r.metadata.name === `agent-${hash}` && r.revision === 1),
    );
    await h.waitFor('the pod of that revision', () =>
      h.pods.list('crs').some((p) => p.metadata.labels?.['controller-revision-hash'] === hash),
    );
    expect(list('crs').find((r) => r.metadata.name === probe!.metadata.name)?.data).to.deep.equal({
      spec: {},
    });
  });
});
