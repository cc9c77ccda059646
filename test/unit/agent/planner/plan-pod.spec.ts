// planPod pins the kubelet's computePodActions / computeInitContainerActions (kubelet-semantics.md 1.1-1.6,
// section 2, seed rules 1-5). Every case starts from a healthy baseline and changes one thing; the
// expected value is the whole action list, in the order the executor runs it.
import { expect } from 'chai';
import type { Pod, RestartPolicy } from '../../../../agent/model/pod';
import type { PodAction } from '../../../../agent/planner/actions';
import type { PodContainerKind } from '../../../../agent/runtime/runtime';
import { type BackoffView, pullBackoffKey } from '../../../../agent/planner/backoff';
import { type PlanContext, type ProbeResult, planPod } from '../../../../agent/planner/plan-pod';
import {
  NOW,
  PodRuntime,
  aContainer,
  aPod,
  aSidecar,
  backoffWith,
  noBackoff,
} from '../../../helpers/builders';

type Kind = PodContainerKind;
const nameOf = (id: string): string => id.replace(/-\d+$/, '');
const createSandbox = (attempt: number, reason: string): PodAction => ({
  type: 'createSandbox',
  attempt,
  reason,
});
/** Kills one container; the Killing message says `Stopping container` unless the cause is given. */
const kill = (
  kind: Kind,
  id: string,
  reason: string,
  message = `Stopping container ${nameOf(id)}`,
): PodAction => ({
  type: 'killContainer',
  id,
  name: nameOf(id),
  kind,
  message,
  preStop: false,
  gracePeriodSeconds: 30,
  reason,
});
/** A kill whose Killing event names its cause, e.g. `Container run1 definition changed`. */
const killFor = (kind: Kind, id: string, cause: string): PodAction => kill(kind, id, cause, cause);
const group = (actions: PodAction[]): PodAction[] =>
  actions.length > 1 ? [{ type: 'parallel', actions }] : actions;
/** KillPod: every container that runs or was created is killed at once, then the running sandboxes stop. */
const killPod = (reason: string, containers: [Kind, string][] = [], sandboxes = ['POD-0']): PodAction[] => [
  ...group(containers.map(([kind, id]) => kill(kind, id, reason))),
  ...group(sandboxes.map((id): PodAction => ({ type: 'stopContainer', id, name: 'POD', reason }))),
];
const remove = (id: string, reason = 'never started'): PodAction => ({
  type: 'removeContainer',
  id,
  name: nameOf(id),
  reason,
});
const prune = (id: string): PodAction => ({ type: 'pruneContainer', id, name: nameOf(id), reason: 'pruned' });
const start = (kind: Kind, name: string, restartCount: number, reason: string): PodAction => ({
  type: 'startContainer',
  kind,
  name,
  restartCount,
  reason,
});
const backOff = (kind: Kind, name: string, delayMs: number, retryAt: number, reason: string): PodAction => ({
  type: 'backOff',
  kind,
  name,
  delayMs,
  retryAt,
  reason,
});

const plan = (pod: Pod, rt: PodRuntime | null, ctx: Partial<PlanContext> = {}): PodAction[] =>
  planPod(pod, rt ? rt.observed : [], { now: NOW, backoff: noBackoff, pullBackoff: noBackoff, ...ctx });

/** Probe results by `<containerId>/<kind>`. */
const probes =
  (results: Record<string, ProbeResult>): PlanContext['probe'] =>
  (id, kind) =>
    results[`${id}/${kind}`];

/** Baseline: two regular init containers and one app container, restartPolicy Always. */
const initPod = (restartPolicy: RestartPolicy = 'Always'): Pod =>
  aPod({ inits: ['init1', 'init2'], restartPolicy });
/** The baseline pod after a clean start: both init containers done, run1 running. */
const initialized = (pod: Pod): PodRuntime =>
  new PodRuntime(pod).init('init1', 'exited').init('init2', 'exited').app('run1', 'running');

