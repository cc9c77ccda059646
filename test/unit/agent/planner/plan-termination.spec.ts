// planTermination pins the kubelet's deletion order: every Killing event, every preStop hook at once,
// SIGTERM to the app containers, the sidecars one by one in reverse spec order, SIGKILL at the end of the
// grace period counted from the start, the sandboxes last; then the removal of everything. Every case
// starts from one healthy baseline and changes one thing; the expected value is the whole action list.
import { expect } from 'chai';
import type { Container, Pod } from '../../../../agent/model/pod';
import type { PodAction } from '../../../../agent/planner/actions';
import { planLeftoverRemoval, planTermination } from '../../../../agent/planner/plan-termination';
import { NOW, PodRuntime, aContainer, aPod, aSidecar } from '../../../helpers/builders';

type Kind = 'init' | 'app';
const nameOf = (id: string): string => id.replace(/-\d+$/, '');
const KILL_AT = NOW + 30_000; // the baseline's terminationGracePeriodSeconds: 30

const together = (...actions: PodAction[]): PodAction => ({ type: 'parallel', actions });
const announce = (kind: Kind, id: string): PodAction => ({
  type: 'recordKilling',
  id,
  name: nameOf(id),
  kind,
  message: `Stopping container ${nameOf(id)}`,
  reason: 'deleted',
});
const preStop = (kind: Kind, id: string, gracePeriodSeconds = 30): PodAction => ({
  type: 'preStop',
  id,
  name: nameOf(id),
  kind,
  gracePeriodSeconds,
  reason: 'deleted',
});
const stop = (id: string, killAt?: number, reason = 'deleted'): PodAction => ({
  type: 'stopContainer',
  id,
  name: nameOf(id),
  ...(killAt === undefined ? {} : { killAt }),
  reason,
});
const remove = (id: string, reason = 'deleted'): PodAction => ({
  type: 'removeContainer',
  id,
  name: nameOf(id),
  reason,
});
const removeVolume = (name: string, reason = 'deleted'): PodAction => ({
  type: 'removeVolume',
  name,
  reason,
});

const hook = { lifecycle: { preStop: { exec: { command: ['true'] } } } } satisfies Partial<Container>;

/** Baseline: two sidecars and two app containers, all running, no hooks, grace period 30 s. */
const sidecarPod = (o: { hooks?: boolean } = {}): Pod =>
  aPod({
    inits: [aSidecar('sc1', o.hooks ? hook : {}), aSidecar('sc2')],
    apps: [aContainer('run1', o.hooks ? hook : {}), 'run2'],
  });
/** The baseline with hooks, deleted with a grace period (DELETE ?gracePeriodSeconds=). */
const deletedWithin = (seconds: number): Pod => {
  const pod = sidecarPod({ hooks: true });
  pod.metadata.deletionGracePeriodSeconds = seconds;
  return pod;
};
const running = (pod: Pod): PodRuntime =>
  new PodRuntime(pod)
    .init('sc1', 'running')
    .init('sc2', 'running')
    .app('run1', 'running')
    .app('run2', 'running');
const ALL = ['POD-0', 'sc1-0', 'sc2-0', 'run1-0', 'run2-0'];
const announceAll = [
  announce('init', 'sc1-0'),
  announce('init', 'sc2-0'),
  announce('app', 'run1-0'),
  announce('app', 'run2-0'),
];

/** The baseline's stops after the first case: apps at once, sidecars in reverse spec order, the sandbox. */
const stops = (killAt?: number, sandbox = true): PodAction[] => [
  together(stop('run1-0', killAt), stop('run2-0', killAt)),
  stop('sc2-0', killAt),
  stop('sc1-0', killAt),
  ...(sandbox ? [stop('POD-0')] : []),
];
const removeAll = (ids = ALL): PodAction => together(...ids.map((id) => remove(id)));

const plan = (pod: Pod, rt: PodRuntime, volumes: string[] = []): PodAction[] =>
  planTermination(pod, rt.observed, volumes, { now: NOW });

