// printPod pins kubectl's printPod (READY, STATUS, RESTARTS, AGE) as in kubelet-semantics.md section 5.
// Statuses are written by hand here, so each row shows exactly what kubectl reads.
import { expect } from 'chai';
import type {
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodPhase,
} from '../../../../agent/model/pod';
import { humanAge, podTable, printPod } from '../../../../agent/status/print-pod';
import { CREATED, NOW, aPod, aSidecar, iso } from '../../../helpers/builders';

const running: ContainerState = { running: { startedAt: iso(NOW - 60_000) } };
const waiting = (reason: string): ContainerState => ({ waiting: { reason } });
const terminated = (exitCode: number, reason: string, extra: { signal?: number } = {}): ContainerState => ({
  terminated: { exitCode, reason, ...extra, finishedAt: iso(NOW - 30_000) },
});

const cs = (name: string, state: ContainerState, o: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name,
  state,
  lastState: {},
  ready: false,
  restartCount: 0,
  image: 'busybox:1.36',
  imageID: '',
  started: state.running !== undefined,
  ...o,
});

/** A previous failure that finished `agoMs` before NOW. */
const failedAgo = (agoMs: number): ContainerState => ({
  terminated: { exitCode: 1, reason: 'Error', finishedAt: iso(NOW - agoMs) },
});

const conditions = (initialized: boolean, ready = false): PodCondition[] => [
  {
    type: 'Initialized',
    status: initialized ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: iso(CREATED),
  },
  { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: iso(CREATED) },
];

interface Row {
  situation: string;
  pod: Pod;
  want: { ready: string; status: string; restarts: string };
}

/** The e2e pod: two init containers and one app container, with the given statuses. */
function initPod(
  phase: PodPhase,
  inits: ContainerStatus[],
  apps: ContainerStatus[],
  o: { initialized?: boolean; ready?: boolean } = {},
): Pod {
  const pod = aPod({ inits: ['init1', 'init2'] });
  pod.status = {
    phase,
    conditions: conditions(o.initialized ?? false, o.ready),
    initContainerStatuses: inits,
    containerStatuses: apps,
  };
  return pod;
}

function plainPod(
  phase: PodPhase,
  apps: ContainerStatus[],
  o: { ready?: boolean; names?: string[] } = {},
): Pod {
  const pod = aPod({ apps: o.names ?? apps.map((a) => a.name) });
  pod.status = { phase, conditions: conditions(true, o.ready), containerStatuses: apps };
  return pod;
}

const done = (name: string): ContainerStatus => cs(name, terminated(0, 'Completed'), { ready: true });
const podInitializing = (name: string): ContainerStatus => cs(name, waiting('PodInitializing'));