describe('agent/planner/plan-pod', () => {
  describe('a new pod', () => {
    it('creates sandbox #0 and starts every app container when there is no init container', () => {
      const pod = aPod({ apps: ['run1', 'run2'] });
      expect(plan(pod, null)).to.deep.equal([
        createSandbox(0, 'new pod'),
        start('app', 'run1', 0, 'new pod'),
        start('app', 'run2', 0, 'new pod'),
      ]);
    });

    it('creates sandbox #0 and starts only init container #0 when there are init containers', () => {
      expect(plan(initPod(), null)).to.deep.equal([
        createSandbox(0, 'new pod'),
        start('init', 'init1', 0, 'new pod'),
      ]);
    });
  });

  describe('a sandbox that needs replacing (PodSandboxChanged)', () => {
    it('replaces a running sandbox that has no IP', () => {
      const pod = initPod();
      const rt = new PodRuntime(pod);
      rt.observed[0]!.ip = '';
      expect(plan(pod, rt)).to.deep.equal([
        ...killPod('sandbox changed'),
        createSandbox(1, 'sandbox changed'),
        start('init', 'init1', 0, 'sandbox changed'),
      ]);
    });

    it('replaces two running sandboxes with attempt = newest + 1', () => {
      const pod = initPod();
      const rt = new PodRuntime(pod).sandbox();
      expect(plan(pod, rt)).to.deep.equal([
        ...killPod('sandbox changed', [], ['POD-0', 'POD-1']),
        createSandbox(2, 'sandbox changed'),
        start('init', 'init1', 0, 'sandbox changed'),
      ]);
    });
  });

  describe('initializing (sandbox healthy)', () => {
    const cases: {
      situation: string;
      policy?: RestartPolicy;
      build: (rt: PodRuntime) => PodRuntime;
      want: PodAction[];
    }[] = [
      { situation: 'init #0 running: waits', build: (rt) => rt.init('init1', 'running'), want: [] },
      {
        situation: 'init #0 exited 0: starts init #1',
        build: (rt) => rt.init('init1', 'exited'),
        want: [start('init', 'init2', 0, 'init1 done')],
      },
      {
        situation: 'init #1 running after init #0: waits',
        build: (rt) => rt.init('init1', 'exited').init('init2', 'running'),
        want: [],
      },
      {
        situation: 'init #0 failed under Always: restarts init #0 only',
        build: (rt) => rt.init('init1', 'exited', { exitCode: 1 }),
        want: [start('init', 'init1', 1, 'init container init1 failed')],
      },
      {
        situation: 'init #0 failed under OnFailure: restarts init #0 only',
        policy: 'OnFailure',
        build: (rt) => rt.init('init1', 'exited', { exitCode: 1 }),
        want: [start('init', 'init1', 1, 'init container init1 failed')],
      },
      {
        situation: 'init #0 OOMKilled with exit code 0: counts as failed',
        build: (rt) => rt.init('init1', 'exited', { exitCode: 0, oomKilled: true }),
        want: [start('init', 'init1', 1, 'init container init1 failed')],
      },
      {
        situation: 'init #1 failed after 3 restarts: restarts it with restartCount 4',
        build: (rt) => rt.init('init1', 'exited').init('init2', 'exited', { exitCode: 2, attempt: 3 }),
        want: [start('init', 'init2', 4, 'init container init2 failed')],
      },
      {
        situation: 'init #0 failed under Never: kills the pod',
        policy: 'Never',
        build: (rt) => rt.init('init1', 'exited', { exitCode: 1 }),
        want: killPod('init container init1 failed'),
      },
      {
        situation: 'init #1 failed under Never: kills the pod, never starts apps',
        policy: 'Never',
        build: (rt) => rt.init('init1', 'exited').init('init2', 'exited', { exitCode: 1 }),
        want: killPod('init container init2 failed'),
      },
      {
        situation: 'init #0 created but never started: removes it, then starts it again with the same count',
        build: (rt) => rt.init('init1', 'created'),
        want: [remove('init1-0'), start('init', 'init1', 0, 'created but not started')],
      },
      {
        situation: 'init #0 in unknown state: kills it, then restarts it',
        build: (rt) => rt.init('init1', 'unknown'),
        want: [
          kill('init', 'init1-0', 'state unknown'),
          start('init', 'init1', 1, 'init container init1 failed'),
        ],
      },
      {
        situation: 'init #0 in unknown state under Never: kills the pod',
        policy: 'Never',
        build: (rt) => rt.init('init1', 'unknown'),
        want: killPod('init container init1 failed'),
      },
      {
        situation: 'last init done: starts every app container at once',
        build: (rt) => rt.init('init1', 'exited').init('init2', 'exited'),
        want: [start('app', 'run1', 0, 'initialized')],
      },
    ];
    for (const c of cases) {
      it(c.situation, () => {
        const pod = initPod(c.policy);
        expect(plan(pod, c.build(new PodRuntime(pod)))).to.deep.equal(c.want);
      });
    }

    it('starts all app containers, in spec order, when the last init container is done', () => {
      const pod = aPod({ inits: ['init1'], apps: ['run1', 'run2', 'run3'] });
      const rt = new PodRuntime(pod).init('init1', 'exited');
      expect(plan(pod, rt)).to.deep.equal([
        start('app', 'run1', 0, 'initialized'),
        start('app', 'run2', 0, 'initialized'),
        start('app', 'run3', 0, 'initialized'),
      ]);
    });

    it('does not look at app containers while an init container is still running', () => {
      const pod = initPod();
      const rt = new PodRuntime(pod).init('init1', 'exited').init('init2', 'running');
      expect(plan(pod, rt).filter((a) => a.type === 'startContainer' && a.kind === 'app')).to.deep.equal([]);
    });
  });

  describe('crash-loop back-off of an init container', () => {
    const failedTwice = (pod: Pod): PodRuntime =>
      new PodRuntime(pod)
        .init('init1', 'exited', { exitCode: 1, finishedAt: NOW - 30_000 })
        .init('init1', 'exited', { exitCode: 1, finishedAt: NOW - 5_000 });

    it('waits with a backOff action until finishedAt + delay', () => {
      const pod = initPod('OnFailure');
      const backoff = backoffWith(pod, { init1: { delayMs: 10_000, lastUpdate: NOW - 8_000 } });
      expect(plan(pod, failedTwice(pod), { backoff })).to.deep.equal([
        prune('init1-0'),
        backOff('init', 'init1', 10_000, NOW + 5_000, 'init container init1 failed'),
      ]);
    });

    it('restarts once the delay has passed', () => {
      const pod = initPod('OnFailure');
      const backoff = backoffWith(pod, { init1: { delayMs: 4_000, lastUpdate: NOW - 8_000 } });
      expect(plan(pod, failedTwice(pod), { backoff })).to.deep.equal([
        prune('init1-0'),
        start('init', 'init1', 2, 'init container init1 failed'),
      ]);
    });

    it('restarts at once when the entry is older than 600 s before the exit', () => {
      const pod = initPod('OnFailure');
      const backoff = backoffWith(pod, { init1: { delayMs: 300_000, lastUpdate: NOW - 5_000 - 600_001 } });
      expect(plan(pod, failedTwice(pod), { backoff })).to.deep.equal([
        prune('init1-0'),
        start('init', 'init1', 2, 'init container init1 failed'),
      ]);
    });

    it('starts immediately after the first failure (no entry yet)', () => {
      const pod = initPod('OnFailure');
      const rt = new PodRuntime(pod).init('init1', 'exited', { exitCode: 1, finishedAt: NOW - 1_000 });
      expect(plan(pod, rt)).to.deep.equal([start('init', 'init1', 1, 'init container init1 failed')]);
    });
  });

  describe('image pull back-off', () => {
    const IMAGE = 'busybox:1.36'; // the builders' image
    /** The pull back-off table after failed pulls of `image`: the last one at lastUpdate. */
    const pullFailed = (lastUpdate: number, delayMs = 10_000, image = IMAGE): BackoffView => {
      const key = pullBackoffKey('uid-1', image);
      return (k) => (k === key ? { delayMs, lastUpdate } : undefined);
    };
    const pullBackOff = (kind: Kind, name: string, retryAt: number, reason: string): PodAction => ({
      type: 'pullBackOff',
      kind,
      name,
      image: IMAGE,
      retryAt,
      reason,
    });
    const requeue = (name: string, at: number): PodAction => ({
      type: 'requeue',
      name,
      at,
      reason: 'image pull failed: ErrImagePull shown',
    });

    /** Baseline: a running sandbox, run1 not created yet (its image could not be pulled). */
    const cases: { situation: string; pullBackoff?: BackoffView; want: PodAction[] }[] = [
      { situation: 'no failed pull: starts', want: [start('app', 'run1', 0, 'initialized')] },
      {
        situation: 'failed 0.5 s ago: ErrImagePull stays shown; comes back when the report is due',
        pullBackoff: pullFailed(NOW - 500),
        want: [requeue('run1', NOW + 500)],
      },
      {
        situation: 'failed 3 s ago: ImagePullBackOff until the delay has passed',
        pullBackoff: pullFailed(NOW - 3_000),
        want: [pullBackOff('app', 'run1', NOW + 7_000, 'initialized')],
      },
      {
        situation: 'a back-off shorter than the report: comes back when the back-off ends',
        pullBackoff: pullFailed(NOW - 200, 500),
        want: [requeue('run1', NOW + 300)],
      },
      {
        situation: 'the delay has passed: pulls (starts) again',
        pullBackoff: pullFailed(NOW - 10_000),
        want: [start('app', 'run1', 0, 'initialized')],
      },
      {
        situation: "another image's back-off does not hold this one",
        pullBackoff: pullFailed(NOW - 3_000, 10_000, 'busybox:1.37'),
        want: [start('app', 'run1', 0, 'initialized')],
      },
    ];
    for (const c of cases) {
      it(c.situation, () => {
        const pod = aPod();
        expect(
          plan(pod, new PodRuntime(pod), c.pullBackoff ? { pullBackoff: c.pullBackoff } : {}),
        ).to.deep.equal(c.want);
      });
    }

    it('holds an init container in a new sandbox the same way', () => {
      expect(plan(initPod(), null, { pullBackoff: pullFailed(NOW - 3_000) })).to.deep.equal([
        createSandbox(0, 'new pod'),
        pullBackOff('init', 'init1', NOW + 7_000, 'new pod'),
      ]);
    });

    it('crash-loop back-off comes first', () => {
      const pod = aPod();
      const rt = new PodRuntime(pod).app('run1', 'exited', { exitCode: 1, finishedAt: NOW - 5_000 });
      const backoff = backoffWith(pod, { run1: { delayMs: 20_000, lastUpdate: NOW - 10_000 } });
      expect(plan(pod, rt, { backoff, pullBackoff: pullFailed(NOW - 3_000) })).to.deep.equal([
        backOff('app', 'run1', 20_000, NOW + 15_000, 'container run1 exited'),
      ]);
    });
  });

  describe('initialized (app containers examined)', () => {
    it('keeps a running app container', () => {
      const pod = initPod();
      expect(plan(pod, initialized(pod))).to.deep.equal([]);
    });

    const exits: { policy: RestartPolicy; exitCode: number; want: PodAction[] }[] = [
      { policy: 'Always', exitCode: 0, want: [start('app', 'run1', 1, 'container run1 exited')] },
      { policy: 'Always', exitCode: 1, want: [start('app', 'run1', 1, 'container run1 exited')] },
      { policy: 'OnFailure', exitCode: 1, want: [start('app', 'run1', 1, 'container run1 exited')] },
      { policy: 'OnFailure', exitCode: 0, want: killPod('all containers completed') },
      { policy: 'Never', exitCode: 1, want: killPod('all containers completed') },
      { policy: 'Never', exitCode: 0, want: killPod('all containers completed') },
    ];
    for (const c of exits) {
      it(`${c.policy}: an app container that exited ${c.exitCode} ${c.want[0]?.type !== 'startContainer' ? 'is not restarted; the pod is killed' : 'is restarted'}`, () => {
        const pod = initPod(c.policy);
        const rt = new PodRuntime(pod)
          .init('init1', 'exited')
          .init('init2', 'exited')
          .app('run1', 'exited', { exitCode: c.exitCode });
        expect(plan(pod, rt)).to.deep.equal(c.want);
      });
    }

    it('does not kill the pod while another app container still runs (Never)', () => {
      const pod = aPod({ apps: ['run1', 'run2'], restartPolicy: 'Never' });
      const rt = new PodRuntime(pod).app('run1', 'exited', { exitCode: 1 }).app('run2', 'running');
      expect(plan(pod, rt)).to.deep.equal([]);
    });

    for (const policy of ['Always', 'OnFailure', 'Never'] as const) {
      it(`${policy}: kills and restarts an app container whose image changed`, () => {
        const pod = initPod(policy);
        const rt = initialized(pod);
        pod.spec.containers[0]!.image = 'busybox:1.37';
        expect(plan(pod, rt)).to.deep.equal([
          killFor('app', 'run1-0', 'Container run1 definition changed'),
          start('app', 'run1', 1, 'definition changed'),
        ]);
      });
    }

    // Seed rule 5 (the product's contract, where today's kubelet differs): changing an init container's image
    // restarts the pod, so every init container runs again with the new image.
    for (const policy of ['Always', 'OnFailure'] as const) {
      it(`${policy}: restarts the pod when a completed init container's image changed`, () => {
        const pod = initPod(policy);
        const rt = initialized(pod);
        pod.spec.initContainers![0]!.image = 'busybox:1.37';
        expect(plan(pod, rt)).to.deep.equal(
          killPod('init container init1 image changed', [['app', 'run1-0']]),
        );
      });
    }

    it('Never: ignores an image change of a completed init container (the pod could not restart)', () => {
      const pod = initPod('Never');
      const rt = initialized(pod);
      pod.spec.initContainers![0]!.image = 'busybox:1.37';
      expect(plan(pod, rt)).to.deep.equal([]);
    });

    it('does not re-run init containers whose records vanished while an app container runs', () => {
      const pod = initPod();
      const rt = new PodRuntime(pod).app('run1', 'running');
      expect(plan(pod, rt)).to.deep.equal([]);
    });

    it('removes an app instance that was created but never started, then starts it with the same count', () => {
      const pod = initPod();
      const rt = new PodRuntime(pod).init('init1', 'exited').init('init2', 'exited').app('run1', 'created');
      expect(plan(pod, rt)).to.deep.equal([
        remove('run1-0'),
        start('app', 'run1', 0, 'container run1 exited'),
      ]);
    });

    it('kills an app instance in unknown state before starting it again', () => {
      const pod = initPod();
      const rt = new PodRuntime(pod).init('init1', 'exited').init('init2', 'exited').app('run1', 'unknown');
      expect(plan(pod, rt)).to.deep.equal([
        kill('app', 'run1-0', 'state unknown'),
        start('app', 'run1', 1, 'container run1 exited'),
      ]);
    });

    it('kills and restarts an app container that failed its liveness probe (Always)', () => {
      const pod = aPod({ apps: [aContainer('run1', { livenessProbe: { exec: { command: ['true'] } } })] });
      const rt = new PodRuntime(pod).app('run1', 'running');
      const probe = probes({ 'run1-0/liveness': 'failure' });
      expect(plan(pod, rt, { probe })).to.deep.equal([
        killFor('app', 'run1-0', 'Container run1 failed liveness probe'),
        start('app', 'run1', 1, 'failed liveness probe'),
      ]);
    });

    it('kills the pod when the only app container fails its liveness probe under Never', () => {
      const pod = aPod({
        apps: [aContainer('run1', { livenessProbe: { exec: { command: ['true'] } } })],
        restartPolicy: 'Never',
      });
      const rt = new PodRuntime(pod).app('run1', 'running');
      const probe = probes({ 'run1-0/liveness': 'failure' });
      expect(plan(pod, rt, { probe })).to.deep.equal(
        killPod('all containers completed', [['app', 'run1-0']]),
      );
    });

    it('backs off a crashing app container until finishedAt + delay', () => {
      const pod = aPod();
      const rt = new PodRuntime(pod)
        .app('run1', 'exited', { exitCode: 1, finishedAt: NOW - 20_000 })
        .app('run1', 'exited', { exitCode: 1, finishedAt: NOW - 5_000 });
      const backoff = backoffWith(pod, { run1: { delayMs: 40_000, lastUpdate: NOW - 10_000 } });
      expect(plan(pod, rt, { backoff })).to.deep.equal([
        backOff('app', 'run1', 40_000, NOW + 35_000, 'container run1 exited'),
      ]);
    });

    it('still backs off when a newer instance was created but failed to start', () => {
      const pod = aPod();
      const rt = new PodRuntime(pod)
        .app('run1', 'exited', { exitCode: 1, finishedAt: NOW - 5_000 })
        .app('run1', 'created');
      const backoff = backoffWith(pod, { run1: { delayMs: 20_000, lastUpdate: NOW - 10_000 } });
      expect(plan(pod, rt, { backoff })).to.deep.equal([
        remove('run1-1'),
        backOff('app', 'run1', 20_000, NOW + 15_000, 'container run1 exited'),
      ]);
    });

    it('uses a fresh back-off key after an image change', () => {
      const pod = aPod();
      const rt = new PodRuntime(pod).app('run1', 'exited', { exitCode: 1, finishedAt: NOW - 5_000 });
      const backoff = backoffWith(pod, { run1: { delayMs: 300_000, lastUpdate: NOW - 10_000 } });
      pod.spec.containers[0]!.image = 'busybox:1.37';
      expect(plan(pod, rt, { backoff })).to.deep.equal([start('app', 'run1', 1, 'container run1 exited')]);
    });

    it('restarts nothing once the pod is being deleted', () => {
      const pod = aPod({ deletionTimestamp: '2026-01-01T00:59:00Z' });
      const rt = new PodRuntime(pod).app('run1', 'exited', { exitCode: 1 });
      expect(plan(pod, rt)).to.deep.equal(killPod('all containers completed'));
    });
  });

  describe('OnFailure pod whose app containers all exited 0', () => {
    it('kills the pod', () => {
      const pod = aPod({ apps: ['run1', 'run2'], restartPolicy: 'OnFailure' });
      const rt = new PodRuntime(pod).app('run1', 'exited').app('run2', 'exited');
      expect(plan(pod, rt)).to.deep.equal(killPod('all containers completed'));
    });

    it('then creates no new sandbox', () => {
      const pod = aPod({ apps: ['run1', 'run2'], restartPolicy: 'OnFailure' });
      const rt = new PodRuntime(pod).app('run1', 'exited').app('run2', 'exited').sandboxDies();
      expect(plan(pod, rt)).to.deep.equal([]);
    });
  });

  describe('sandbox died (seed rule 4: all init containers run again)', () => {
    it('kills the pod, creates sandbox attempt+1 and starts init #0 again', () => {
      const pod = initPod();
      const rt = initialized(pod).sandboxDies();
      expect(plan(pod, rt)).to.deep.equal([
        ...killPod('sandbox changed', [['app', 'run1-0']], []),
        createSandbox(1, 'sandbox changed'),
        start('init', 'init1', 1, 'sandbox changed'),
      ]);
    });

    it('does not kill anything when nothing runs any more', () => {
      const pod = initPod();
      const rt = new PodRuntime(pod)
        .init('init1', 'exited')
        .init('init2', 'exited')
        .app('run1', 'exited', { exitCode: 137 })
        .sandboxDies();
      expect(plan(pod, rt)).to.deep.equal([
        createSandbox(1, 'sandbox changed'),
        start('init', 'init1', 1, 'sandbox changed'),
      ]);
    });

    /** After the node came back: the old sandbox is dead, a new one runs. */
    const recreated = (pod: Pod): PodRuntime =>
      new PodRuntime(pod)
        .init('init1', 'exited')
        .init('init2', 'exited')
        .app('run1', 'exited', { exitCode: 137 })
        .sandboxDies()
        .sandbox();

    it('in the new sandbox, waits for init #0 although init #1 completed in the old one', () => {
      const pod = initPod();
      const rt = recreated(pod).init('init1', 'running');
      expect(plan(pod, rt)).to.deep.equal([prune('POD-0')]);
    });

    it('in the new sandbox, runs init #1 again after init #0', () => {
      const pod = initPod();
      const rt = recreated(pod).init('init1', 'exited');
      expect(plan(pod, rt)).to.deep.equal([
        prune('init1-0'),
        prune('POD-0'),
        start('init', 'init2', 1, 'init1 done'),
      ]);
    });

    it('in the new sandbox, starts app containers only after every init container ran again', () => {
      const pod = initPod();
      const rt = recreated(pod).init('init1', 'exited').init('init2', 'exited');
      expect(plan(pod, rt)).to.deep.equal([
        prune('init1-0'),
        prune('init2-0'),
        prune('POD-0'),
        start('app', 'run1', 1, 'initialized'),
      ]);
    });

    it('under Never with container statuses: kills what runs and creates no sandbox', () => {
      const pod = initPod('Never');
      expect(plan(pod, initialized(pod).sandboxDies())).to.deep.equal(
        killPod('pod finished (restartPolicy Never)', [['app', 'run1-0']], []),
      );
    });

    it('under Never with everything stopped: does nothing', () => {
      const pod = initPod('Never');
      const rt = new PodRuntime(pod).init('init1', 'exited', { exitCode: 1 }).sandboxDies();
      expect(plan(pod, rt)).to.deep.equal([]);
    });

    it('under Never before any container existed: creates the sandbox again', () => {
      const pod = initPod('Never');
      const rt = new PodRuntime(pod).sandboxDies();
      expect(plan(pod, rt)).to.deep.equal([
        createSandbox(1, 'sandbox changed'),
        start('init', 'init1', 0, 'sandbox changed'),
      ]);
    });

    it('under OnFailure: starts init #0 again when some app container has not succeeded', () => {
      const pod = aPod({ inits: ['init1'], apps: ['run1', 'run2'], restartPolicy: 'OnFailure' });
      const rt = new PodRuntime(pod)
        .init('init1', 'exited')
        .app('run1', 'exited')
        .app('run2', 'exited', { exitCode: 1 })
        .sandboxDies();
      expect(plan(pod, rt)).to.deep.equal([
        createSandbox(1, 'sandbox changed'),
        start('init', 'init1', 1, 'sandbox changed'),
      ]);
    });

    it('without init containers: starts the app containers that should run (OnFailure skips the succeeded)', () => {
      const pod = aPod({ apps: ['run1', 'run2'], restartPolicy: 'OnFailure' });
      const rt = new PodRuntime(pod)
        .app('run1', 'exited')
        .app('run2', 'exited', { exitCode: 1 })
        .sandboxDies();
      expect(plan(pod, rt)).to.deep.equal([
        createSandbox(1, 'sandbox changed'),
        start('app', 'run2', 1, 'sandbox changed'),
      ]);
    });
  });

  describe('sidecars (init containers with restartPolicy Always)', () => {
    const startupProbe = { exec: { command: ['true'] } };
    /** A sidecar with a startup probe, then a regular init container. */
    const sidecarPod = (restartPolicy: RestartPolicy = 'Always'): Pod =>
      aPod({ inits: [aSidecar('sc', { startupProbe }), 'init2'], restartPolicy });

    it('starts the sidecar first in a new pod', () => {
      expect(plan(sidecarPod(), null)).to.deep.equal([
        createSandbox(0, 'new pod'),
        start('init', 'sc', 0, 'new pod'),
      ]);
    });

    it('holds the next init container while the startup probe has no result', () => {
      const pod = sidecarPod();
      expect(plan(pod, new PodRuntime(pod).init('sc', 'running'))).to.deep.equal([]);
    });

    it('starts the next init container once the startup probe succeeded', () => {
      const pod = sidecarPod();
      const rt = new PodRuntime(pod).init('sc', 'running');
      expect(plan(pod, rt, { probe: probes({ 'sc-0/startup': 'success' }) })).to.deep.equal([
        start('init', 'init2', 0, 'sc done'),
      ]);
    });

    it('starts the next init container at once when the sidecar has no startup probe', () => {
      const pod = aPod({ inits: [aSidecar('sc'), 'init2'] });
      expect(plan(pod, new PodRuntime(pod).init('sc', 'running'))).to.deep.equal([
        start('init', 'init2', 0, 'sc done'),
      ]);
    });

    it('kills and restarts a sidecar that failed its startup probe, without starting the next one', () => {
      const pod = sidecarPod();
      const rt = new PodRuntime(pod).init('sc', 'running');
      expect(plan(pod, rt, { probe: probes({ 'sc-0/startup': 'failure' }) })).to.deep.equal([
        killFor('init', 'sc-0', 'Init container sc failed startup probe'),
        start('init', 'sc', 1, 'failed startup probe'),
      ]);
    });

    it('does not act on an image change before the startup probe answered', () => {
      const pod = sidecarPod();
      const rt = new PodRuntime(pod).init('sc', 'running');
      pod.spec.initContainers![0]!.image = 'busybox:1.37';
      expect(plan(pod, rt)).to.deep.equal([]);
    });

    for (const policy of ['Always', 'OnFailure', 'Never'] as const) {
      it(`${policy}: restarts a sidecar that exited while the next init container runs`, () => {
        const pod = sidecarPod(policy);
        const rt = new PodRuntime(pod).init('sc', 'exited', { exitCode: 0 }).init('init2', 'running');
        expect(plan(pod, rt)).to.deep.equal([start('init', 'sc', 1, 'sidecar exited')]);
      });
    }

    it('starts the app containers while the sidecar runs', () => {
      const pod = sidecarPod();
      const rt = new PodRuntime(pod).init('sc', 'running').init('init2', 'exited');
      expect(plan(pod, rt, { probe: probes({ 'sc-0/startup': 'success' }) })).to.deep.equal([
        start('app', 'run1', 0, 'initialized'),
      ]);
    });

    it('restarts a sidecar that exited after the app containers started, and keeps them', () => {
      const pod = sidecarPod();
      const rt = new PodRuntime(pod)
        .init('sc', 'exited', { exitCode: 1 })
        .init('init2', 'exited')
        .app('run1', 'running');
      expect(plan(pod, rt)).to.deep.equal([start('init', 'sc', 1, 'sidecar exited')]);
    });

    it('kills and restarts only the sidecar whose image changed', () => {
      const pod = sidecarPod();
      const rt = new PodRuntime(pod).init('sc', 'running').init('init2', 'exited').app('run1', 'running');
      pod.spec.initContainers![0]!.image = 'busybox:1.37';
      expect(plan(pod, rt, { probe: probes({ 'sc-0/startup': 'success' }) })).to.deep.equal([
        killFor('init', 'sc-0', 'Init container sc definition changed'),
        start('init', 'sc', 1, 'definition changed'),
      ]);
    });

    it('kills and restarts a sidecar that failed its liveness probe', () => {
      const pod = aPod({ inits: [aSidecar('sc', { livenessProbe: startupProbe })] });
      const rt = new PodRuntime(pod).init('sc', 'running').app('run1', 'running');
      expect(plan(pod, rt, { probe: probes({ 'sc-0/liveness': 'failure' }) })).to.deep.equal([
        killFor('init', 'sc-0', 'Init container sc failed liveness probe'),
        start('init', 'sc', 1, 'failed liveness probe'),
      ]);
    });

    it('restarts exited sidecars in spec order', () => {
      const pod = aPod({ inits: [aSidecar('sc1'), aSidecar('sc2')] });
      const rt = new PodRuntime(pod).init('sc1', 'exited').init('sc2', 'exited').app('run1', 'running');
      expect(plan(pod, rt)).to.deep.equal([
        start('init', 'sc1', 1, 'sidecar exited'),
        start('init', 'sc2', 1, 'sidecar exited'),
      ]);
    });

    it('kills before it starts: a restarted sidecar comes before the init container it unblocks', () => {
      const pod = aPod({ inits: [aSidecar('sc'), 'init2'] });
      const rt = new PodRuntime(pod).init('sc', 'running');
      pod.spec.initContainers![0]!.image = 'busybox:1.37';
      expect(plan(pod, rt)).to.deep.equal([
        killFor('init', 'sc-0', 'Init container sc definition changed'),
        start('init', 'sc', 1, 'definition changed'),
        start('init', 'init2', 0, 'sc done'),
      ]);
    });

    it('starts a sidecar that has no instance in an initialized pod', () => {
      const pod = aPod({ inits: [aSidecar('sc')] });
      const rt = new PodRuntime(pod).app('run1', 'running');
      expect(plan(pod, rt)).to.deep.equal([start('init', 'sc', 0, 'sidecar not running')]);
    });

    it('kills the pod when a regular init container after a sidecar fails under Never', () => {
      const pod = sidecarPod('Never');
      const rt = new PodRuntime(pod).init('sc', 'running').init('init2', 'exited', { exitCode: 1 });
      expect(plan(pod, rt, { probe: probes({ 'sc-0/startup': 'success' }) })).to.deep.equal(
        killPod('init container init2 failed', [['init', 'sc-0']]),
      );
    });

    it('kills the pod, and does not restart sidecars, when the app containers are done (OnFailure)', () => {
      const pod = aPod({ inits: [aSidecar('sc1'), aSidecar('sc2')], restartPolicy: 'OnFailure' });
      const rt = new PodRuntime(pod)
        .init('sc1', 'exited', { exitCode: 1 })
        .init('sc2', 'running')
        .app('run1', 'exited');
      expect(plan(pod, rt)).to.deep.equal(killPod('all containers completed', [['init', 'sc2-0']]));
    });
  });

  describe('pruning', () => {
    it('keeps the newest exited instance of each init container; a running one does not count', () => {
      const pod = initPod('OnFailure');
      const rt = new PodRuntime(pod)
        .init('init1', 'exited', { exitCode: 1 })
        .init('init1', 'exited', { exitCode: 1 })
        .init('init1', 'running');
      expect(plan(pod, rt)).to.deep.equal([prune('init1-0')]);
    });

    it('keeps two instances of each app container, newest first', () => {
      const pod = aPod();
      const rt = new PodRuntime(pod)
        .app('run1', 'exited', { exitCode: 1 })
        .app('run1', 'exited', { exitCode: 1 })
        .app('run1', 'exited', { exitCode: 1 })
        .app('run1', 'running');
      expect(plan(pod, rt)).to.deep.equal([prune('run1-1'), prune('run1-0')]);
    });

    it('removes stopped sandboxes except the newest', () => {
      const pod = aPod();
      const rt = new PodRuntime(pod).sandboxDies().sandbox().app('run1', 'running');
      expect(plan(pod, rt)).to.deep.equal([prune('POD-0')]);
    });
  });

  describe('ephemeral containers (kubectl debug)', () => {
    const debugged = (): Pod => {
      const pod = aPod();
      pod.spec.ephemeralContainers = [{ ...aContainer('dbg'), targetContainerName: 'run1' }];
      return pod;
    };
    const cases: { situation: string; build: (rt: PodRuntime) => PodRuntime; want: PodAction[] }[] = [
      {
        situation: 'added to a running pod: started once',
        build: (rt) => rt.app('run1', 'running'),
        want: [start('ephemeral', 'dbg', 0, 'ephemeral container added')],
      },
      {
        situation: 'running: left alone',
        build: (rt) => rt.app('run1', 'running').ephemeral('dbg', 'running'),
        want: [],
      },
      {
        situation: 'exited with an error: never restarted',
        build: (rt) => rt.app('run1', 'running').ephemeral('dbg', 'exited', { exitCode: 1 }),
        want: [],
      },
      {
        situation: 'created but never started: not started again (it has a status)',
        build: (rt) => rt.app('run1', 'running').ephemeral('dbg', 'created'),
        want: [],
      },
      {
        situation: 'started before the app containers, which it does not wait for',
        build: (rt) => rt,
        want: [
          start('ephemeral', 'dbg', 0, 'ephemeral container added'),
          start('app', 'run1', 0, 'initialized'),
        ],
      },
    ];
    for (const c of cases)
      it(c.situation, () => {
        const pod = debugged();
        expect(plan(pod, c.build(new PodRuntime(pod)))).to.deep.equal(c.want);
      });

    it('a new sandbox does not start it (only the spec containers come back)', () => {
      const pod = debugged();
      const rt = new PodRuntime(pod).app('run1', 'running').ephemeral('dbg', 'running').sandboxDies();
      expect(plan(pod, rt)).to.deep.equal([
        ...killPod(
          'sandbox changed',
          [
            ['app', 'run1-0'],
            ['ephemeral', 'dbg-0'],
          ],
          [],
        ),
        createSandbox(1, 'sandbox changed'),
        start('app', 'run1', 1, 'sandbox changed'),
      ]);
    });

    it('a deleted pod starts none', () => {
      const pod = debugged();
      pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
      expect(plan(pod, new PodRuntime(pod).app('run1', 'running'))).to.deep.equal([]);
    });
  });
});
