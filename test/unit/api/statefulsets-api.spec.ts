// StatefulSets through the API on the in-process agent (memory runtime, the real wiring): pods web-0..2 in
// order with their claims, labels, hostname and subdomain, the status kubectl rollout status reads, a scale
// down in reverse order that keeps the claims, a rolling update to a new revision, and the set's deletion
// that collects its pods but keeps the claims; with persistentVolumeClaimRetentionPolicy Delete, the claims
// go with the pods scaled down or with the set.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const APPS = '/apis/apps/v1/namespaces/default';

const web = (image = 'busybox', retention?: object): object => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web' },
  spec: {
    replicas: 3,
    serviceName: 'web',
    ...(retention ? { persistentVolumeClaimRetentionPolicy: retention } : {}),
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image, volumeMounts: [{ name: 'www', mountPath: '/data' }] }] },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: 'www' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ],
  },
});

describe('api: StatefulSets (memory runtime)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  afterEach(async () => h.stop());

  const req = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    type?: string,
  ) =>
    h.api.inject({
      method,
      url,
      ...(payload ? { payload, headers: { 'content-type': type ?? 'application/json' } } : {}),
    });
  const live = () => h.pods.list('default').filter((p) => p.metadata.deletionTimestamp === undefined);
  const names = () =>
    live()
      .map((p) => p.metadata.name)
      .sort();
  const set = () => h.agent.statefulSets.get('default', 'web')!;
  const claimNames = () =>
    h.agent.persistentVolumeClaims
      .list('default')
      .map((c) => c.metadata.name)
      .sort();
  const messages = () =>
    h.events
      .list()
      .filter((e) => e.involvedObject.kind === 'StatefulSet')
      .map((e) => e.message);

  it('defaults as upstream and refuses a forbidden spec change in upstream words', async () => {
    const res = await req('POST', `${APPS}/statefulsets`, web());
    expect(res.statusCode, res.body).to.equal(201);
    expect(res.json()).to.nested.include({
      'spec.podManagementPolicy': 'OrderedReady',
      'spec.updateStrategy.type': 'RollingUpdate',
      'spec.updateStrategy.rollingUpdate.partition': 0,
      'spec.revisionHistoryLimit': 10,
      'spec.persistentVolumeClaimRetentionPolicy.whenDeleted': 'Retain',
      'spec.volumeClaimTemplates[0].spec.volumeMode': 'Filesystem',
    });
    const changed = await req(
      'PATCH',
      `${APPS}/statefulsets/web`,
      { spec: { serviceName: 'other' } },
      'application/merge-patch+json',
    );
    expect(changed.statusCode).to.equal(422);
    expect(changed.json<{ message: string }>().message).to.contain(
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
  });

  it('runs web-0..2 in order with their claims, scales down in reverse, rolls a new template', async () => {
    await req('POST', `${APPS}/statefulsets`, web());
    await h.waitFor('3 ready', () => set().status.readyReplicas === 3);
    expect(names()).to.deep.equal(['web-0', 'web-1', 'web-2']);
    const created = messages().filter((m) => m.startsWith('create Pod'));
    expect(created).to.deep.equal([
      'create Pod web-0 in StatefulSet web successful',
      'create Pod web-1 in StatefulSet web successful',
      'create Pod web-2 in StatefulSet web successful',
    ]);
    expect(messages()).to.include('create Claim www-web-0 Pod web-0 in StatefulSet web success');
    const web1 = h.pod('web-1')!;
    // web-1 came only once web-0 was Ready
    const web0Ready = h.pod('web-0')!.status.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime;
    expect(Date.parse(web1.metadata.creationTimestamp)).to.be.at.least(Date.parse(web0Ready));
    const s = set();
    expect(web1.metadata.labels).to.include({
      app: 'web',
      'statefulset.kubernetes.io/pod-name': 'web-1',
      'apps.kubernetes.io/pod-index': '1',
      'controller-revision-hash': s.status.updateRevision,
    });
    expect(web1.spec.hostname).to.equal('web-1');
    expect(web1.spec.subdomain).to.equal('web');
    expect(web1.spec.volumes).to.deep.include({
      name: 'www',
      persistentVolumeClaim: { claimName: 'www-web-1' },
    });
    expect(claimNames()).to.deep.equal(['www-web-0', 'www-web-1', 'www-web-2']);
    await h.waitFor('claims bound', () =>
      h.agent.persistentVolumeClaims.list('default').every((c) => c.status.phase === 'Bound'),
    );
    expect(s.status).to.include({
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    expect(s.status.currentRevision)
      .to.equal(s.status.updateRevision)
      .and.match(/^web-[a-z0-9]+$/);

    const scaled = await req(
      'PATCH',
      `${APPS}/statefulsets/web/scale`,
      { spec: { replicas: 1 } },
      'application/merge-patch+json',
    );
    expect(scaled.statusCode, scaled.body).to.equal(200);
    await h.waitFor('one left', () => h.pods.list('default').length === 1);
    const deletes = messages().filter((m) => m.startsWith('delete Pod'));
    expect(deletes).to.deep.equal([
      'delete Pod web-2 in StatefulSet web successful',
      'delete Pod web-1 in StatefulSet web successful',
    ]);
    expect(claimNames()).to.deep.equal(['www-web-0', 'www-web-1', 'www-web-2']);

    await req('PATCH', `${APPS}/statefulsets/web`, { spec: { replicas: 2 } }, 'application/merge-patch+json');
    const before = set().status.currentRevision;
    const patched = await req(
      'PATCH',
      `${APPS}/statefulsets/web`,
      { spec: { template: { spec: { containers: [{ name: 'web', image: 'busybox:latest' }] } } } },
      'application/strategic-merge-patch+json',
    );
    expect(patched.statusCode, patched.body).to.equal(200);
    await h.waitFor(
      'rolled',
      () =>
        set().status.currentRevision !== before &&
        set().status.updatedReplicas === 2 &&
        set().status.readyReplicas === 2 &&
        live().length === 2 &&
        live().every((p) => p.spec.containers[0]!.image === 'busybox:latest'),
    );
    expect(set().status.currentRevision).to.equal(set().status.updateRevision);
  });

  it('collects its pods when deleted and keeps the claims (retention Retain)', async () => {
    await req('POST', `${APPS}/statefulsets`, web());
    await h.waitFor('3 ready', () => set().status.readyReplicas === 3);
    await req('DELETE', `${APPS}/statefulsets/web`);
    await h.waitFor('no pods', () => live().length === 0);
    expect(claimNames()).to.deep.equal(['www-web-0', 'www-web-1', 'www-web-2']);
    const table = await h.api.inject({
      method: 'GET',
      url: `${APPS}/statefulsets`,
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    expect(
      table.json<{ columnDefinitions: { name: string }[] }>().columnDefinitions.map((c) => c.name),
    ).to.deep.equal(['Name', 'Ready', 'Age', 'Containers', 'Images']);
  });

  const ownersOf = (name: string) =>
    (h.agent.persistentVolumeClaims.get('default', name)!.metadata.ownerReferences ?? []) as {
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
    }[];

  it('deletes the claims of pods scaled down with whenScaled Delete, after the pods, and makes them anew', async () => {
    await req('POST', `${APPS}/statefulsets`, web('busybox', { whenScaled: 'Delete' }));
    await h.waitFor('3 ready', () => set().status.readyReplicas === 3);
    expect(ownersOf('www-web-2')).to.deep.equal([]); // in range: nobody owns it
    await req(
      'PATCH',
      `${APPS}/statefulsets/web/scale`,
      { spec: { replicas: 1 } },
      'application/merge-patch+json',
    );
    await h.waitFor('claims of web-1 and web-2 gone', () => claimNames().length === 1);
    expect(claimNames()).to.deep.equal(['www-web-0']);
    expect(h.pods.list('default').map((p) => p.metadata.name)).to.deep.equal(['web-0']);
    expect(ownersOf('www-web-0')).to.deep.equal([]);
    await req(
      'PATCH',
      `${APPS}/statefulsets/web/scale`,
      { spec: { replicas: 3 } },
      'application/merge-patch+json',
    );
    await h.waitFor('3 ready again', () => set().status.readyReplicas === 3 && live().length === 3);
    expect(claimNames()).to.deep.equal(['www-web-0', 'www-web-1', 'www-web-2']);
  });

  it('deletes its claims with the set with whenDeleted Delete (the set owns them)', async () => {
    await req('POST', `${APPS}/statefulsets`, web('busybox', { whenDeleted: 'Delete' }));
    await h.waitFor('3 ready', () => set().status.readyReplicas === 3);
    const uid = set().metadata.uid;
    expect(ownersOf('www-web-1')).to.deep.equal([
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        name: 'web',
        uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    // Scaled down, the claim stays (whenScaled Retain), still the set's.
    await req(
      'PATCH',
      `${APPS}/statefulsets/web/scale`,
      { spec: { replicas: 2 } },
      'application/merge-patch+json',
    );
    await h.waitFor('two pods', () => h.pods.list('default').length === 2);
    expect(claimNames()).to.deep.equal(['www-web-0', 'www-web-1', 'www-web-2']);
    await req('DELETE', `${APPS}/statefulsets/web`);
    await h.waitFor('claims gone', () => claimNames().length === 0 && h.pods.list('default').length === 0);
  });

  it('refuses a retention policy other than Retain or Delete in upstream words', async () => {
    const res = await req('POST', `${APPS}/statefulsets`, web('busybox', { whenScaled: 'Keep' }));
    expect(res.statusCode, res.body).to.equal(422);
    expect(res.json<{ message: string }>().message).to.equal(
      'StatefulSet.apps "web" is invalid: spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Keep": supported values: "Retain", "Delete"',
    );
  });

  it('drops rollingUpdate.maxUnavailable as a 1.34 API server does (MaxUnavailableStatefulSet off)', async () => {
    const body = web() as { spec: Record<string, unknown> };
    body.spec['updateStrategy'] = {
      type: 'RollingUpdate',
      rollingUpdate: { partition: 1, maxUnavailable: 2 },
    };
    const res = await req('POST', `${APPS}/statefulsets`, body);
    expect(res.statusCode, res.body).to.equal(201);
    expect(res.json().spec.updateStrategy).to.deep.equal({
      type: 'RollingUpdate',
      rollingUpdate: { partition: 1 },
    });
    const patched = await req(
      'PATCH',
      `${APPS}/statefulsets/web`,
      { spec: { updateStrategy: { rollingUpdate: { maxUnavailable: '50%' } } } },
      'application/merge-patch+json',
    );
    expect(patched.statusCode, patched.body).to.equal(200);
    expect(set().spec.updateStrategy.rollingUpdate).to.deep.equal({ partition: 1 });
  });
});
