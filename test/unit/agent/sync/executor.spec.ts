// The executor on the memory runtime: it carries out planned deletions in order with the grace period
// counted from the start, returns one result per step, and ends a run only on the failures that should.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../agent/clock';
import { EventRecorder } from '../../../../agent/events/recorder';
import { nopLogger } from '../../../../agent/log';
import type { Container, Pod } from '../../../../agent/model/pod';
import type { PodAction } from '../../../../agent/planner/actions';
import { planPod } from '../../../../agent/planner/plan-pod';
import { planTermination } from '../../../../agent/planner/plan-termination';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import type { ObservedContainer } from '../../../../agent/runtime/runtime';
import type { Executor } from '../../../../agent/sync/executor';
import { type PodRuntimeState, foldResults } from '../../../../agent/sync/step-result';
import { aContainer, aPod, aSidecar } from '../../../helpers/builders';
import { memoryExecutor } from '../../../helpers/memory-executor';

/** A memory runtime whose exec (the preStop hook) takes hookMs and exits hookExit; it notes stop timeouts. */
class HookRuntime extends MemoryRuntime {
  readonly stops: string[] = [];
  hookMs = 0;
  hookExit = 0;
  constructor(private readonly manual: ManualClock) {
    super(manual);
    this.images.add('busybox:1.36');
  }
  override async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.stops.push(`${this.containers.get(id)?.name ?? id} ${timeoutSeconds}`);
    await super.stopContainer(id, timeoutSeconds);
  }
  override async exec(
    id: string,
    command: string[],
    timeoutMs: number,
  ): Promise<{ exitCode: number; output: string }> {
    const out = await super.exec(id, command, timeoutMs);
    this.manual.advance(this.hookMs);
    return { ...out, exitCode: this.hookExit, output: this.hookExit ? 'hook failed' : '' };
  }
}

const hook = {
  lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 4'] } } },
} satisfies Partial<Container>;

