// DaemonSets through the API on the in-process agent (memory runtime, the real wiring): validation
// wording, one pod bound to this node, a deleted pod replaced, a template change rolled, the pod collected
// with its DaemonSet or its namespace, and `kubectl get ds` columns.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const APPS = '/apis/apps/v1/namespaces/default';

const daemonSet = (image = 'busybox', extra: object = {}): object => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: {
      metadata: { labels: { app: 'agent' } },
      spec: { containers: [{ name: 'agent', image }] },
    },
    ...extra,
  },
});

describe('api: DaemonSets (memory runtime)', () => {
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
  const live = (ns = 'default') =>
    h.pods
      .list(ns)
      .filter((p) => p.metadata.name.startsWith('agent-') && p.metadata.deletionTimestamp === undefined);

  it('defaults as upstream and refuses what upstream refuses, with field causes', async () => {
    const res = await req('POST', `${APPS}/daemonsets`, daemonSet());
    expect(res.statusCode, res.body).to.equal(201);
    expect(res.json()).to.nested.include({
      'spec.updateStrategy.type': 'RollingUpdate',
      'spec.updateStrategy.rollingUpdate.maxUnavailable': 1,
      'spec.updateStrategy.rollingUpdate.maxSurge': 0,
      'spec.revisionHistoryLimit': 10,
    });
    const bad = daemonSet('busybox', {
      selector: { matchLabels: { app: 'other' } },
      updateStrategy: { type: 'Sometimes' },
    }) as { metadata: { name: string } };
    bad.metadata.name = 'bad';
    const refused = await req('POST', `${APPS}/daemonsets`, bad);
    expect(refused.statusCode).to.equal(422);
    expect(refused.json<{ message: string }>().message)
      .to.contain('`selector` does not match template `labels`')
      .and.contain('spec.updateStrategy.type: Unsupported value: "Sometimes"');
    const immutable = await req(
      'PATCH',
      `${APPS}/daemonsets/agent`,
      {
        spec: {
          selector: { matchLabels: { app: 'agent', x: 'y' } },
          template: { metadata: { labels: { app: 'agent', x: 'y' } } },
        },
      },
      'application/merge-patch+json',
    );
    expect(immutable.statusCode).to.equal(422);
    expect(immutable.json<{ message: string }>().message).to.contain('spec.selector: Invalid value');
  });

  it('runs one pod on this node, replaces it when deleted, rolls it on a template change', async () => {
    expect((await req('POST', `${APPS}/daemonsets`, daemonSet())).statusCode).to.equal(201);
    await h.waitFor('one pod', () => live().length === 1);
    const pod = live()[0]!;
    expect(pod.metadata.name).to.match(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.spec.nodeName).to.equal('test-node');
    expect(pod.metadata.labels).to.include.keys('controller-revision-hash', 'pod-template-generation');
    expect(pod.metadata['ownerReferences']).to.deep.equal([
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        name: 'agent',
        uid: h.agent.daemonSets.get('default', 'agent')!.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    await req('DELETE', `/api/v1/namespaces/default/pods/${pod.metadata.name}`);
    await h.waitFor(
      'a replacement',
      () => live().length === 1 && live()[0]!.metadata.name !== pod.metadata.name,
    );
    const patched = await req(
      'PATCH',
      `${APPS}/daemonsets/agent`,
      { spec: { template: { spec: { containers: [{ name: 'agent', image: 'nginx' }] } } } },
      'application/strategic-merge-patch+json',
    );
    expect(patched.statusCode, patched.body).to.equal(200);
    await h.waitFor(
      'the pod rolled',
      () => live().length === 1 && live()[0]!.spec.containers[0]!.image === 'nginx',
    );
    expect(live()).to.have.length(1);
    const table = await h.api.inject({
      method: 'GET',
      url: `${APPS}/daemonsets`,
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    expect(
      table.json<{ columnDefinitions: { name: string }[] }>().columnDefinitions.map((c) => c.name),
    ).to.deep.equal([
      'Name',
      'Desired',
      'Current',
      'Ready',
      'Up-to-date',
      'Available',
      'Node Selector',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
  });

  it('runs no pod when the nodeSelector does not match the Node', async () => {
    const body = daemonSet() as { spec: { template: { spec: object } } };
    body.spec.template.spec = { ...body.spec.template.spec, nodeSelector: { disk: 'none-here' } };
    expect((await req('POST', `${APPS}/daemonsets`, body)).statusCode).to.equal(201);
    await h.waitFor(
      'the status',
      () => h.agent.daemonSets.get('default', 'agent')?.status.observedGeneration === 1,
    );
    expect(h.agent.daemonSets.get('default', 'agent')!.status.desiredNumberScheduled).to.equal(0);
    expect(live()).to.deep.equal([]);
  });

  it('deleting the DaemonSet collects its pod; deleting a namespace takes its DaemonSets', async () => {
    await req('POST', `${APPS}/daemonsets`, daemonSet());
    await h.waitFor('one pod', () => live().length === 1);
    expect((await req('DELETE', `${APPS}/daemonsets/agent`)).statusCode).to.equal(200);
    await h.waitFor('the pod collected', () => live().length === 0);
    await req('POST', '/api/v1/namespaces', { metadata: { name: 'team' } });
    await req('POST', '/apis/apps/v1/namespaces/team/daemonsets', daemonSet());
    await h.waitFor('one pod in team', () => live('team').length === 1);
    expect((await req('DELETE', '/api/v1/namespaces/team')).statusCode).to.equal(200);
    await h.waitFor('the namespace to go', () => !h.agent.namespaces.get('', 'team'));
    expect(h.agent.daemonSets.list('team')).to.deep.equal([]);
    expect(h.pods.list('team')).to.deep.equal([]);
  });
});
