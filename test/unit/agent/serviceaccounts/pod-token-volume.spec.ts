// ServiceAccount tokens end to end on the in-process agent (memory runtime, manual clock, the test issuer):
// admission adds the kube-api-access volume, kube-root-ca.crt is published, the kubelet writes token, ca.crt
// and namespace into the pod's projected volume and asks for a new token at 80 % of its lifetime.
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import type { ConfigMap } from '../../../../agent/model/config-objects';
import type { Pod } from '../../../../agent/model/pod';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { TEST_ROOT_CA, TestTokenIssuer } from '../../../helpers/test-token-issuer';
import { Harness } from '../../../helpers/harness';

const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('ServiceAccount tokens in pods (memory runtime)', () => {
  let clock: ManualClock;
  let issuer: TestTokenIssuer;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    issuer = new TestTokenIssuer(clock);
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock, tokenIssuer: issuer }).start();
  });
  afterEach(async () => h.stop());

  const running = (name: string): Promise<Pod> =>
    h.waitFor(`${name} running`, () => (h.pod(name)?.status.phase === 'Running' ? h.pod(name) : undefined));
  const tokenVolume = (pod: Pod) => pod.spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
  const volumeDir = (pod: Pod): string =>
    join(
      h.dataDir,
      'pods',
      pod.metadata.uid,
      'volumes',
      'kubernetes.io~projected',
      tokenVolume(pod)?.name ?? '?',
    );
  const read = (pod: Pod, file: string): string => readFileSync(join(volumeDir(pod), file), 'utf8');

  it('kube-root-ca.crt is in every namespace, new ones too, and comes back when deleted or edited', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public'])
      expect(h.agent.configMaps.get(ns, 'kube-root-ca.crt')?.data).to.deep.equal({ 'ca.crt': TEST_ROOT_CA });
    await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces',
      payload: { metadata: { name: 'team' } },
    });
    expect(h.agent.configMaps.get('team', 'kube-root-ca.crt')?.data?.['ca.crt']).to.equal(TEST_ROOT_CA);
    const del = await h.api.inject({
      method: 'DELETE',
      url: '/api/v1/namespaces/team/configmaps/kube-root-ca.crt',
    });
    expect(del.statusCode).to.equal(200);
    expect(h.agent.configMaps.get('team', 'kube-root-ca.crt')?.data?.['ca.crt']).to.equal(TEST_ROOT_CA);
    const patch = await h.api.inject({
      method: 'PATCH',
      url: '/api/v1/namespaces/team/configmaps/kube-root-ca.crt',
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: { data: { 'ca.crt': 'mine' }, metadata: { labels: { kept: 'yes' } } },
    });
    expect(patch.statusCode).to.equal(200);
    const cm = h.agent.configMaps.get('team', 'kube-root-ca.crt') as ConfigMap;
    expect(cm.data).to.deep.equal({ 'ca.crt': TEST_ROOT_CA });
    expect(cm.metadata.labels).to.deep.equal({ kept: 'yes' });
  });

  it('a new pod gets the kube-api-access volume and its files: token, ca.crt, namespace', async () => {
    await h.createPod({ metadata: { name: 'app' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const pod = await running('app');
    const volume = tokenVolume(pod);
    expect(volume?.name).to.match(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.spec.containers[0]?.volumeMounts).to.deep.equal([
      { name: volume?.name, readOnly: true, mountPath: MOUNT },
    ]);
    expect(read(pod, 'token')).to.equal('test-token.default.default.app.1');
    expect(read(pod, 'ca.crt')).to.equal(TEST_ROOT_CA);
    expect(read(pod, 'namespace')).to.equal('default');
    expect(readlinkSync(join(volumeDir(pod), 'token'))).to.equal('..data/token'); // the atomic writer's layout
    expect(issuer.issued).to.deep.equal([
      {
        namespace: 'default',
        serviceAccountName: 'default',
        serviceAccountUid: h.agent.serviceAccounts.get('default', 'default')?.metadata.uid,
        audiences: [],
        expirationSeconds: 3607,
        boundObject: { kind: 'Pod', name: 'app', uid: pod.metadata.uid },
      },
    ]);
  });

  it('the token is written again once 80 % of its lifetime has passed (the next sync round)', async () => {
    await h.createPod({ metadata: { name: 'app' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const pod = await running('app');
    expect(read(pod, 'token')).to.equal('test-token.default.default.app.1');
    clock.advance(0.5 * 3607_000); // resync rounds run, the token is kept
    await new Promise((r) => setTimeout(r, 100));
    expect(read(pod, 'token')).to.equal('test-token.default.default.app.1');
    clock.advance(0.31 * 3607_000);
    await h.waitFor('a new token', () => read(pod, 'token') === 'test-token.default.default.app.2');
    expect(issuer.issued).to.have.length(2);
  });

  it('a projected serviceAccountToken source of the pod’s own: its audience and path', async () => {
    await h.createPod({
      metadata: { name: 'vault' },
      spec: {
        automountServiceAccountToken: false,
        volumes: [
          {
            name: 'aud',
            projected: { sources: [{ serviceAccountToken: { path: 'vault-token', audience: 'vault' } }] },
          },
        ],
        containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'aud', mountPath: '/aud' }] }],
      },
    });
    const pod = await running('vault');
    expect(pod.spec.volumes?.map((v) => v.name)).to.deep.equal(['aud']); // automount off: no kube-api-access
    expect(pod.spec.volumes?.[0]?.projected?.sources?.[0]?.serviceAccountToken?.expirationSeconds).to.equal(
      3600,
    );
    const dir = join(h.dataDir, 'pods', pod.metadata.uid, 'volumes', 'kubernetes.io~projected', 'aud');
    expect(readFileSync(join(dir, 'vault-token'), 'utf8')).to.equal('test-token.default.default.vault.1');
    expect(issuer.issued[0]?.audiences).to.deep.equal(['vault']);
  });

  it('a ServiceAccount saying automountServiceAccountToken false: no volume', async () => {
    await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/serviceaccounts',
      payload: { metadata: { name: 'quiet' }, automountServiceAccountToken: false },
    });
    await h.createPod({
      metadata: { name: 'q' },
      spec: { serviceAccountName: 'quiet', containers: [{ name: 'c', image: 'busybox' }] },
    });
    const pod = await running('q');
    expect(pod.spec.volumes).to.equal(undefined);
    expect(issuer.issued).to.deep.equal([]);
  });
});

describe('ServiceAccount tokens without an issuer (memory runtime)', () => {
  it('no kube-api-access volume; a serviceAccountToken source fails to mount (FailedMount)', async () => {
    const h = await new Harness({
      runtime: new MemoryRuntime(new ManualClock()),
      tokenIssuer: false,
    }).start();
    try {
      const plain = await h.createPod({
        metadata: { name: 'plain' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      });
      expect(plain.spec.volumes).to.equal(undefined);
      const pod = await h.createPod({
        metadata: { name: 'asks' },
        spec: {
          volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
          containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 't', mountPath: '/t' }] }],
        },
      });
      const ev = await h.waitFor('FailedMount', () =>
        h.events.list({ uid: pod.metadata.uid }).find((e) => e.reason === 'FailedMount'),
      );
      expect(ev.message).to.equal(
        'MountVolume.SetUp failed for volume "t" : no ServiceAccount token issuer on this node',
      );
    } finally {
      await h.stop();
    }
  });
});
