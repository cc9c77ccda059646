// PersistentVolumeClaims through the API on the in-process agent (memory runtime, the real wiring): the
// validation's wording, a claim bound at once to a directory of its own, `kubectl get pvc`'s columns, a pod
// waiting for its claim and mounting it, the data outliving the pod, and the deletion held by the
// pvc-protection finalizer until no pod uses the claim, the directory going with it.
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import type { PersistentVolumeClaim } from '../../../agent/model/persistent-volume-claim';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const NS = '/api/v1/namespaces/default';

const claim = (name = 'data', spec: object = {}): object => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});

const podUsing = (name: string, claimName: string, readOnly?: boolean): object => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    containers: [{ name: 'app', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName, ...(readOnly ? { readOnly } : {}) } }],
  },
});

describe('api: PersistentVolumeClaims (memory runtime)', () => {
  let h: Harness;
  let runtime: MemoryRuntime;
  beforeEach(async () => {
    runtime = new MemoryRuntime(systemClock);
    h = await new Harness({ runtime, clock: systemClock }).start();
  });
  afterEach(async () => h.stop());

  const req = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    h.api.inject({
      method,
      url,
      ...(payload
        ? {
            payload,
            headers: {
              'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
            },
          }
        : {}),
    });
  const getClaim = async (name = 'data') =>
    (await req('GET', `${NS}/persistentvolumeclaims/${name}`)).json<PersistentVolumeClaim>();
  const running = (name: string) => h.pod(name)?.status.phase === 'Running';
  const mountOf = (podName: string) => {
    const uid = h.pod(podName)?.metadata.uid;
    const c = [...runtime.containers.values()].find(
      (x) => x.podUid === uid && x.name === 'app' && x.state === 'running',
    );
    return c?.spec?.mounts.find((m) => m.target === '/data');
  };

  it('refuses a claim without access modes or a storage request, in upstream words', async () => {
    const res = await req('POST', `${NS}/persistentvolumeclaims`, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'bad' },
      spec: { accessModes: [], resources: {} },
    });
    expect(res.statusCode).to.equal(422);
    const message = res.json<{ message: string }>().message;
    expect(message)
      .to.contain('PersistentVolumeClaim "bad" is invalid')
      .and.contain('spec.accessModes: Required value: at least 1 access mode is required')
      .and.contain('spec.resources[storage]: Required value');
    const mode = await req(
      'POST',
      `${NS}/persistentvolumeclaims`,
      claim('bad', { accessModes: ['Sometimes'] }),
    );
    expect(mode.json<{ message: string }>().message).to.contain(
      'spec.accessModes: Unsupported value: "Sometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    );
  });

  it('binds a claim at once to a directory of its own; kubectl get pvc prints it', async () => {
    expect((await req('POST', `${NS}/persistentvolumeclaims`, claim())).statusCode).to.equal(201);
    await h.waitFor(
      'bound',
      () => h.agent.persistentVolumeClaims.get('default', 'data')?.status.phase === 'Bound',
    );
    const c = await getClaim();
    const volume = `pvc-${c.metadata.uid}`;
    expect(c.spec.volumeName).to.equal(volume);
    expect(c.spec.volumeMode).to.equal('Filesystem');
    expect(c.status).to.deep.equal({
      phase: 'Bound',
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
    });
    expect(c.metadata['finalizers']).to.deep.equal(['kubernetes.io/pvc-protection']);
    expect(existsSync(join(h.dataDir, 'volumes', volume))).to.equal(true);
    const table = await h.api.inject({
      method: 'GET',
      url: `${NS}/persistentvolumeclaims`,
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    const t = table.json<{
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: unknown[] }[];
    }>();
    expect(t.columnDefinitions.filter((d) => d.priority === 0).map((d) => d.name)).to.deep.equal([
      'Name',
      'Status',
      'Volume',
      'Capacity',
      'Access Modes',
      'StorageClass',
      'VolumeAttributesClass',
      'Age',
    ]);
    expect(t.rows[0]!.cells.slice(0, 7)).to.deep.equal([
      'data',
      'Bound',
      volume,
      '1Gi',
      'RWO',
      '',
      '<unset>',
    ]);
    const shrink = await req('PATCH', `${NS}/persistentvolumeclaims/data`, {
      spec: { resources: { requests: { storage: '1Mi' } } },
    });
    expect(shrink.statusCode).to.equal(422);
    const fixed = await req('PATCH', `${NS}/persistentvolumeclaims/data`, {
      spec: { accessModes: ['ReadWriteMany'] },
    });
    expect(fixed.json<{ message: string }>().message).to.contain(
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    );
  });

  it('starts a pod waiting for its claim once the claim exists; the data outlives the pod', async () => {
    await h.createPod(podUsing('app', 'data'));
    await h.waitFor('FailedMount', () =>
      h.events
        .list()
        .find(
          (e) =>
            e.involvedObject.name === 'app' && e.reason === 'FailedMount' && e.message.includes('"data"'),
        ),
    );
    const waiting = h.events
      .list()
      .find((e) => e.involvedObject.name === 'app' && e.reason === 'FailedMount');
    expect(waiting?.message).to.equal(
      'MountVolume.SetUp failed for volume "data" : persistentvolumeclaim "data" not found',
    );
    expect(h.pod('app')?.status.phase).to.equal('Pending');
    await req('POST', `${NS}/persistentvolumeclaims`, claim());
    await h.waitFor('the pod running', () => running('app'));
    const volume = `pvc-${h.agent.persistentVolumeClaims.get('default', 'data')!.metadata.uid}`;
    const dir = join(h.dataDir, 'volumes', volume);
    expect(mountOf('app')).to.deep.equal({ source: dir, target: '/data', readOnly: false });
    writeFileSync(join(dir, 'kept'), 'hello');
    await req('DELETE', `${NS}/pods/app?gracePeriodSeconds=0`);
    await h.waitFor('the pod gone', () => !h.pod('app'));
    await h.createPod(podUsing('again', 'data', true));
    await h.waitFor('the new pod running', () => running('again'));
    expect(mountOf('again')).to.deep.equal({ source: dir, target: '/data', readOnly: true });
    expect(readFileSync(join(dir, 'kept'), 'utf8')).to.equal('hello');
  });

  it('holds a deleted claim while a pod uses it, then removes it and its directory', async () => {
    await req('POST', `${NS}/persistentvolumeclaims`, claim());
    await h.createPod(podUsing('app', 'data'));
    await h.waitFor('the pod running', () => running('app'));
    const volume = `pvc-${h.agent.persistentVolumeClaims.get('default', 'data')!.metadata.uid}`;
    const deleted = await req('DELETE', `${NS}/persistentvolumeclaims/data`);
    expect(deleted.statusCode).to.equal(200);
    const held = await getClaim();
    expect(held.metadata.deletionTimestamp).to.be.a('string');
    expect(held.metadata['finalizers']).to.deep.equal(['kubernetes.io/pvc-protection']);
    const table = await h.api.inject({
      method: 'GET',
      url: `${NS}/persistentvolumeclaims/data`,
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    expect(table.json<{ rows: { cells: unknown[] }[] }>().rows[0]!.cells[1]).to.equal('Terminating');
    await new Promise((r) => setTimeout(r, 100));
    expect(h.agent.persistentVolumeClaims.get('default', 'data')).to.not.equal(undefined);
    expect(existsSync(join(h.dataDir, 'volumes', volume))).to.equal(true);
    await req('DELETE', `${NS}/pods/app?gracePeriodSeconds=0`);
    await h.waitFor('the claim gone', () => !h.agent.persistentVolumeClaims.get('default', 'data'));
    expect(existsSync(join(h.dataDir, 'volumes', volume))).to.equal(false);
  });
});
