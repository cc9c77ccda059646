// What only the real engine shows about init containers and hooks: data handed on through volumes, probes,
// hooks and the grace period. Init order, restart policies, back-off, a lost sandbox, sidecars and deletion
// order are shared scenarios (test/scenarios), run here by test/integration/scenarios.spec.ts.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nopLogger } from '../../agent/log';
import type { Pod } from '../../agent/model/pod';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { printPod } from '../../agent/status/print-pod';
import { Harness } from '../helpers/harness';

const sh = (script: string): string[] => ['sh', '-c', script];
const c = (name: string, command: string[], extra: object = {}): object => ({
  name,
  image: 'busybox',
  command,
  ...extra,
});
const TRUE = ['/bin/true'];
const FALSE = ['/bin/false'];
const SLEEP = ['sleep', '3600'];

describe('init containers, probes and hooks (real engine)', function () {
  this.timeout(90_000);
  let h: Harness;

  before(async () => {
    h = await new Harness({
      runtime: new DockerRuntime({ logger: nopLogger }),
      backoffInitialMs: 500,
    }).start();
  });
  after(async () => h.stop());

  const pod = (name: string): Pod => h.pod(name)!;
  const status = (name: string): string => printPod(pod(name), Date.now()).status;
  const create = (name: string, spec: object, labels?: Record<string, string>) =>
    h.createPod({ metadata: { name, ...(labels ? { labels } : {}) }, spec });

  describe("the seed's rules", () => {
    it('1: init containers hand data on through a volume, one after another, to the apps', async () => {
      await create('r1', {
        volumes: [{ name: 'w', emptyDir: {} }],
        initContainers: [
          c('a', sh('sleep 0.3; echo a > /w/a'), { volumeMounts: [{ name: 'w', mountPath: '/w' }] }),
          c('b', sh('cat /w/a > /w/b; echo b >> /w/b'), { volumeMounts: [{ name: 'w', mountPath: '/w' }] }),
        ],
        containers: [
          c('x', sh('cat /w/a /w/b; sleep 3600'), { volumeMounts: [{ name: 'w', mountPath: '/w' }] }),
          c('y', SLEEP),
        ],
      });
      await h.waitFor(
        'Running',
        () =>
          pod('r1').status.phase === 'Running' &&
          pod('r1').status.containerStatuses?.every((s) => s.state.running),
      );
      // b saw what a wrote; x saw both
      expect((await h.api.inject({ url: '/pods/r1/log?container=x' })).body).to.equal('a\na\nb\n');
    });

    it('6: an init container with a readinessProbe is refused (422)', async () => {
      const res = await h.api.inject({
        method: 'POST',
        url: '/pods',
        payload: {
          metadata: { name: 'r6' },
          spec: {
            initContainers: [c('i', TRUE, { readinessProbe: { exec: { command: TRUE } } })],
            containers: [c('x', SLEEP)],
          },
        },
      });
      expect(res.statusCode).to.equal(422);
      expect(res.json<{ message: string }>().message).to.equal(
        'Pod "r6" is invalid: spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
      );
    });

    it('7: a name shared by an init and an app container is refused (422)', async () => {
      const res = await h.api.inject({
        method: 'POST',
        url: '/pods',
        payload: {
          metadata: { name: 'r7' },
          spec: { initContainers: [c('same', TRUE)], containers: [c('same', SLEEP)] },
        },
      });
      expect(res.statusCode).to.equal(422);
      expect(
        res.json<{ details: { causes: { field: string; message: string }[] } }>().details.causes,
      ).to.deep.equal([
        {
          reason: 'FieldValueDuplicate',
          message: 'Duplicate value: "same"',
          field: 'spec.containers[0].name',
        },
      ]);
    });
  });

  it('hands data from an init container to the app through an emptyDir', async () => {
    await create('handoff', {
      volumes: [{ name: 'shared', emptyDir: { medium: 'Memory' } }],
      initContainers: [
        c('writer', sh('echo written-by-init > /shared/msg'), {
          volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
        }),
      ],
      containers: [
        c('reader', sh('cat /shared/msg; sleep 3600'), {
          volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
        }),
      ],
    });
    await h.waitFor('Running', () => pod('handoff').status.phase === 'Running');
    const log = async (): Promise<string> =>
      (await h.api.inject({ url: '/pods/handoff/log?container=reader' })).body;
    for (let i = 0; i < 40 && (await log()) === ''; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await log()).to.equal('written-by-init\n');
  });

  it('runs probes and hooks: readiness gates Ready, liveness restarts, postStart and preStop run', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'mk-hooks-'));
    try {
      await create('probes', {
        terminationGracePeriodSeconds: 5,
        volumes: [{ name: 'host', hostPath: { path: hostDir, type: 'Directory' } }],
        containers: [
          c('web', sh('sleep 1; touch /tmp/ready; sleep 3600'), {
            readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
            lifecycle: {
              postStart: { exec: { command: sh('echo post > /host/poststart') } },
              preStop: { exec: { command: sh('echo pre > /host/prestop') } },
            },
            volumeMounts: [{ name: 'host', mountPath: '/host' }],
          }),
          c('flaky', SLEEP, {
            livenessProbe: { exec: { command: FALSE }, periodSeconds: 1, failureThreshold: 2 },
          }),
        ],
      });
      await h.waitFor(
        'web ready',
        () => pod('probes').status.containerStatuses?.find((s) => s.name === 'web')?.ready,
        20_000,
      );
      expect(readFileSync(join(hostDir, 'poststart'), 'utf8')).to.equal('post\n');
      await h.waitFor(
        'flaky restarted by liveness',
        () =>
          (pod('probes').status.containerStatuses?.find((s) => s.name === 'flaky')?.restartCount ?? 0) >= 1,
        20_000,
      );
      const reasons = h.events
        .list({ uid: pod('probes').metadata.uid })
        .map((e) => `${e.reason}:${e.message.split(':')[0]}`);
      expect(reasons).to.include('Unhealthy:Liveness probe failed');
      expect(reasons).to.include('Killing:Container flaky failed liveness probe');
      await h.api.inject({ method: 'DELETE', url: '/pods/probes' });
      expect(status('probes')).to.equal('Terminating');
      await h.waitFor('gone', () => !h.pod('probes'), 30_000);
      expect(readFileSync(join(hostDir, 'prestop'), 'utf8')).to.equal('pre\n');
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it('honours the grace period on delete: SIGTERM ignored, SIGKILL after it, Terminating meanwhile', async () => {
    await create('stubborn', {
      terminationGracePeriodSeconds: 3,
      containers: [c('x', sh("trap '' TERM; while :; do sleep 1; done"))],
    });
    await h.waitFor('Running', () => pod('stubborn').status.phase === 'Running');
    const t0 = Date.now();
    await h.api.inject({ method: 'DELETE', url: '/pods/stubborn' });
    const table = (await h.api.inject({ url: '/pods', headers: { accept: 'text/plain' } })).body;
    expect(table).to.match(/stubborn\s+\d\/1\s+Terminating/);
    await h.waitFor('gone', () => !h.pod('stubborn'), 20_000);
    expect(Date.now() - t0).to.be.within(2_500, 10_000);
  });
});
