import { expect } from 'chai';
import { systemClock } from '../../../../agent/clock';
import { credentialsFor, registryHost } from '../../../../agent/config/pull-credentials';
import type { Secret } from '../../../../agent/model/config-objects';
import { isLatest } from '../../../../agent/model/pod-defaults';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { goDuration } from '../../../../agent/sync/go-duration';
import { Harness } from '../../../helpers/harness';

const secret = (type: string, key: string, value: object): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'default', uid: '', creationTimestamp: '', resourceVersion: '' },
  type,
  data: { [key]: Buffer.from(JSON.stringify(value)).toString('base64') },
});

describe('agent/config/pull-credentials', () => {
  it('finds the registry host of an image as the engine does', () => {
    expect(registryHost('busybox')).to.equal('docker.io');
    expect(registryHost('library/busybox:1')).to.equal('docker.io');
    expect(registryHost('127.0.0.1:5000/a/b:v1')).to.equal('127.0.0.1:5000');
    expect(registryHost('localhost/a')).to.equal('localhost');
    expect(registryHost('ghcr.io/o/i@sha256:00')).to.equal('ghcr.io');
  });

  it('takes username/password or auth, from dockerconfigjson and legacy dockercfg, for the image host only', () => {
    const json = secret('kubernetes.io/dockerconfigjson', '.dockerconfigjson', {
      auths: { 'https://reg.example:5000/v2/': { auth: Buffer.from('u:p:w').toString('base64') } },
    });
    expect(credentialsFor('reg.example:5000/x', [json])).to.deep.equal({
      username: 'u',
      password: 'p:w',
      serveraddress: 'https://reg.example:5000/v2/',
    });
    expect(credentialsFor('other.example/x', [json])).to.equal(undefined);
    const cfg = secret('kubernetes.io/dockercfg', '.dockercfg', {
      'https://index.docker.io/v1/': { username: 'hub', password: 'pw' },
    });
    expect(credentialsFor('busybox', [json, cfg])?.username).to.equal('hub');
    const opaque = secret('Opaque', '.dockerconfigjson', { auths: { 'docker.io': { username: 'x' } } });
    expect(credentialsFor('busybox', [opaque])).to.equal(undefined);
  });

  it('tells :latest and untagged images from tagged and digested ones (--pull-latest-always)', () => {
    expect(['busybox', 'busybox:latest', 'reg:5000/a/b', 'reg:5000/a/b:latest'].map(isLatest)).to.deep.equal([
      true,
      true,
      true,
      true,
    ]);
    expect(['busybox:1.36', 'reg:5000/a/b:v1', 'busybox@sha256:00'].map(isLatest)).to.deep.equal([
      false,
      false,
      false,
    ]);
  });

  it('prints durations as Go does', () => {
    expect([0, 512, 1234, 2000, 62_500, 3_723_000].map(goDuration)).to.deep.equal([
      '0s',
      '512ms',
      '1.234s',
      '2s',
      '1m2.5s',
      '1h2m3s',
    ]);
  });
});

describe('imagePullPolicy defaults and Always (memory runtime)', () => {
  const image = (h: Harness, name: string) => h.pod(name)?.spec.containers[0]?.imagePullPolicy;

  it('keeps IfNotPresent for :latest by default; --pull-latest-always defaults it to Always, as upstream', async () => {
    for (const [flags, expected] of [
      [[], 'IfNotPresent'],
      [['--pull-latest-always'], 'Always'],
    ] as const) {
      const h = await new Harness({ runtime: new MemoryRuntime(systemClock), flags: [...flags] }).start();
      try {
        await h.createPod({
          metadata: { name: 'p' },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        });
        await h.createPod({
          metadata: { name: 't' },
          spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
        });
        expect(image(h, 'p'), flags.join()).to.equal(expected);
        expect(image(h, 't'), flags.join()).to.equal('IfNotPresent');
      } finally {
        await h.stop();
      }
    }
  });

  it('pulls on every container start with Always: a Pulling and a Successfully pulled event each time', async () => {
    const rt = new MemoryRuntime(systemClock);
    rt.behaviour = () => ({ exitCode: 1 });
    const h = await new Harness({ runtime: rt, backoffInitialMs: 20 }).start();
    try {
      await h.createPod({
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'Always' }] },
      });
      const pulling = () => h.events.list({}).find((e) => e.reason === 'Pulling')?.count ?? 0;
      await h.waitFor('three pulls', () => pulling() >= 3, 5_000);
      const pulled = h.events.list({}).find((e) => e.reason === 'Pulled');
      expect(pulled?.message).to.match(
        /^Successfully pulled image "busybox" in \d+m?s \(\d+m?s including waiting\)\. Image size: 4321000 bytes\.$/,
      );
    } finally {
      await h.stop();
    }
  });
});
