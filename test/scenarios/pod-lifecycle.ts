// The pod lifecycle, written once and run on every runtime (test/unit/scenarios: memory; test/integration/
// scenarios: Docker): init order, each restartPolicy on init and app failure, crash-loop back-off, Never ->
// Failed, a lost sandbox, an init image change, readiness while initializing, sidecars, deletion order.
// New pod features add their scenarios here (CONTRIBUTING.md).
import { expect } from 'chai';
import { printPod } from '../../agent/status/print-pod';
import { container as c } from './helpers';
import { fail, failThenSucceedThenRun, runUntilTerm, sleepForever, sleepThenExit, succeed } from './programs';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

export function podLifecycleScenarios(world: WorldFactory): void {
  scenarioGroup(world, 'pod lifecycle scenarios', (s, scenario) => {
    scenario('init containers run one at a time, in spec order, then the apps together', async () => {
      await s.create('init-order', {
        initContainers: [c('init1', sleepThenExit(1)), c('init2', succeed)],
        containers: [c('app1', sleepForever), c('app2', sleepForever)],
      });
      await s.waitFor(
        'Running',
        () =>
          s.pod('init-order').status.phase === 'Running' &&
          s.pod('init-order').status.containerStatuses?.every((x) => x.state.running),
      );
      expect(s.calls('init-order', 'create')).to.deep.equal([
        'create POD',
        'create init1',
        'create init2',
        'create app1',
        'create app2',
      ]);
      // While init1 ran, nothing else did.
      const whileInit1 = s.world
        .seen('init-order')
        .filter((p) => p.status.initContainerStatuses?.[0]?.state.running);
      expect(whileInit1).to.not.have.length(0);
      for (const p of whileInit1) {
        expect(p.status.initContainerStatuses?.[1]?.state.waiting?.reason).to.equal('PodInitializing');
        for (const x of p.status.containerStatuses ?? [])
          expect(x.state.waiting?.reason).to.equal('PodInitializing');
      }
      const [a, b] = [s.init('init-order', 0)!, s.init('init-order', 1)!];
      expect(Date.parse(b.state.terminated!.startedAt!)).to.be.at.least(
        Date.parse(a.state.terminated!.finishedAt!),
      );
      for (const x of s.pod('init-order').status.containerStatuses ?? [])
        expect(Date.parse(x.state.running!.startedAt)).to.be.at.least(
          Date.parse(b.state.terminated!.finishedAt!),
        );
      expect(s.condition('init-order', 'Initialized')?.status).to.equal('True');
      s.checkInvariants('init-order');
    });

    scenario('Never, init containers and the app succeed: Succeeded, Completed (e2e 1)', async () => {
      await s.create('ic-1', {
        restartPolicy: 'Never',
        initContainers: [c('init1', succeed), c('init2', succeed)],
        containers: [c('run1', succeed)],
      });
      await s.waitFor('Succeeded', () => s.pod('ic-1').status.phase === 'Succeeded');
      expect(s.condition('ic-1', 'Initialized')?.status).to.equal('True');
      for (const i of [0, 1])
        expect(s.init('ic-1', i))
          .to.deep.include({ ready: true })
          .and.nested.include({ 'state.terminated.exitCode': 0 });
      expect(s.status('ic-1')).to.equal('Completed');
      s.checkInvariants('ic-1');
    });

    scenario('Always, init containers succeed, the app runs: Running (e2e 2)', async () => {
      await s.create('ic-2', {
        initContainers: [c('init1', succeed), c('init2', succeed)],
        containers: [c('run1', sleepForever)],
      });
      await s.waitFor('Running', () => s.pod('ic-2').status.phase === 'Running');
      expect(s.condition('ic-2', 'Initialized')?.status).to.equal('True');
      expect(s.init('ic-2', 0)?.state.terminated?.reason).to.equal('Completed');
      s.checkInvariants('ic-2');
    });

    scenario(
      'Always, the first init container fails: crash-loop back-off, apps never start, Pending (e2e 3)',
      async () => {
        await s.create('ic-3', {
          initContainers: [c('init1', fail), c('init2', succeed)],
          containers: [c('run1', sleepForever)],
        });
        await s.waitFor('init1 restarted 3 times', () => (s.init('ic-3', 0)?.restartCount ?? 0) >= 3);
        const p = s.pod('ic-3');
        expect(p.status.phase).to.equal('Pending');
        expect(s.condition('ic-3', 'Initialized')).to.include({
          status: 'False',
          reason: 'ContainersNotInitialized',
          message: 'containers with incomplete status: [init1 init2]',
        });
        expect(s.init('ic-3', 1)?.state.waiting?.reason).to.equal('PodInitializing');
        expect(s.app('ic-3')?.state.waiting?.reason).to.equal('PodInitializing');
        expect(s.status('ic-3')).to.match(/^Init:(CrashLoopBackOff|Error|0\/2)$/);
        const seen = s.world.seen('ic-3');
        for (const x of seen)
          expect(x.status.initContainerStatuses?.[0]?.state.terminated?.exitCode).to.not.equal(0);
        expect(seen.map((x) => x.status.initContainerStatuses?.[0]?.state.waiting?.reason)).to.include(
          'CrashLoopBackOff',
        );
        expect(s.calls('ic-3', 'create')).to.not.include('create init2').and.not.include('create run1');
        s.checkInvariants('ic-3');
        expect(s.eventReasons('ic-3')).to.include('BackOff');
      },
    );

    scenario('OnFailure, an init container fails: restarted, Pending (rule 2)', async () => {
      await s.create('r2', {
        restartPolicy: 'OnFailure',
        initContainers: [c('i', fail)],
        containers: [c('x', sleepForever)],
      });
      await s.waitFor('restarted', () => (s.init('r2', 0)?.restartCount ?? 0) >= 1);
      expect(s.pod('r2').status.phase).to.equal('Pending');
      expect(s.calls('r2', 'create')).to.not.include('create x');
    });

    scenario(
      'Never, the second init container fails: Failed, the app never starts, the sandbox stops (e2e 4)',
      async () => {
        await s.create('ic-4', {
          restartPolicy: 'Never',
          initContainers: [c('init1', succeed), c('init2', fail)],
          containers: [c('run1', succeed)],
        });
        await s.waitFor('Failed', () => s.pod('ic-4').status.phase === 'Failed');
        expect(s.condition('ic-4', 'Initialized')).to.include({
          status: 'False',
          reason: 'ContainersNotInitialized',
          message: 'containers with incomplete status: [init2]',
        });
        expect(s.init('ic-4', 0)?.state.terminated?.exitCode).to.equal(0);
        expect(s.app('ic-4')?.state.waiting).to.not.equal(undefined);
        expect(s.status('ic-4')).to.equal('Init:Error');
        expect(s.calls('ic-4', 'create')).to.deep.equal(['create POD', 'create init1', 'create init2']);
        await s.until('sandbox stopped', async () =>
          (await s.containers('ic-4')).some((x) => x.kind === 'sandbox' && x.state === 'exited'),
        );
        s.checkInvariants('ic-4');
      },
    );

    describe('restartPolicy on app failure (fails on run 1, exits 0 on run 2, then runs)', () => {
      const spec = (restartPolicy: string): object => ({
        restartPolicy,
        volumes: [{ name: 'd', emptyDir: {} }],
        containers: [c('main', failThenSucceedThenRun, { volumeMounts: [{ name: 'd', mountPath: '/d' }] })],
      });
      const cases: [string, string, number, 'running' | 'terminated', boolean][] = [
        ['Always', 'Running', 2, 'running', true],
        ['OnFailure', 'Succeeded', 1, 'terminated', false],
        ['Never', 'Failed', 0, 'terminated', false],
      ];
      for (const [policy, phase, restarts, state, ready] of cases) {
        scenario(`${policy}: ${phase}, restartCount ${restarts}, ${state}`, async () => {
          const name = `rt-${policy.toLowerCase()}`;
          await s.create(name, spec(policy));
          await s.waitFor(`${phase} with ${restarts} restarts`, () => {
            const x = s.app(name);
            return (
              s.pod(name).status.phase === phase &&
              x?.restartCount === restarts &&
              x.state[state] !== undefined
            );
          });
          expect(s.app(name)?.ready).to.equal(ready);
        });
      }
    });

    scenario('Always, the app keeps failing: CrashLoopBackOff, the restart count grows', async () => {
      await s.create('crash', { containers: [c('main', fail)] });
      await s.waitFor('3 restarts', () => (s.app('crash')?.restartCount ?? 0) >= 3);
      expect(s.pod('crash').status.phase).to.equal('Running');
      expect(
        s.world.seen('crash').map((p) => p.status.containerStatuses?.[0]?.state.waiting?.reason),
      ).to.include('CrashLoopBackOff');
      expect(s.world.seen('crash').map((p) => printPod(p, Date.now()).status)).to.include('CrashLoopBackOff');
      expect(s.eventReasons('crash')).to.include('BackOff');
    });

    scenario('a lost sandbox re-runs every init container, counting restarts (rule 4)', async () => {
      await s.create('r4', {
        terminationGracePeriodSeconds: 2,
        initContainers: [c('i1', succeed), c('i2', succeed)],
        containers: [c('x', runUntilTerm)],
      });
      await s.waitFor('Running', () => s.pod('r4').status.phase === 'Running');
      const sandbox = (await s.containers('r4')).find((x) => x.kind === 'sandbox')!;
      await s.world.runtime.stopContainer(sandbox.id, 0);
      await s.waitFor(
        'a new sandbox and both inits re-run',
        () =>
          s.pod('r4').status.phase === 'Running' &&
          s.init('r4', 0)?.restartCount === 1 &&
          s.init('r4', 1)?.restartCount === 1 &&
          s.app('r4')?.restartCount === 1 &&
          s.app('r4')?.state.running,
      );
      const sandboxes = (await s.containers('r4')).filter((x) => x.kind === 'sandbox');
      expect(sandboxes.find((x) => x.attempt === 1)?.state).to.equal('running');
      expect(s.eventReasons('r4')).to.include('SandboxChanged');
    });

    scenario(
      "changing an init container's image restarts the pod: every init container runs again (rule 5)",
      async () => {
        await s.world.addImage('busybox:rule5');
        try {
          await s.create('r5', {
            terminationGracePeriodSeconds: 2,
            initContainers: [c('i1', succeed), c('i2', succeed)],
            containers: [c('x', runUntilTerm)],
          });
          await s.waitFor('Running', () => s.pod('r5').status.phase === 'Running');
          const res = await s.world.h.api.inject({
            method: 'PATCH',
            url: '/pods/r5',
            headers: { 'content-type': 'application/strategic-merge-patch+json' },
            payload: { spec: { initContainers: [{ name: 'i1', image: 'busybox:rule5' }] } },
          });
          expect(res.statusCode, res.body).to.equal(200);
          await s.waitFor('restarted with the new init image', () => {
            const [i1, i2] = [s.init('r5', 0), s.init('r5', 1)];
            return (
              s.pod('r5').status.phase === 'Running' &&
              i1?.restartCount === 1 &&
              i1.image === 'busybox:rule5' &&
              i2?.restartCount === 1
            );
          });
          const sandboxes = (await s.containers('r5')).filter((x) => x.kind === 'sandbox');
          expect(sandboxes.map((x) => x.attempt)).to.include(1);
          expect(s.eventReasons('r5')).to.include('SandboxChanged');
        } finally {
          await s.world.removeImage('busybox:rule5');
        }
      },
    );

    scenario(
      'not Ready and not an endpoint of a Service until every init container succeeded (rule 3)',
      async () => {
        const svc = await s.world.h.api.inject({
          method: 'POST',
          url: '/services',
          payload: {
            kind: 'Service',
            metadata: { name: 'r3' },
            spec: { selector: { app: 'r3' }, ports: [{ port: 80, targetPort: 8080 }] },
          },
        });
        expect(svc.statusCode).to.equal(201);
        await s.create(
          'r3',
          {
            initContainers: [c('wait', sleepThenExit(2))],
            containers: [c('x', sleepForever, { ports: [{ containerPort: 8080 }] })],
          },
          { app: 'r3' },
        );
        await s.waitFor('init running', () => s.init('r3', 0)?.state.running);
        expect(s.condition('r3', 'Ready')?.status).to.equal('False');
        expect(s.pod('r3').status.phase).to.equal('Pending');
        type Endpoints = { subsets?: { addresses?: { ip: string }[] }[] };
        const during = (await s.world.h.api.inject({ url: '/endpoints/r3' })).json<Endpoints>();
        expect(during.subsets?.[0]?.addresses ?? []).to.have.length(0);
        await s.waitFor('Ready', () => s.condition('r3', 'Ready')?.status === 'True');
        await new Promise((r) => setImmediate(r));
        const after = (await s.world.h.api.inject({ url: '/endpoints/r3' })).json<Endpoints>();
        expect(after.subsets?.[0]?.addresses?.map((a) => a.ip)).to.deep.equal([s.pod('r3').status.podIP]);
      },
    );

    scenario(
      'sidecars (restartable init containers) start before later inits and keep running beside the app',
      async () => {
        await s.create('side', {
          initContainers: [c('log-shipper', sleepForever, { restartPolicy: 'Always' }), c('setup', succeed)],
          containers: [c('app', sleepForever)],
        });
        await s.waitFor(
          'Running 2/2',
          () => s.ready('side') === '2/2' && s.pod('side').status.phase === 'Running',
        );
        expect(s.calls('side', 'create')).to.deep.equal([
          'create POD',
          'create log-shipper',
          'create setup',
          'create app',
        ]);
        expect(s.init('side', 0)?.state.running).to.not.equal(undefined);
        expect(s.init('side', 1)?.state.terminated?.exitCode).to.equal(0);
        expect(Date.parse(s.init('side', 1)!.state.terminated!.startedAt!)).to.be.at.least(
          Date.parse(s.init('side', 0)!.state.running!.startedAt),
        );
      },
    );

    scenario(
      'deletion: preStop, then the apps, then the sidecars in reverse, then the sandbox; nothing is left',
      async () => {
        await s.create('del', {
          terminationGracePeriodSeconds: 10,
          volumes: [{ name: 'v', emptyDir: {} }],
          initContainers: [
            c('sc1', runUntilTerm, { restartPolicy: 'Always' }),
            c('sc2', runUntilTerm, { restartPolicy: 'Always' }),
          ],
          containers: [
            c('app', runUntilTerm, {
              lifecycle: { preStop: { exec: { command: succeed.command } } },
              volumeMounts: [{ name: 'v', mountPath: '/v' }],
            }),
          ],
        });
        await s.waitFor('Running 3/3', () => s.ready('del') === '3/3');
        const uid = s.pod('del').metadata.uid;
        expect(await s.world.runtime.listVolumes(uid)).to.have.length(1);
        const res = await s.world.h.api.inject({ method: 'DELETE', url: '/pods/del' });
        expect(res.statusCode).to.equal(200);
        await s.waitFor('gone', () => !s.world.h.pod('del'));
        expect(s.calls('del', 'exec', 'stop')).to.deep.equal([
          'exec app',
          'stop app',
          'stop sc2',
          'stop sc1',
          'stop POD',
        ]);
        expect(await s.world.runtime.listContainers(uid)).to.deep.equal([]);
        expect(await s.world.runtime.listVolumes(uid)).to.deep.equal([]);
      },
    );

    scenario(
      "a malformed image is InvalidImageName at once, in the kubelet's words; nothing is pulled or created",
      async () => {
        await s.create('bad-image', {
          containers: [c('main', sleepForever, { image: 'busybox --privileged' })],
        });
        const message =
          'Failed to apply default image tag "busybox --privileged": couldn\'t parse image name "busybox --privileged": invalid reference format';
        await s.waitFor(
          'InvalidImageName',
          () => s.app('bad-image')?.state.waiting?.reason === 'InvalidImageName',
        );
        expect(s.app('bad-image')?.state.waiting?.message).to.equal(message);
        expect(s.status('bad-image')).to.equal('InvalidImageName');
        const events = s.world.h.events
          .list({ uid: s.pod('bad-image').metadata.uid })
          .map((e) => [e.type, e.reason, e.message]);
        expect(events).to.deep.include(['Warning', 'InspectFailed', message]);
        expect(events).to.deep.include(['Warning', 'Failed', 'Error: InvalidImageName']);
        expect(s.calls('bad-image', 'create')).to.deep.equal(['create POD']);
      },
    );
  });
}
