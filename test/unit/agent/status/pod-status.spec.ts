// generatePodStatus pins the kubelet's API status: getPhase, the kubelet-owned conditions and the
// container statuses (kubelet-semantics.md 4.1-4.3), checked against the e2e scenarios of section 9.
import { expect } from 'chai';
import type { Container, ContainerStatus, Pod, PodStatus, RestartPolicy } from '../../../../agent/model/pod';
import { type StatusContext, generatePodStatus } from '../../../../agent/status/pod-status';
import type { WaitingReason } from '../../../../agent/status/container-status';
import { NOW, PodRuntime, aContainer, aPod, aSidecar, iso } from '../../../helpers/builders';

const status = (pod: Pod, rt: PodRuntime, ctx: Partial<StatusContext> = {}): PodStatus =>
  generatePodStatus(pod, rt.observed, { now: NOW, hostIP: '192.168.1.10', waiting: new Map(), ...ctx });

const waiting = (entries: Record<string, WaitingReason>): Map<string, WaitingReason> =>
  new Map(Object.entries(entries));

const cond = (s: PodStatus, type: string): { status: string; reason?: string; message?: string } => {
  const c = s.conditions?.find((x) => x.type === type);
  if (!c) throw new Error(`no ${type} condition`);
  return {
    status: c.status,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
  };
};

const stateOf = (s: ContainerStatus | undefined): string => {
  if (!s) return 'missing';
  if (s.state.running) return 'running';
  if (s.state.terminated) return `terminated:${s.state.terminated.exitCode}:${s.state.terminated.reason}`;
  return `waiting:${s.state.waiting?.reason}`;
};

const initPod = (restartPolicy: RestartPolicy): Pod => aPod({ inits: ['init1', 'init2'], restartPolicy });