describe('agent/status/print-pod', () => {
  describe('printPod', () => {
    const rows: Row[] = [
      {
        situation: 'init #0 running',
        pod: initPod('Pending', [cs('init1', running), podInitializing('init2')], [podInitializing('run1')]),
        want: { ready: '0/1', status: 'Init:0/2', restarts: '0' },
      },
      {
        situation: 'init #0 not reported yet (Waiting PodInitializing)',
        pod: initPod(
          'Pending',
          [podInitializing('init1'), podInitializing('init2')],
          [podInitializing('run1')],
        ),
        want: { ready: '0/1', status: 'Init:0/2', restarts: '0' },
      },
      {
        situation: 'init #0 done, init #1 running',
        pod: initPod('Pending', [done('init1'), cs('init2', running)], [podInitializing('run1')]),
        want: { ready: '0/1', status: 'Init:1/2', restarts: '0' },
      },
      {
        situation: 'init failed under Never (phase Failed)',
        pod: initPod(
          'Failed',
          [done('init1'), cs('init2', terminated(1, 'Error'))],
          [podInitializing('run1')],
        ),
        want: { ready: '0/1', status: 'Init:Error', restarts: '0' },
      },
      {
        situation: 'init in crash-loop back-off: RESTARTS counts init restarts',
        pod: initPod(
          'Pending',
          [
            cs('init1', waiting('CrashLoopBackOff'), { restartCount: 3, lastState: failedAgo(30_000) }),
            podInitializing('init2'),
          ],
          [podInitializing('run1')],
        ),
        want: { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '3 (30s ago)' },
      },
      {
        situation: 'init image pull failing',
        pod: initPod(
          'Pending',
          [cs('init1', waiting('ErrImagePull')), podInitializing('init2')],
          [podInitializing('run1')],
        ),
        want: { ready: '0/1', status: 'Init:ErrImagePull', restarts: '0' },
      },
      {
        situation: 'init image pull in back-off',
        pod: initPod(
          'Pending',
          [done('init1'), cs('init2', waiting('ImagePullBackOff'))],
          [podInitializing('run1')],
        ),
        want: { ready: '0/1', status: 'Init:ImagePullBackOff', restarts: '0' },
      },
      {
        situation: 'init terminated without a reason: exit code',
        pod: initPod('Failed', [cs('init1', terminated(2, ''))], [podInitializing('run1')]),
        want: { ready: '0/1', status: 'Init:ExitCode:2', restarts: '0' },
      },
      {
        situation: 'init terminated without a reason by a signal',
        pod: initPod('Failed', [cs('init1', terminated(137, '', { signal: 9 }))], [podInitializing('run1')]),
        want: { ready: '0/1', status: 'Init:Signal:9', restarts: '0' },
      },
      {
        situation: 'init containers done, app still Waiting PodInitializing',
        pod: initPod('Pending', [done('init1'), done('init2')], [podInitializing('run1')], {
          initialized: true,
        }),
        want: { ready: '0/1', status: 'PodInitializing', restarts: '0' },
      },
      {
        situation: 'no init containers, app not started',
        pod: plainPod('Pending', [cs('run1', waiting('ContainerCreating'))]),
        want: { ready: '0/1', status: 'ContainerCreating', restarts: '0' },
      },
      {
        situation: 'app running and ready',
        pod: initPod('Running', [done('init1'), done('init2')], [cs('run1', running, { ready: true })], {
          initialized: true,
          ready: true,
        }),
        want: { ready: '1/1', status: 'Running', restarts: '0' },
      },
      {
        situation: 'app running but not ready: the phase, READY 0/1',
        pod: plainPod('Running', [cs('run1', running)]),
        want: { ready: '0/1', status: 'Running', restarts: '0' },
      },
      {
        situation: 'app crash looping: RESTARTS counts app restarts only, dated by the last failure',
        pod: initPod(
          'Running',
          [done('init1'), done('init2')],
          [cs('run1', waiting('CrashLoopBackOff'), { restartCount: 4, lastState: failedAgo(150_000) })],
          { initialized: true },
        ),
        want: { ready: '0/1', status: 'CrashLoopBackOff', restarts: '4 (2m30s ago)' },
      },
      {
        situation: 'all done with exit 0',
        pod: plainPod('Succeeded', [cs('run1', terminated(0, 'Completed'))]),
        want: { ready: '0/1', status: 'Completed', restarts: '0' },
      },
      {
        situation: 'app exited non-zero',
        pod: plainPod('Failed', [cs('run1', terminated(1, 'Error'))]),
        want: { ready: '0/1', status: 'Error', restarts: '0' },
      },
      {
        situation: 'the first container by name wins the STATUS column',
        pod: plainPod('Running', [cs('a', waiting('CrashLoopBackOff')), cs('b', terminated(1, 'Error'))]),
        want: { ready: '0/2', status: 'CrashLoopBackOff', restarts: '0' },
      },
      {
        situation: 'one container completed, another running and ready, pod Ready: Running',
        pod: plainPod('Running', [cs('a', terminated(0, 'Completed')), cs('b', running, { ready: true })], {
          ready: true,
        }),
        want: { ready: '1/2', status: 'Running', restarts: '0' },
      },
      {
        situation: 'one container completed, another running, pod not Ready: NotReady',
        pod: plainPod('Running', [cs('a', terminated(0, 'Completed')), cs('b', running, { ready: true })]),
        want: { ready: '1/2', status: 'NotReady', restarts: '0' },
      },
    ];
    for (const r of rows) {
      it(`shows ${r.want.status} when ${r.situation}`, () => {
        const { ready, status, restarts } = printPod(r.pod, NOW);
        expect({ ready, status, restarts }).to.deep.equal(r.want);
      });
    }

    it('shows Terminating for a pod being deleted that is not terminal', () => {
      const pod = plainPod('Running', [cs('run1', running, { ready: true })], { ready: true });
      pod.metadata.deletionTimestamp = iso(NOW - 5_000);
      expect(printPod(pod, NOW).status).to.equal('Terminating');
    });

    it('keeps Completed for a deleted pod that already succeeded', () => {
      const pod = plainPod('Succeeded', [cs('run1', terminated(0, 'Completed'))]);
      pod.metadata.deletionTimestamp = iso(NOW - 5_000);
      expect(printPod(pod, NOW).status).to.equal('Completed');
    });

    it('shows status.reason instead of the phase (DeadlineExceeded)', () => {
      const pod = plainPod('Failed', [cs('run1', running)]);
      pod.status.reason = 'DeadlineExceeded';
      expect(printPod(pod, NOW).status).to.equal('DeadlineExceeded');
    });

    it('falls back to the phase when status.reason is empty', () => {
      const pod = plainPod('Running', [cs('run1', running)]);
      pod.status.reason = '';
      expect(printPod(pod, NOW).status).to.equal('Running');
    });

    describe('with sidecars', () => {
      const sidecarPod = (
        sc: ContainerStatus,
        apps: ContainerStatus[],
        initialized: boolean,
        ready = false,
      ): Pod => {
        const pod = aPod({ inits: [aSidecar('sc'), 'init2'] });
        pod.status = {
          phase: initialized ? 'Running' : 'Pending',
          conditions: conditions(initialized, ready),
          initContainerStatuses: [sc, apps.length ? done('init2') : cs('init2', running)],
          containerStatuses: apps,
        };
        return pod;
      };

      it('counts a started, ready sidecar in READY while initializing', () => {
        const row = printPod(sidecarPod(cs('sc', running, { ready: true }), [], false), NOW);
        expect([row.ready, row.status]).to.deep.equal(['1/2', 'Init:1/2']);
      });

      it('counts sidecars and app containers in READY once running', () => {
        const row = printPod(
          sidecarPod(cs('sc', running, { ready: true }), [cs('run1', running, { ready: true })], true, true),
          NOW,
        );
        expect([row.ready, row.status]).to.deep.equal(['2/2', 'Running']);
      });

      it('shows a crash-looping sidecar as Init:CrashLoopBackOff, but counts sidecar + app restarts once initialized', () => {
        const sc = cs('sc', waiting('CrashLoopBackOff'), { restartCount: 2, lastState: failedAgo(40_000) });
        const row = printPod(
          sidecarPod(
            sc,
            [cs('run1', running, { ready: true, restartCount: 1, lastState: failedAgo(300_000) })],
            true,
          ),
          NOW,
        );
        expect([row.ready, row.status, row.restarts]).to.deep.equal([
          '1/2',
          'Init:CrashLoopBackOff',
          '3 (40s ago)',
        ]);
      });
    });

    it('counts only the sidecars up to the first initializing init container once initialized', () => {
      const pod = aPod({ inits: [aSidecar('sc1'), aSidecar('sc2')] });
      pod.status = {
        phase: 'Running',
        conditions: conditions(true),
        initContainerStatuses: [
          cs('sc1', waiting('CrashLoopBackOff'), { restartCount: 2 }),
          cs('sc2', running, { ready: true, restartCount: 5 }),
        ],
        containerStatuses: [cs('run1', running, { ready: true })],
      };
      expect(printPod(pod, NOW).restarts).to.equal('2');
    });

    it('dates RESTARTS by the newest lastState, even of a container with no restarts', () => {
      const pod = plainPod('Running', [
        cs('a', running, { ready: true, restartCount: 1, lastState: failedAgo(600_000) }),
        cs('b', running, { ready: true, lastState: failedAgo(20_000) }),
      ]);
      expect(printPod(pod, NOW).restarts).to.equal('1 (20s ago)');
    });

    it('prints AGE from creationTimestamp', () => {
      expect(printPod(plainPod('Running', [cs('run1', running)]), NOW).age).to.equal('60m');
    });
  });

  describe('humanAge (kubectl HumanDuration)', () => {
    const S = 1000;
    const H = 3600 * S;
    const D = 24 * H;
    const table: [number, string][] = [
      [0, '0s'],
      [119 * S, '119s'],
      [120 * S, '2m'],
      [150 * S, '2m30s'],
      [10 * 60 * S, '10m'],
      [179 * 60 * S, '179m'],
      [3 * H, '3h'],
      [3 * H + 20 * 60 * S, '3h20m'],
      [8 * H, '8h'],
      [47 * H, '47h'],
      [2 * D + 5 * H, '2d5h'],
      [8 * D, '8d'],
      [729 * D, '729d'],
      [730 * D, '2y'],
      [(3 * 365 + 10) * D, '3y10d'],
      [(9 * 365 + 10) * D, '9y'],
    ];
    for (const [ms, want] of table) {
      it(`renders ${ms} ms as ${want}`, () => expect(humanAge(ms)).to.equal(want));
    }
  });

  describe('podTable', () => {
    it('prints kubectl columns padded to the widest cell plus three spaces', () => {
      const pod = plainPod('Running', [cs('run1', running, { ready: true })], { ready: true });
      expect(podTable([pod], NOW)).to.equal(
        'NAME   READY   STATUS    RESTARTS   AGE\np      1/1     Running   0          60m\n',
      );
    });
  });
});
