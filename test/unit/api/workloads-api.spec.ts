// Deployments and ReplicaSets through the API on the in-process agent (memory runtime, the real wiring):
// validation wording, the controllers creating and replacing pods at once, scale, and garbage collection
// (background, orphan, foreground, and after a restart).
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { deploymentBody } from '../../helpers/workload-builders';

const APPS = '/apis/apps/v1/namespaces/default';

const deployment = deploymentBody;

describe('api: Deployments and ReplicaSets (memory runtime)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  afterEach(async () => h.stop());

  const req = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    type = 'application/json',
  ) => h.api.inject({ method, url, ...(payload ? { payload, headers: { 'content-type': type } } : {}) });
  const webPods = () => h.pods.list('default').filter((p) => p.metadata.name.startsWith('web-'));
  const live = () => webPods().filter((p) => p.metadata.deletionTimestamp === undefined);

  describe('validation, as upstream words it', () => {
    const invalid = async (body: object, message: string, field: string): Promise<void> => {
      const res = await req('POST', `${APPS}/deployments`, body);
      expect(res.statusCode, res.body).to.equal(422);
      expect(res.json<{ message: string }>().message).to.contain(message);
      expect(
        res.json<{ details: { causes: { field: string }[] } }>().details.causes.map((c) => c.field),
      ).to.include(field);
    };

    it('the selector must match the template labels', async () => {
      const body = deployment(1) as { spec: { selector: object } };
      body.spec.selector = { matchLabels: { app: 'other' } };
      await invalid(body, '`selector` does not match template `labels`', 'spec.template.metadata.labels');
    });
    it('replicas may not be negative', () =>
      invalid(
        deployment(-1),
        'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        'spec.replicas',
      ));
    it('maxSurge and maxUnavailable are counts or percentages', async () => {
      await invalid(
        deployment(1, {
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1x', maxUnavailable: '150%' } },
        }),
        'spec.strategy.rollingUpdate.maxSurge: Invalid value: "1x": a valid percent string must be a numeric string followed by an ending \'%\'',
        'spec.strategy.rollingUpdate.maxSurge',
      );
      await invalid(
        deployment(1, {
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '150%' } },
        }),
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
        'spec.strategy.rollingUpdate.maxUnavailable',
      );
    });
    it('the selector is immutable after create (422)', async () => {
      expect((await req('POST', `${APPS}/deployments`, deployment(1))).statusCode).to.equal(201);
      const res = await req(
        'PATCH',
        `${APPS}/deployments/web`,
        {
          spec: {
            selector: { matchLabels: { app: 'web', v: '2' } },
            template: { metadata: { labels: { app: 'web', v: '2' } } },
          },
        },
        'application/merge-patch+json',
      );
      expect(res.statusCode).to.equal(422);
      expect(res.json<{ message: string }>().message).to.match(
        /^Deployment\.apps "web" is invalid: spec.selector: Invalid value: .*: field is immutable$/,
      );
    });
  });

  it('creates the pods at once, replaces one deleted by hand, scales through /scale', async () => {
    expect((await req('POST', `${APPS}/deployments`, deployment(2))).statusCode).to.equal(201);
    await h.waitFor('2 pods', () => live().length === 2);
    const pod = live()[0]!;
    expect(pod.metadata.name).to.match(
      /^web-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    );
    expect(pod.metadata['ownerReferences']).to.deep.include.members([
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: pod.metadata.name.slice(0, -6),
        uid: h.agent.replicaSets.list()[0]!.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect((await req('DELETE', `/api/v1/namespaces/default/pods/${pod.metadata.name}`)).statusCode).to.equal(
      200,
    );
    await h.waitFor(
      'a replacement',
      () => live().length === 2 && !live().some((p) => p.metadata.name === pod.metadata.name),
    );
    const scale = await req(
      'PATCH',
      `${APPS}/deployments/web/scale`,
      { spec: { replicas: 3 } },
      'application/merge-patch+json',
    );
    expect(scale.json()).to.deep.include({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 3 },
    });
    await h.waitFor('3 pods', () => live().length === 3);
    const table = await h.api.inject({
      method: 'GET',
      url: `${APPS}/replicasets`,
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    expect(
      table.json<{ columnDefinitions: { name: string }[] }>().columnDefinitions.map((c) => c.name),
    ).to.deep.equal(['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
  });

  it('deletes the ReplicaSets and pods of a deleted Deployment (background), or leaves them (orphan)', async () => {
    await req('POST', `${APPS}/deployments`, deployment(2));
    await h.waitFor('2 pods', () => live().length === 2);
    await req('DELETE', `${APPS}/deployments/web`, { propagationPolicy: 'Orphan' });
    await h.waitFor('the Deployment gone', () => !h.agent.deployments.get('default', 'web'));
    expect(h.agent.replicaSets.list()).to.have.length(1);
    expect(h.agent.replicaSets.list()[0]!.metadata['ownerReferences']).to.equal(undefined);
    const rs = h.agent.replicaSets.list()[0]!.metadata.name;
    await req('DELETE', `${APPS}/replicasets/${rs}`);
    await h.waitFor('pods terminating', () => live().length === 0);
  });

  it('deleting a namespace deletes its Deployments and ReplicaSets, so no pod comes back', async () => {
    expect((await req('POST', '/api/v1/namespaces', { metadata: { name: 'team' } })).statusCode).to.equal(
      201,
    );
    const res = await req('POST', '/apis/apps/v1/namespaces/team/deployments', deployment(2));
    expect(res.statusCode, res.body).to.equal(201);
    await h.waitFor('2 pods', () => h.pods.list('team').length === 2);
    expect((await req('DELETE', '/api/v1/namespaces/team')).statusCode).to.equal(200);
    await h.waitFor('the namespace to go', () => !h.agent.namespaces.get('', 'team'));
    expect(h.agent.deployments.list('team')).to.deep.equal([]);
    expect(h.agent.replicaSets.list('team')).to.deep.equal([]);
    expect(h.pods.list('team')).to.deep.equal([]);
  });

  it('foreground: the Deployment stays until its dependents are gone', async () => {
    await req('POST', `${APPS}/deployments`, deployment(1));
    await h.waitFor('a pod', () => live().length === 1);
    const res = await req('DELETE', `${APPS}/deployments/web`, { propagationPolicy: 'Foreground' });
    expect(res.json()).to.nested.include({ 'metadata.finalizers[0]': 'foregroundDeletion' });
    await h.waitFor('the ReplicaSet gone', () => h.agent.replicaSets.list().length === 0);
    await h.waitFor('the Deployment gone', () => !h.agent.deployments.get('default', 'web'));
  });

  it('after a restart, keeps the pods it had (no second set) and collects dependents whose owner went while it was down', async () => {
    await req('POST', `${APPS}/deployments`, deployment(3));
    await h.waitFor('3 pods', () => live().length === 3);
    const dataDir = h.dataDir;
    const before = live()
      .map((p) => p.metadata.name)
      .sort();
    await h.agent.stop(); // as a crash would leave it: the data dir stays
    const again = new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock, dataDir });
    const rs = again.agent.replicaSets.list()[0]!;
    await again.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(
      again.pods
        .list()
        .map((p) => p.metadata.name)
        .sort(),
    ).to.deep.equal(before);
    await again.agent.stop();
    const third = new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock, dataDir });
    third.agent.replicaSets.remove('default', rs.metadata.name); // the owner gone while the daemon was down
    third.agent.deployments.remove('default', 'web');
    await third.start();
    await third.waitFor('the orphaned pods deleted', () =>
      third.pods.list().every((p) => p.metadata.deletionTimestamp !== undefined),
    );
    await third.stop();
  });
});
