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

  it('defaults :latest to Always in auto and kubelet modes (and --pull-latest-always), IfNotPresent offline', async function () {
    this.timeout(20_000); // four agents started and stopped: ~2 s alone, past 5 s on a loaded 2-core machine
    for (const [flags, expected] of [
      [['--image-pull-default', 'offline'], 'IfNotPresent'],
      [['--image-pull-default', 'auto'], 'Always'],
      [['--image-pull-default', 'kubelet'], 'Always'],
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

  describe('--image-pull-default=auto with the registry unreachable', () => {
    const refused = 'dial tcp 10.9.9.9:443: connect: connection refused';
    const run = async (o: { probe?: string; engine?: string; image?: string; flags?: readonly string[] }) => {
      const rt = new MemoryRuntime(systemClock);
      rt.pullError = () => o.engine;
      const probed: string[] = [];
      const h = await new Harness({
        runtime: rt,
        backoffInitialMs: 20,
        flags: [...(o.flags ?? ['--image-pull-default', 'auto'])],
        registryProbe: (host) => {
          probed.push(host);
          return Promise.resolve(o.probe);
        },
      }).start();
      await h.createPod({
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: o.image ?? 'busybox' }] },
      });
      return { h, probed };
    };
    const running = (h: Harness) => h.pod('p')?.status.containerStatuses?.[0]?.state.running;
    const messages = (h: Harness) => h.events.list({}).map((e) => `${e.type} ${e.reason}: ${e.message}`);

    it('starts from the local image with a Warning naming the registry and why (probe refused)', async () => {
      const { h, probed } = await run({ probe: refused, engine: refused });
      try {
        await h.waitFor('running', () => running(h), 5_000);
        expect(probed).to.deep.equal(['docker.io']);
        expect(messages(h)).to.include.members([
          `Warning RegistryUnreachable: Registry docker.io could not be reached (${refused}); using image "busybox" already present on the machine instead of pulling it (imagePullPolicy Always, --image-pull-default=auto)`,
          'Normal Pulled: Container image "busybox" already present on machine',
        ]);
        expect(messages(h).some((m) => m.includes('Pulling'))).to.equal(false);
      } finally {
        await h.stop();
      }
    });

    it('falls back too when the probe got through but the engine could not reach the registry', async () => {
      const { h } = await run({ engine: 'dial tcp: lookup registry-1.docker.io: no such host' });
      try {
        await h.waitFor('running', () => running(h), 5_000);
        expect(messages(h).find((m) => m.includes('RegistryUnreachable'))).to.include('no such host');
      } finally {
        await h.stop();
      }
    });

    for (const [title, o] of [
      [
        'a registry that answers 401 is reachable: ErrImagePull',
        { engine: 'unauthorized: authentication required' },
      ],
      [
        'nothing local: the pull is tried and fails (ErrImagePull)',
        { probe: refused, engine: refused, image: 'x.io/none:latest' },
      ],
      [
        'kubelet mode never falls back',
        { probe: refused, engine: refused, flags: ['--image-pull-default', 'kubelet'] },
      ],
    ] as const) {
      it(title, async () => {
        const { h } = await run(o);
        try {
          const waiting = () => h.pod('p')?.status.containerStatuses?.[0]?.state.waiting?.reason;
          await h.waitFor('ErrImagePull', () => waiting() === 'ErrImagePull', 5_000);
          expect(messages(h).some((m) => m.includes('RegistryUnreachable'))).to.equal(false);
        } finally {
          await h.stop();
        }
      });
    }
  });
});