describe('agent/status/pod-status', () => {
  describe('e2e init_container.go #1: Never, both init containers and the app exit 0', () => {
    const pod = initPod('Never');
    const s = status(
      pod,
      new PodRuntime(pod).init('init1', 'exited').init('init2', 'exited').app('run1', 'exited').sandboxDies(),
    );

    it('reports phase Succeeded', () => expect(s.phase).to.equal('Succeeded'));
    it('reports Initialized True with reason PodCompleted', () =>
      expect(cond(s, 'Initialized')).to.deep.equal({ status: 'True', reason: 'PodCompleted' }));
    it('reports both init containers ready and terminated with exit code 0', () => {
      expect(s.initContainerStatuses?.map((c) => [c.name, c.ready, stateOf(c)])).to.deep.equal([
        ['init1', true, 'terminated:0:Completed'],
        ['init2', true, 'terminated:0:Completed'],
      ]);
    });
  });

  describe('e2e init_container.go #2: Always, init containers done, app running', () => {
    const pod = initPod('Always');
    const s = status(
      pod,
      new PodRuntime(pod).init('init1', 'exited').init('init2', 'exited').app('run1', 'running'),
    );

    it('reports phase Running', () => expect(s.phase).to.equal('Running'));
    it('reports Initialized, ContainersReady and Ready True', () => {
      expect(['Initialized', 'ContainersReady', 'Ready'].map((t) => cond(s, t))).to.deep.equal([
        { status: 'True' },
        { status: 'True' },
        { status: 'True' },
      ]);
    });
    it('reports both init containers ready and terminated with exit code 0', () => {
      expect(s.initContainerStatuses?.map((c) => [c.ready, stateOf(c)])).to.deep.equal([
        [true, 'terminated:0:Completed'],
        [true, 'terminated:0:Completed'],
      ]);
    });
  });

  describe('e2e init_container.go #3: Always, init1 keeps failing', () => {
    const pod = initPod('Always');
    const failing = (): PodRuntime =>
      new PodRuntime(pod).init('init1', 'exited', { exitCode: 1 }).init('init1', 'exited', { exitCode: 1 });
    const inBackOff = status(pod, failing(), {
      waiting: waiting({
        init1: {
          reason: 'CrashLoopBackOff',
          message: 'back-off 10s restarting failed container=init1 pod=p_default(uid-1)',
        },
      }),
    });
    const retrying = status(pod, failing().init('init1', 'running'));

    it('reports phase Pending', () =>
      expect([inBackOff.phase, retrying.phase]).to.deep.equal(['Pending', 'Pending']));
    it('reports Initialized False: ContainersNotInitialized, containers with incomplete status: [init1 init2]', () => {
      expect(cond(inBackOff, 'Initialized')).to.deep.equal({
        status: 'False',
        reason: 'ContainersNotInitialized',
        message: 'containers with incomplete status: [init1 init2]',
      });
    });
    it('shows init1 waiting in CrashLoopBackOff with the failure as lastState', () => {
      const init1 = inBackOff.initContainerStatuses?.[0];
      expect([
        stateOf(init1),
        init1?.lastState.terminated?.exitCode,
        init1?.restartCount,
        init1?.ready,
      ]).to.deep.equal(['waiting:CrashLoopBackOff', 1, 1, false]);
    });
    it('keeps the previous failure as lastState while init1 runs again', () => {
      const init1 = retrying.initContainerStatuses?.[0];
      expect([stateOf(init1), init1?.lastState.terminated?.exitCode, init1?.restartCount]).to.deep.equal([
        'running',
        1,
        2,
      ]);
    });
    it('shows init2 and the app container Waiting PodInitializing with restartCount 0', () => {
      for (const s of [inBackOff, retrying]) {
        const rest = [s.initContainerStatuses?.[1], ...(s.containerStatuses ?? [])];
        expect(rest.map((c) => [c?.name, stateOf(c), c?.restartCount])).to.deep.equal([
          ['init2', 'waiting:PodInitializing', 0],
          ['run1', 'waiting:PodInitializing', 0],
        ]);
      }
    });
  });

  describe('e2e init_container.go #4: Never, init2 fails', () => {
    const pod = initPod('Never');
    const s = status(
      pod,
      new PodRuntime(pod).init('init1', 'exited').init('init2', 'exited', { exitCode: 1 }).sandboxDies(),
    );

    it('reports phase Failed', () => expect(s.phase).to.equal('Failed'));
    it('reports Initialized False: containers with incomplete status: [init2]', () => {
      expect(cond(s, 'Initialized')).to.deep.equal({
        status: 'False',
        reason: 'ContainersNotInitialized',
        message: 'containers with incomplete status: [init2]',
      });
    });
    it('reports init1 terminated 0 and ready, init2 terminated with Error', () => {
      expect(s.initContainerStatuses?.map((c) => [c.name, c.ready, stateOf(c)])).to.deep.equal([
        ['init1', true, 'terminated:0:Completed'],
        ['init2', false, 'terminated:1:Error'],
      ]);
    });
    it('leaves the app container Waiting PodInitializing', () =>
      expect(s.containerStatuses?.map(stateOf)).to.deep.equal(['waiting:PodInitializing']));
    it('reports ContainersReady and Ready False with reason PodFailed', () => {
      expect([cond(s, 'ContainersReady'), cond(s, 'Ready')]).to.deep.equal([
        { status: 'False', reason: 'PodFailed' },
        { status: 'False', reason: 'PodFailed' },
      ]);
    });
  });

  describe('conditions', () => {
    it('lists the kubelet-owned conditions in order, each with a lastTransitionTime', () => {
      const pod = initPod('Always');
      const s = status(pod, new PodRuntime(pod).init('init1', 'running'));
      expect(s.conditions?.map((c) => [c.type, c.status, !!c.lastTransitionTime])).to.deep.equal([
        ['PodReadyToStartContainers', 'True', true],
        ['Initialized', 'False', true],
        ['Ready', 'False', true],
        ['ContainersReady', 'False', true],
        ['PodScheduled', 'True', true],
      ]);
    });

    it('reports PodReadyToStartContainers False when the sandbox is dead', () => {
      const pod = aPod();
      expect(
        cond(
          status(pod, new PodRuntime(pod).app('run1', 'running').sandboxDies()),
          'PodReadyToStartContainers',
        ),
      ).to.deep.equal({ status: 'False' });
    });

    it('names unready sidecars first, then app containers, in ContainersReady', () => {
      const readinessProbe = { exec: { command: ['true'] } };
      const pod = aPod({
        inits: [aSidecar('sc', { readinessProbe })],
        apps: [aContainer('run1', { readinessProbe })],
      });
      const s = status(pod, new PodRuntime(pod).init('sc', 'running').app('run1', 'running'));
      expect(cond(s, 'ContainersReady')).to.deep.equal({
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [sc run1]',
      });
    });

    it('reports Initialized True with reason PodCompleted for a Succeeded pod without init containers', () => {
      const pod = aPod({ restartPolicy: 'OnFailure' });
      expect(
        cond(status(pod, new PodRuntime(pod).app('run1', 'exited').sandboxDies()), 'Initialized'),
      ).to.deep.equal({ status: 'True', reason: 'PodCompleted' });
    });

    it('keeps lastTransitionTime while a condition does not change, and moves it when it flips', () => {
      const pod = initPod('Always');
      const before = status(pod, new PodRuntime(pod).init('init1', 'running'), { now: NOW - 60_000 });
      const after = status(
        { ...pod, status: before },
        new PodRuntime(pod).init('init1', 'exited').init('init2', 'exited').app('run1', 'running'),
      );
      const at = (s: PodStatus, t: string): string | undefined =>
        s.conditions?.find((c) => c.type === t)?.lastTransitionTime;
      expect([at(after, 'PodReadyToStartContainers'), at(after, 'Initialized')]).to.deep.equal([
        iso(NOW - 60_000),
        iso(NOW),
      ]);
    });
  });

  describe('phase', () => {
    const runs = (pod: Pod, codes: number[], last: 'running' | 'stopped'): PodRuntime => {
      const rt = new PodRuntime(pod);
      for (const exitCode of codes) rt.app('run1', 'exited', { exitCode });
      return last === 'running' ? rt.app('run1', 'running') : rt.sandboxDies();
    };
    // e2e runtime.go "should run with the expected status": fails on run 1, exits 0 on run 2, then loops.
    const table: {
      policy: RestartPolicy;
      codes: number[];
      last: 'running' | 'stopped';
      want: [string, number, boolean, string];
    }[] = [
      { policy: 'Always', codes: [1, 0], last: 'running', want: ['Running', 2, true, 'running'] },
      {
        policy: 'OnFailure',
        codes: [1, 0],
        last: 'stopped',
        want: ['Succeeded', 1, false, 'terminated:0:Completed'],
      },
      { policy: 'Never', codes: [1], last: 'stopped', want: ['Failed', 0, false, 'terminated:1:Error'] },
    ];
    for (const c of table) {
      it(`${c.policy}: reports ${c.want[0]} with restartCount ${c.want[1]}`, () => {
        const pod = aPod({ restartPolicy: c.policy });
        const s = status(pod, runs(pod, c.codes, c.last));
        const run1 = s.containerStatuses?.[0];
        expect([s.phase, run1?.restartCount, run1?.ready, stateOf(run1)]).to.deep.equal(c.want);
      });
    }

    it('reports Running for an Always pod whose only app container is in CrashLoopBackOff', () => {
      const pod = aPod();
      const s = status(pod, new PodRuntime(pod).app('run1', 'exited', { exitCode: 1 }), {
        waiting: waiting({ run1: { reason: 'CrashLoopBackOff' } }),
      });
      expect([
        s.phase,
        stateOf(s.containerStatuses?.[0]),
        s.containerStatuses?.[0]?.lastState.terminated?.reason,
      ]).to.deep.equal(['Running', 'waiting:CrashLoopBackOff', 'Error']);
    });

    it('keeps a terminal phase once reported', () => {
      const pod = aPod();
      for (const phase of ['Succeeded', 'Failed'] as const) {
        expect(
          status({ ...pod, status: { phase } }, new PodRuntime(pod).app('run1', 'running')).phase,
        ).to.equal(phase);
      }
    });

    describe('with a sidecar', () => {
      const startupProbe = { exec: { command: ['true'] } };
      const pod = aPod({ inits: [aSidecar('sc', { startupProbe })] });

      it('stays Pending while the sidecar has not started in a recreated sandbox (kubernetes#127793)', () => {
        const rt = new PodRuntime(pod)
          .init('sc', 'exited', { exitCode: 137 })
          .app('run1', 'exited', { exitCode: 137 })
          .sandboxDies()
          .sandbox()
          .init('sc', 'running');
        expect(status(pod, rt).phase).to.equal('Pending');
      });

      it('stays Running while the sidecar restarts after the app container started', () => {
        const rt = new PodRuntime(pod).init('sc', 'running').app('run1', 'running');
        expect(status(pod, rt).phase).to.equal('Running');
      });

      it('goes Pending while a sidecar waits to be created for the first time', () => {
        const rt = new PodRuntime(aPod({ inits: [aSidecar('sc')] })).app('run1', 'running');
        expect(
          status(rt.pod, rt, { waiting: waiting({ sc: { reason: 'ImagePullBackOff' } }) }).phase,
        ).to.equal('Pending');
      });

      it('ignores a sidecar that exited non-zero when the app containers completed', () => {
        const p = aPod({ inits: [aSidecar('sc')], restartPolicy: 'Never' });
        const rt = new PodRuntime(p)
          .init('sc', 'exited', { exitCode: 137 })
          .app('run1', 'exited')
          .sandboxDies();
        expect(status(p, rt).phase).to.equal('Succeeded');
      });
    });
  });

  describe('container statuses', () => {
    it('sorts containerStatuses by name and keeps initContainerStatuses in spec order', () => {
      const pod = aPod({ inits: ['setup-b', 'setup-a'], apps: ['zeta', 'alpha', 'mid'] });
      const rt = new PodRuntime(pod)
        .init('setup-b', 'exited')
        .init('setup-a', 'exited')
        .app('zeta', 'running')
        .app('alpha', 'running')
        .app('mid', 'running');
      const s = status(pod, rt);
      expect([
        s.initContainerStatuses?.map((c) => c.name),
        s.containerStatuses?.map((c) => c.name),
      ]).to.deep.equal([
        ['setup-b', 'setup-a'],
        ['alpha', 'mid', 'zeta'],
      ]);
    });

    it('defaults to Waiting ContainerCreating when the pod has no init containers', () => {
      const pod = aPod();
      expect(status(pod, new PodRuntime(pod)).containerStatuses?.map(stateOf)).to.deep.equal([
        'waiting:ContainerCreating',
      ]);
    });

    it('reports the start failure of a created-but-not-started container as its waiting reason', () => {
      const pod = aPod();
      const s = status(pod, new PodRuntime(pod).app('run1', 'created'), {
        waiting: waiting({ run1: { reason: 'RunContainerError', message: 'exec: "nope": not found' } }),
      });
      expect(s.containerStatuses?.[0]?.state).to.deep.equal({
        waiting: { reason: 'RunContainerError', message: 'exec: "nope": not found' },
      });
    });

    const probe = { exec: { command: ['true'] } };
    const probeCases: {
      situation: string;
      spec: Partial<Container>;
      startup?: boolean;
      readiness?: boolean;
      want: [boolean, boolean];
    }[] = [
      { situation: 'no probes: started and ready once running', spec: {}, want: [true, true] },
      {
        situation: 'startup probe without a result: not started, not ready',
        spec: { startupProbe: probe },
        want: [false, false],
      },
      {
        situation: 'startup probe succeeded: started and ready',
        spec: { startupProbe: probe },
        startup: true,
        want: [true, true],
      },
      {
        situation: 'readiness probe without a result: started, not ready',
        spec: { readinessProbe: probe },
        want: [true, false],
      },
      {
        situation: 'readiness probe succeeded: ready',
        spec: { readinessProbe: probe },
        readiness: true,
        want: [true, true],
      },
    ];
    for (const c of probeCases) {
      it(`sidecar, ${c.situation}`, () => {
        const pod = aPod({ inits: [aSidecar('sc', c.spec)] });
        const s = status(pod, new PodRuntime(pod).init('sc', 'running').app('run1', 'running'), {
          ...(c.startup !== undefined ? { startup: () => c.startup } : {}),
          ...(c.readiness !== undefined ? { readiness: () => c.readiness } : {}),
        });
        const sc = s.initContainerStatuses?.[0];
        expect([sc?.started, sc?.ready]).to.deep.equal(c.want);
      });
    }
  });
});