describe('agent/sync/executor (memory runtime)', () => {
  let clock: ManualClock;
  let rt: HookRuntime;
  let events: EventRecorder;
  let executor: Executor;
  let dataDir: string;

  beforeEach(async () => {
    clock = new ManualClock();
    rt = new HookRuntime(clock);
    await rt.ensureNetwork('mk-test', '10.245.0.0/16');
    events = new EventRecorder({ clock, logger: nopLogger, host: 'test-node' });
    dataDir = mkdtempSync(join(tmpdir(), 'mk-executor-'));
    executor = memoryExecutor({ rt, clock, events, dataDir });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const observe = (pod: Pod): Promise<ObservedContainer[]> => rt.listContainers(pod.metadata.uid);
  const run = async (pod: Pod, actions: PodAction[]) =>
    executor.run(pod, await observe(pod), actions, nopLogger);

  /** Plans and runs rounds until every container of the pod runs. */
  async function startAll(pod: Pod): Promise<void> {
    const ctx = { now: clock.now(), backoff: () => undefined, pullBackoff: () => undefined };
    for (let i = 0; i < 6; i++) await run(pod, planPod(pod, await observe(pod), ctx));
    const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
    for (const n of names) expect(rt.find(pod.metadata.name, n)?.state, n).to.equal('running');
  }

  const deleteAll = async (pod: Pod) =>
    run(pod, planTermination(pod, await observe(pod), [], { now: clock.now() }));

  const sidecarPod = (grace: number): Pod => {
    const pod = aPod({
      inits: [aSidecar('sc1'), aSidecar('sc2')],
      apps: [aContainer('run1', hook), 'run2'],
    });
    pod.spec.terminationGracePeriodSeconds = grace;
    return pod;
  };

  it('deletes in order: Killing events, preStop, apps, sidecars in reverse, sandbox; grace counted from the start', async () => {
    const pod = sidecarPod(30);
    await startAll(pod);
    rt.calls.length = 0;
    rt.hookMs = 4_000;
    const { steps, failed } = await deleteAll(pod);
    expect(failed).to.equal(undefined);
    expect(steps.every((s) => s.ok)).to.equal(true);
    // the hook took 4 s of the 30: every container gets the remaining 26 s before SIGKILL (apps at once)
    expect(rt.stops.slice(0, 2).sort()).to.deep.equal(['run1 26', 'run2 26']);
    expect(rt.stops.slice(2)).to.deep.equal(['sc2 26', 'sc1 26', 'POD 0']);
    const order = rt.calls
      .map((c) => c.replace(/^exec \S+ .*/, 'preStop'))
      .filter((c) => !c.startsWith('list'));
    expect(order[0]).to.equal('preStop');
    expect(order.slice(1, 3).sort()).to.deep.equal(['stopContainer run1', 'stopContainer run2']);
    expect(order.slice(3, 6)).to.deep.equal(['stopContainer sc2', 'stopContainer sc1', 'stopContainer POD']);
    expect(rt.containers.size).to.equal(0);
    const killing = events.list().filter((e) => e.reason === 'Killing');
    expect(killing.map((e) => e.message).sort()).to.deep.equal([
      'Stopping container run1',
      'Stopping container run2',
      'Stopping container sc1',
      'Stopping container sc2',
    ]);
  });

  it('never gives SIGKILL sooner than 2 s, even when the preStop hook used up the grace period', async () => {
    const pod = sidecarPod(3);
    await startAll(pod);
    rt.hookMs = 5_000;
    await deleteAll(pod);
    expect(rt.stops.slice(0, 2).sort()).to.deep.equal(['run1 2', 'run2 2']);
    expect(rt.stops.slice(2)).to.deep.equal(['sc2 2', 'sc1 2', 'POD 0']);
  });

  it('records a failed preStop hook as FailedPreStopHook and still stops the container', async () => {
    const pod = sidecarPod(30);
    await startAll(pod);
    rt.hookExit = 1;
    const { failed } = await deleteAll(pod);
    expect(failed).to.equal(undefined);
    const ev = events.list().find((e) => e.reason === 'FailedPreStopHook');
    expect(ev?.message).to.match(/^PreStopHook failed: command .* exited with 1: hook failed$/);
    expect(ev?.involvedObject.fieldPath).to.equal('spec.containers{run1}');
    expect(rt.find('p', 'run1')).to.equal(undefined);
  });

  it('a kill in a sync round counts its grace period from its own start', async () => {
    const pod = aPod({ apps: [aContainer('run1', hook), aContainer('run2', hook)] });
    await startAll(pod);
    rt.hookMs = 4_000;
    const run1 = rt.find('p', 'run1')!;
    const kill = (id: string, name: string): PodAction => ({
      type: 'killContainer',
      id,
      name,
      kind: 'app',
      message: `Container ${name} definition changed`,
      preStop: true,
      gracePeriodSeconds: 30,
      reason: 'definition changed',
    });
    await run(pod, [kill(run1.id, 'run1'), kill(rt.find('p', 'run2')!.id, 'run2')]);
    // two hooks of 4 s one after the other: each kill still has 26 s left of its own grace period
    expect(rt.stops).to.deep.equal(['run1 26', 'run2 26']);
    expect(
      events
        .list()
        .filter((e) => e.reason === 'Killing')
        .map((e) => e.message),
    ).to.deep.equal(['Container run1 definition changed', 'Container run2 definition changed']);
  });

  it('a failed prune is housekeeping: the run goes on', async () => {
    const pod = aPod({ apps: ['run1'] });
    await startAll(pod);
    const old = rt.find('p', 'run1')!;
    rt.exit(old.id, 1);
    rt.injectError('removeContainer', new Error('removal of container is already in progress'));
    const { steps, failed } = await run(pod, [
      { type: 'pruneContainer', id: old.id, name: 'run1', reason: 'pruned' },
      { type: 'startContainer', kind: 'app', name: 'run1', restartCount: 1, reason: 'container run1 exited' },
    ]);
    expect(failed).to.equal(undefined);
    expect(steps.map((s) => [s.action, s.ok])).to.deep.equal([
      ['pruneContainer', false],
      ['startContainer', true],
    ]);
    expect(steps[0]?.message).to.equal('removal of container is already in progress');
    expect(rt.find('p', 'run1')).to.include({ attempt: 1, state: 'running' });
  });

  it('returns start failures as results: an app container does not end the run, a regular init container does', async () => {
    const pod = aPod({ inits: ['init1'], apps: ['run1', 'run2'] });
    await run(pod, [{ type: 'createSandbox', attempt: 0, reason: 'new pod' }]);
    const start = (kind: 'init' | 'app', name: string): PodAction => ({
      type: 'startContainer',
      kind,
      name,
      restartCount: 0,
      reason: 'test',
    });
    rt.injectError('createContainer', new Error('no space left on device'));
    const apps = await run(pod, [start('app', 'run1'), start('app', 'run2')]);
    expect(apps.failed).to.equal(undefined);
    expect(apps.steps).to.deep.include({
      action: 'startContainer',
      target: 'run1',
      ok: false,
      error: apps.steps[0]?.error,
      message: 'no space left on device',
      waiting: { reason: 'CreateContainerError', message: 'no space left on device' },
      retryAt: clock.now() + 10_000,
    });
    expect(apps.steps[1]).to.deep.equal({
      action: 'startContainer',
      target: 'run2',
      ok: true,
      waiting: 'none',
    });

    rt.injectError('createContainer', new Error('no space left on device'));
    const init = await run(pod, [start('init', 'init1'), start('app', 'run1')]);
    expect(init.failed?.target).to.equal('init1');
    expect(init.steps.map((s) => s.target)).to.deep.equal(['init1']);
  });

  it('reports a failed pull as ErrImagePull, due again when ImagePullBackOff should show', async () => {
    const pod = aPod({ apps: [aContainer('run1', { image: 'nosuch:1' })] });
    await run(pod, [{ type: 'createSandbox', attempt: 0, reason: 'new pod' }]);
    const { steps } = await run(pod, [
      { type: 'startContainer', kind: 'app', name: 'run1', restartCount: 0, reason: 'initialized' },
    ]);
    expect(steps[0]).to.include({ ok: false, retryAt: clock.now() + 1_000 });
    expect(steps[0]?.waiting).to.deep.equal({
      reason: 'ErrImagePull',
      message: 'Failed to pull image "nosuch:1": not found',
    });
  });

  it('folds results into the pod state: waiting reasons by container, the earliest retry', () => {
    const state: PodRuntimeState = { waiting: new Map([['run1', { reason: 'ErrImagePull' }]]) };
    foldResults(state, [
      { action: 'startContainer', target: 'run1', ok: true, waiting: 'none' },
      { action: 'backOff', target: 'run2', ok: true, waiting: { reason: 'CrashLoopBackOff' }, retryAt: 20 },
      { action: 'requeue', target: 'run3', ok: true, retryAt: 10 },
    ]);
    expect([...state.waiting]).to.deep.equal([['run2', { reason: 'CrashLoopBackOff' }]]);
    expect(state.retryAt).to.equal(10);
  });
});