describe('agent/planner/plan-termination', () => {
  const cases: {
    situation: string;
    pod?: () => Pod;
    build?: (rt: PodRuntime) => PodRuntime;
    volumes?: string[];
    want: PodAction[];
  }[] = [
    {
      situation: 'baseline: announce all, apps at once, sidecars in reverse spec order, sandbox, remove all',
      want: [
        ...announceAll,
        together(stop('run1-0', KILL_AT), stop('run2-0', KILL_AT)),
        stop('sc2-0', KILL_AT),
        stop('sc1-0', KILL_AT),
        stop('POD-0'),
        together(...ALL.map((id) => remove(id))),
      ],
    },
    {
      situation: 'preStop hooks: all of them at once, after every Killing event and before any SIGTERM',
      pod: () => sidecarPod({ hooks: true }),
      want: [
        ...announceAll,
        together(preStop('init', 'sc1-0'), preStop('app', 'run1-0')),
        ...stops(KILL_AT),
        removeAll(),
      ],
    },
    {
      situation: 'a deletion grace period overrides the spec: SIGKILL 5 s from now',
      pod: () => deletedWithin(5),
      want: [
        ...announceAll,
        together(preStop('init', 'sc1-0', 5), preStop('app', 'run1-0', 5)),
        ...stops(NOW + 5_000),
        removeAll(),
      ],
    },
    {
      situation: 'grace period 0 (forced): no preStop hook, SIGKILL at once',
      pod: () => deletedWithin(0),
      want: [...announceAll, ...stops(), removeAll()],
    },
    {
      situation: 'an exited app container is neither announced nor stopped, only removed',
      build: (rt) => rt.app('run1', 'exited', { id: 'run1-1' }),
      want: [...announceAll, ...stops(KILL_AT), removeAll([...ALL, 'run1-1'])],
    },
    {
      situation: 'a dead sandbox is not stopped',
      build: (rt) => rt.sandboxDies(),
      want: [...announceAll, ...stops(KILL_AT, false), removeAll()],
    },
    {
      situation: "volumes go one by one after the pod's containers",
      volumes: ['v1_uid-1', 'v2_uid-1'],
      want: [
        ...announceAll,
        ...stops(KILL_AT),
        removeAll(),
        removeVolume('v1_uid-1'),
        removeVolume('v2_uid-1'),
      ],
    },
  ];
  for (const c of cases) {
    it(c.situation, () => {
      const pod = c.pod ? c.pod() : sidecarPod();
      const rt = c.build ? c.build(running(pod)) : running(pod);
      expect(plan(pod, rt, c.volumes)).to.deep.equal(c.want);
    });
  }

  it('a single app container and its sandbox: no groups', () => {
    const pod = aPod();
    const rt = new PodRuntime(pod).app('run1', 'running');
    expect(plan(pod, rt)).to.deep.equal([
      announce('app', 'run1-0'),
      stop('run1-0', KILL_AT),
      stop('POD-0'),
      together(remove('POD-0'), remove('run1-0')),
    ]);
  });

  it('a pod gone from the store: stops whatever runs with the minimum grace period, then removes', () => {
    const rt = running(sidecarPod());
    expect(planTermination(undefined, rt.observed, ['v_uid-1'], { now: NOW })).to.deep.equal([
      together(...ALL.map((id) => stop(id, NOW + 2_000))),
      removeAll(),
      removeVolume('v_uid-1'),
    ]);
  });

  it('leftovers: containers and volumes of pods the store does not know are removed', () => {
    const known = running(sidecarPod()).observed;
    const stray = aPod();
    stray.metadata.uid = 'uid-2';
    const strays = new PodRuntime(stray).app('run1', 'running').observed;
    const volumes = ['v_uid-1', 'v_uid-2', 'w_uid-2'];
    expect(planLeftoverRemoval(new Set(['uid-1']), [...known, ...strays], volumes)).to.deep.equal([
      together(remove('POD-0', 'unknown pod'), remove('run1-0', 'unknown pod')),
      removeVolume('v_uid-2', 'unknown pod'),
      removeVolume('w_uid-2', 'unknown pod'),
    ]);
  });
});
