// The kubelet's init-container e2e tests, the restart-policy table and the seed's rules, on the real engine.
import { expect } from 'chai';
import Docker from 'dockerode';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nopLogger } from '../../agent/log';
import type { ContainerStatus, Pod } from '../../agent/model/pod';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { printPod } from '../../agent/status/print-pod';
import { Harness } from '../helpers/harness';

const docker = new Docker();
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

describe('init containers and restart policies (real engine)', function () {
  this.timeout(90_000);
  let h: Harness;
  const seen = new Map<string, Pod[]>();

  before(async () => {
    h = await new Harness({
      runtime: new DockerRuntime({ logger: nopLogger }),
      backoffInitialMs: 500,
    }).start();
    // Every status the API publishes, per pod, for the invariants of the e2e helper.
    h.pods.onChange(({ type, object }) => {
      if (type !== 'DELETED')
        seen.set(object.metadata.name, [...(seen.get(object.metadata.name) ?? []), structuredClone(object)]);
    });
  });
  after(async () => h.stop());

  const pod = (name: string): Pod => h.pod(name)!;
  const status = (name: string): string => printPod(pod(name), Date.now()).status;
  const init = (name: string, i: number): ContainerStatus | undefined =>
    pod(name).status.initContainerStatuses?.[i];
  const condition = (name: string, type: string) => pod(name).status.conditions?.find((x) => x.type === type);
  const create = (name: string, spec: object, labels?: Record<string, string>) =>
    h.createPod({ metadata: { name, ...(labels ? { labels } : {}) }, spec });

  /** The invariants test/e2e/common/node/init_container.go checks on every observed update. */
  function checkInvariants(name: string): void {
    let wasInitialized = false;
    for (const p of seen.get(name) ?? []) {
      const init = p.status.conditions?.find((x) => x.type === 'Initialized');
      if (!init) continue;
      expect(init.status, 'Initialized is never Unknown').to.not.equal('Unknown');
      expect(init.lastTransitionTime, 'lastTransitionTime set').to.be.a('string').and.not.equal('');
      if (wasInitialized)
        expect(init.status, `${name}: Initialized never goes back to False`).to.equal('True');
      wasInitialized ||= init.status === 'True';
      if (init.status !== 'True') {
        for (const s of p.status.containerStatuses ?? []) {
          expect(s.state.waiting?.reason, `${name}: app waits while initializing`).to.equal(
            'PodInitializing',
          );
          expect(s.restartCount).to.equal(0);
        }
      }
      for (const s of p.status.initContainerStatuses ?? []) {
        if (s.state.terminated?.exitCode === 0)
          expect(s.ready, `${name}: a completed init container is ready`).to.equal(true);
      }
    }
  }

  it('e2e 1: Never, two init containers succeed, the app completes: Succeeded', async () => {
    await create('ic-1', {
      restartPolicy: 'Never',
      initContainers: [c('init1', TRUE), c('init2', TRUE)],
      containers: [c('run1', TRUE)],
    });
    await h.waitFor('Succeeded', () => pod('ic-1').status.phase === 'Succeeded');
    expect(condition('ic-1', 'Initialized')?.status).to.equal('True');
    for (const i of [0, 1])
      expect(init('ic-1', i))
        .to.deep.include({ ready: true })
        .and.nested.include({ 'state.terminated.exitCode': 0 });
    expect(status('ic-1')).to.equal('Completed');
    checkInvariants('ic-1');
  });

  it('e2e 2: Always, two init containers succeed, the app runs: Running', async () => {
    await create('ic-2', {
      initContainers: [c('init1', TRUE), c('init2', TRUE)],
      containers: [c('run1', SLEEP, { resources: { limits: { cpu: '100m' } } })],
    });
    await h.waitFor('Running', () => pod('ic-2').status.phase === 'Running');
    expect(condition('ic-2', 'Initialized')?.status).to.equal('True');
    expect(init('ic-2', 0)?.state.terminated?.reason).to.equal('Completed');
    const app = await docker
      .getContainer(pod('ic-2').status.containerStatuses![0]!.containerID!.slice(9))
      .inspect();
    expect(app.HostConfig.NanoCpus).to.equal(100_000_000);
    checkInvariants('ic-2');
  });

  it('e2e 3: Always, the first init container fails: retried with back-off, apps never start, Pending', async () => {
    await create('ic-3', {
      initContainers: [c('init1', FALSE), c('init2', TRUE)],
      containers: [c('run1', SLEEP)],
    });
    await h.waitFor('init1 restarted 3 times', () => (init('ic-3', 0)?.restartCount ?? 0) >= 3, 30_000);
    const p = pod('ic-3');
    expect(p.status.phase).to.equal('Pending');
    expect(condition('ic-3', 'Initialized')).to.include({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [init1 init2]',
    });
    expect(init('ic-3', 1)?.state.waiting?.reason).to.equal('PodInitializing');
    expect(p.status.containerStatuses?.[0]?.state.waiting?.reason).to.equal('PodInitializing');
    expect(status('ic-3')).to.match(/^Init:(CrashLoopBackOff|Error|0\/2)$/);
    for (const s of seen.get('ic-3') ?? [])
      expect(s.status.initContainerStatuses?.[0]?.state.terminated?.exitCode).to.not.equal(0);
    checkInvariants('ic-3');
    const events = h.events.list({ uid: p.metadata.uid }).map((e) => e.reason);
    expect(events).to.include('BackOff');
  });

  it('e2e 4: Never, the second init container fails: Failed, the app never starts', async () => {
    await create('ic-4', {
      restartPolicy: 'Never',
      initContainers: [c('init1', TRUE), c('init2', FALSE)],
      containers: [c('run1', TRUE)],
    });
    await h.waitFor('Failed', () => pod('ic-4').status.phase === 'Failed');
    expect(condition('ic-4', 'Initialized')).to.include({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [init2]',
    });
    expect(init('ic-4', 0)?.state.terminated?.exitCode).to.equal(0);
    expect(pod('ic-4').status.containerStatuses?.[0]?.state.waiting).to.not.equal(undefined);
    expect(status('ic-4')).to.equal('Init:Error');
    checkInvariants('ic-4');
  });

  describe('the restart-policy table (fails on run 1, exits 0 on run 2, then runs)', () => {
    const script =
      'n=$(cat /d/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /d/n; [ $n = 1 ] && exit 1; [ $n = 2 ] && exit 0; sleep 3600';
    const spec = (restartPolicy: string): object => ({
      restartPolicy,
      volumes: [{ name: 'd', emptyDir: {} }],
      containers: [c('main', sh(script), { volumeMounts: [{ name: 'd', mountPath: '/d' }] })],
    });
    const cases: [string, string, number, string, boolean][] = [
      ['Always', 'Running', 2, 'running', true],
      ['OnFailure', 'Succeeded', 1, 'terminated', false],
      ['Never', 'Failed', 0, 'terminated', false],
    ];
    for (const [policy, phase, restarts, state, ready] of cases) {
      it(`${policy}: ${phase}, restartCount ${restarts}, ${state}`, async () => {
        const name = `rt-${policy.toLowerCase()}`;
        await create(name, spec(policy));
        await h.waitFor(
          `${phase} with ${restarts} restarts`,
          () => {
            const s = pod(name).status.containerStatuses?.[0];
            return (
              pod(name).status.phase === phase &&
              s?.restartCount === restarts &&
              s.state[state as 'running'] !== undefined
            );
          },
          30_000,
        );
        expect(pod(name).status.containerStatuses?.[0]?.ready).to.equal(ready);
      });
    }
  });

  describe("the seed's rules", () => {
    it('1: network and volumes first, init containers one after another, then the apps together', async () => {
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
      const [a, b] = [init('r1', 0)!, init('r1', 1)!];
      expect(Date.parse(b.state.terminated!.startedAt!)).to.be.at.least(
        Date.parse(a.state.terminated!.finishedAt!),
      );
      for (const s of pod('r1').status.containerStatuses ?? []) {
        expect(Date.parse(s.state.running!.startedAt)).to.be.at.least(
          Date.parse(b.state.terminated!.finishedAt!),
        );
      }
      // b saw what a wrote; x saw both
      expect((await h.api.inject({ url: '/pods/r1/log?container=x' })).body).to.equal('a\na\nb\n');
    });

    it('2: a failing init container follows the pod restartPolicy (covered with Always, OnFailure, Never in e2e 3 and 4)', async () => {
      await create('r2', {
        restartPolicy: 'OnFailure',
        initContainers: [c('i', FALSE)],
        containers: [c('x', SLEEP)],
      });
      await h.waitFor('restarted', () => (init('r2', 0)?.restartCount ?? 0) >= 1);
      expect(pod('r2').status.phase).to.equal('Pending');
    });

    it('3: not Ready and not an endpoint of a Service until every init container succeeded', async () => {
      const svc = await h.api.inject({
        method: 'POST',
        url: '/services',
        payload: {
          kind: 'Service',
          metadata: { name: 'r3' },
          spec: { selector: { app: 'r3' }, ports: [{ port: 80, targetPort: 8080 }] },
        },
      });
      expect(svc.statusCode).to.equal(201);
      await create(
        'r3',
        {
          initContainers: [c('wait', sh('sleep 2'))],
          containers: [c('x', SLEEP, { ports: [{ containerPort: 8080 }] })],
        },
        { app: 'r3' },
      );
      await h.waitFor('init running', () => init('r3', 0)?.state.running);
      expect(condition('r3', 'Ready')?.status).to.equal('False');
      expect(pod('r3').status.phase).to.equal('Pending');
      const during = (await h.api.inject({ url: '/endpoints/r3' })).json<{
        subsets?: { addresses?: unknown[] }[];
      }>();
      expect(during.subsets?.[0]?.addresses ?? []).to.have.length(0);
      await h.waitFor('Ready', () => condition('r3', 'Ready')?.status === 'True');
      await new Promise((r) => setImmediate(r));
      const after = (await h.api.inject({ url: '/endpoints/r3' })).json<{
        subsets?: { addresses?: { ip: string }[] }[];
      }>();
      expect(after.subsets?.[0]?.addresses?.map((a) => a.ip)).to.deep.equal([pod('r3').status.podIP]);
    });

    it('4: when the pod restarts (sandbox killed by hand) every init container runs again', async () => {
      await create('r4', {
        terminationGracePeriodSeconds: 2,
        initContainers: [c('i1', TRUE), c('i2', TRUE)],
        containers: [c('x', SLEEP)],
      });
      await h.waitFor('Running', () => pod('r4').status.phase === 'Running');
      const uid = pod('r4').metadata.uid;
      await docker.getContainer(`k8s_POD_r4_default_${uid}_0`).kill();
      await h.waitFor('new sandbox and both inits re-run', () => {
        const p = pod('r4');
        return (
          p.status.phase === 'Running' &&
          init('r4', 1)?.restartCount === 1 &&
          init('r4', 0)?.restartCount === 1 &&
          p.status.containerStatuses?.[0]?.restartCount === 1
        );
      });
      const names = (
        await docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${uid}`] } })
      ).map((x) => x.Names[0]);
      expect(names).to.include(`/k8s_POD_r4_default_${uid}_1`);
      expect(h.events.list({ uid }).map((e) => e.reason)).to.include('SandboxChanged');
    });

    it("5: changing an init container's image restarts the pod: every init container runs again", async () => {
      await docker.getImage('busybox:latest').tag({ repo: 'busybox', tag: 'rule5' });
      await create('r5', {
        terminationGracePeriodSeconds: 2,
        initContainers: [c('i1', TRUE), c('i2', TRUE)],
        containers: [c('x', SLEEP)],
      });
      await h.waitFor('Running', () => pod('r5').status.phase === 'Running');
      const res = await h.api.inject({
        method: 'PATCH',
        url: '/pods/r5',
        headers: { 'content-type': 'application/strategic-merge-patch+json' },
        payload: { spec: { initContainers: [{ name: 'i1', image: 'busybox:rule5' }] } },
      });
      expect(res.statusCode, res.body).to.equal(200);
      await h.waitFor('pod restarted with the new init image', () => {
        const [i1, i2] = [init('r5', 0), init('r5', 1)];
        return (
          pod('r5').status.phase === 'Running' &&
          i1?.restartCount === 1 &&
          i1.image === 'busybox:rule5' &&
          i2?.restartCount === 1
        );
      });
      const uid = pod('r5').metadata.uid;
      const names = (
        await docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${uid}`] } })
      ).map((x) => x.Names[0]);
      expect(names).to.include(`/k8s_POD_r5_default_${uid}_1`);
      expect(h.events.list({ uid }).map((e) => e.reason)).to.include('SandboxChanged');
      await docker
        .getImage('busybox:rule5')
        .remove()
        .catch(() => undefined);
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

  it('runs sidecars (restartable init containers): started in order, beside the app, counted in READY', async () => {
    await create('side', {
      initContainers: [c('log-shipper', SLEEP, { restartPolicy: 'Always' }), c('setup', TRUE)],
      containers: [c('app', SLEEP)],
    });
    await h.waitFor(
      'Running 2/2',
      () => printPod(pod('side'), Date.now()).ready === '2/2' && pod('side').status.phase === 'Running',
    );
    expect(init('side', 0)?.state.running).to.not.equal(undefined);
    expect(init('side', 1)?.state.terminated?.exitCode).to.equal(0);
    expect(Date.parse(init('side', 1)!.state.terminated!.startedAt!)).to.be.at.least(
      Date.parse(init('side', 0)!.state.running!.startedAt),
    );
  });

  it('stops sidecars after the app containers, in reverse order, when the pod is deleted', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'mk-order-'));
    const note = (who: string): string[] =>
      sh(`trap 'echo ${who} >> /h/order; exit 0' TERM; while :; do sleep 0.1; done`);
    const mount = { volumeMounts: [{ name: 'h', mountPath: '/h' }] };
    try {
      await create('order', {
        terminationGracePeriodSeconds: 10,
        volumes: [{ name: 'h', hostPath: { path: hostDir, type: 'Directory' } }],
        initContainers: [
          c('sc1', note('sc1'), { restartPolicy: 'Always', ...mount }),
          c('sc2', note('sc2'), { restartPolicy: 'Always', ...mount }),
        ],
        containers: [c('app', note('app'), mount)],
      });
      await h.waitFor('Running 3/3', () => printPod(pod('order'), Date.now()).ready === '3/3');
      await h.api.inject({ method: 'DELETE', url: '/pods/order' });
      await h.waitFor('gone', () => !h.pod('order'), 30_000);
      expect(readFileSync(join(hostDir, 'order'), 'utf8')).to.equal('app\nsc2\nsc1\n');
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });
});
