// A pod's IfNotPresent images are pulled together when its first sandbox is made (agent/images/image-prefetch.ts),
// through the executor on the memory runtime, and nothing else changes: each container still says
// Pulling/Pulled at its turn, the pull policy and the pull secrets hold, a failed pull shows on its own
// container when its turn comes, one image is pulled once, and no more than the limit run at once.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../agent/clock';
import { EventRecorder } from '../../../../agent/events/recorder';
import { nopLogger } from '../../../../agent/log';
import type { Secret } from '../../../../agent/model/config-objects';
import type { Container, Pod } from '../../../../agent/model/pod';
import type { PodAction } from '../../../../agent/planner/actions';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import type { ImageInfo, PullOptions } from '../../../../agent/runtime/runtime';
import type { Executor } from '../../../../agent/sync/executor';
import { memoryExecutor } from '../../../helpers/memory-executor';
import { aContainer, aPod } from '../../../helpers/builders';

/** A memory runtime whose registry pulls wait until released, noting each pull's image and credentials. */
class RegistryRuntime extends MemoryRuntime {
  readonly pulls: { ref: string; user: string | undefined }[] = [];
  private readonly held: (() => void)[] = [];
  constructor(clock: ManualClock) {
    super(clock);
    this.pullGate = () => new Promise<void>((resolve) => this.held.push(resolve));
  }
  override ensureImage(
    ref: string,
    pull: 'always' | 'if-missing' | 'never',
    options: PullOptions = {},
  ): Promise<ImageInfo> {
    const onPull = (): void => {
      this.pulls.push({ ref, user: options.auth?.username });
      options.onPull?.();
    };
    return super.ensureImage(ref, pull, { ...options, onPull });
  }
  release(): void {
    for (const r of this.held.splice(0)) r();
  }
}

const ticks = async (n = 10): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

const pullSecret: Secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'regcred', namespace: 'default', uid: '', creationTimestamp: '', resourceVersion: '' },
  type: 'kubernetes.io/dockerconfigjson',
  data: {
    '.dockerconfigjson': Buffer.from(
      JSON.stringify({ auths: { 'reg.local:5000': { username: 'u', password: 'p' } } }),
    ).toString('base64'),
  },
};

describe('agent/images/image-prefetch (parallel pulls through the executor, memory runtime)', () => {
  let clock: ManualClock;
  let rt: RegistryRuntime;
  let events: EventRecorder;
  let executor: Executor;
  let dataDir: string;

  beforeEach(async () => {
    clock = new ManualClock();
    rt = new RegistryRuntime(clock);
    rt.images.add('busybox:1.36');
    for (const r of ['reg.local:5000/a:1', 'reg.local:5000/b:1', 'reg.local:5000/c:1']) rt.registry.add(r);
    await rt.ensureNetwork('mk-test', '10.245.0.0/16');
    events = new EventRecorder({ clock, logger: nopLogger, host: 'test-node' });
    dataDir = mkdtempSync(join(tmpdir(), 'mk-prefetch-'));
    executor = memoryExecutor({
      rt,
      clock,
      events,
      dataDir,
      sources: { configMap: () => undefined, secret: (_ns, n) => (n === 'regcred' ? pullSecret : undefined) },
      prefetch: 3,
    });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const img = (x: string): string => `reg.local:5000/${x}:1`;
  const threeImages = (extra: Partial<Container> = {}): Pod =>
    aPod({
      inits: [
        aContainer('i1', { image: img('a'), ...extra }),
        aContainer('i2', { image: img('b'), ...extra }),
      ],
      apps: [aContainer('run1', { image: img('c'), ...extra })],
    });
  const run = async (pod: Pod, actions: PodAction[]) =>
    executor.run(pod, await rt.listContainers(pod.metadata.uid), actions, nopLogger);
  const sandbox = (pod: Pod) => run(pod, [{ type: 'createSandbox', attempt: 0, reason: 'new pod' }]);
  const start = (pod: Pod, kind: 'init' | 'app', name: string) =>
    run(pod, [{ type: 'startContainer', kind, name, restartCount: 0, reason: 'initialized' }]);
  const eventsOf = (path: string): string[] =>
    events
      .list()
      .filter((e) => e.involvedObject.fieldPath === path)
      .map((e) => `${e.reason} ${e.message.replace(/ in \S+ \(\S+ including waiting\)/, '')}`);

  it('pulls every missing image of the pod at once when its sandbox is made', async () => {
    const pod = threeImages();
    await sandbox(pod);
    await ticks();
    expect(rt.pulls.map((p) => p.ref)).to.deep.equal([img('a'), img('b'), img('c')]);
    expect(events.list().filter((e) => e.reason === 'Pulling')).to.have.length(0); // nobody's turn yet
  });

  it('says Pulling and Successfully pulled on each container at its turn, and pulls each image once', async () => {
    const pod = threeImages();
    await sandbox(pod);
    await ticks();
    rt.release();
    for (const [kind, name] of [
      ['init', 'i1'],
      ['init', 'i2'],
      ['app', 'run1'],
    ] as const) {
      const { failed } = await start(pod, kind, name);
      expect(failed, name).to.equal(undefined);
    }
    const path = (k: string, n: string): string => `spec.${k}{${n}}`;
    expect(eventsOf(path('initContainers', 'i1'))).to.deep.equal([
      `Pulling Pulling image "${img('a')}"`,
      `Pulled Successfully pulled image "${img('a')}". Image size: 4321000 bytes.`,
      'Created Created container i1',
      'Started Started container i1',
    ]);
    expect(eventsOf(path('containers', 'run1')).slice(0, 2)).to.deep.equal([
      `Pulling Pulling image "${img('c')}"`,
      `Pulled Successfully pulled image "${img('c')}". Image size: 4321000 bytes.`,
    ]);
    expect(rt.pulls).to.have.length(3);
  });

  it('a turn that comes while its early pull still runs waits for it, then starts the container', async () => {
    const pod = threeImages();
    await sandbox(pod);
    await ticks();
    let done = false;
    const turn = start(pod, 'init', 'i1').then(() => (done = true));
    await ticks();
    expect(done).to.equal(false);
    expect(eventsOf('spec.initContainers{i1}')).to.deep.equal([`Pulling Pulling image "${img('a')}"`]);
    rt.release();
    await turn;
    expect(rt.find('p', 'i1')?.state).to.equal('running');
    expect(rt.pulls).to.have.length(3);
  });

  it('a failed early pull shows on its own container at its turn (ErrImagePull, back-off), not before', async () => {
    const pod = threeImages();
    pod.spec.containers[0]!.image = 'reg.local:5000/nosuch:1';
    await sandbox(pod);
    await ticks();
    rt.release();
    await ticks();
    expect(events.list().filter((e) => e.type === 'Warning')).to.have.length(0);
    await start(pod, 'init', 'i1');
    await start(pod, 'init', 'i2');
    const { steps } = await start(pod, 'app', 'run1');
    expect(steps[0]?.waiting).to.deep.equal({
      reason: 'ErrImagePull',
      message: 'Failed to pull image "reg.local:5000/nosuch:1": not found',
    });
    const failed = events.list().filter((e) => e.reason === 'Failed');
    expect(failed.map((e) => e.involvedObject.fieldPath)).to.deep.equal(['spec.containers{run1}']);
    // one attempt, as a pull at the turn alone would make
    expect(rt.calls.filter((c) => c === 'ensureImage reg.local:5000/nosuch:1')).to.have.length(1);
  });

  it('a second container with the same image finds it present, as after a serial pull', async () => {
    const pod = aPod({
      inits: [aContainer('i1', { image: img('a') })],
      apps: [aContainer('run1', { image: img('a') })],
    });
    await sandbox(pod);
    await ticks();
    rt.release();
    await start(pod, 'init', 'i1');
    await start(pod, 'app', 'run1');
    expect(eventsOf('spec.containers{run1}')[0]).to.equal(
      `Pulled Container image "${img('a')}" already present on machine`,
    );
    expect(rt.pulls).to.have.length(1);
  });

  it('Always, Never and malformed images are not pulled ahead; Always pulls at its turn', async () => {
    const pod = aPod({
      inits: [aContainer('i1', { image: img('a'), imagePullPolicy: 'Always' })],
      apps: [
        aContainer('run1', { image: img('b'), imagePullPolicy: 'Never' }),
        aContainer('run2', { image: 'busybox --privileged' }),
        'run3',
      ],
    });
    await sandbox(pod);
    await ticks();
    expect(rt.calls.filter((c) => c.startsWith('ensureImage'))).to.deep.equal(['ensureImage busybox:1.36']);
    const turn = start(pod, 'init', 'i1');
    await ticks();
    rt.release();
    await turn;
    expect(rt.pulls.map((p) => p.ref)).to.deep.equal([img('a')]);
    expect(eventsOf('spec.initContainers{i1}').slice(0, 2)).to.deep.equal([
      `Pulling Pulling image "${img('a')}"`,
      `Pulled Successfully pulled image "${img('a')}". Image size: 4321000 bytes.`,
    ]);
  });

  it('the Pulled event gives the pull its own time, not the time its turn waited', async () => {
    const pod = threeImages();
    await sandbox(pod);
    await ticks();
    clock.advance(1500);
    rt.release();
    await ticks();
    clock.advance(60_000); // the init containers run meanwhile
    await start(pod, 'init', 'i1');
    const pulled = events.list().find((e) => e.reason === 'Pulled');
    expect(pulled?.message).to.equal(
      `Successfully pulled image "${img('a')}" in 1.5s (1.5s including waiting). Image size: 4321000 bytes.`,
    );
  });

  it('pulls one image once for two pods admitted together; each pod tells the pull as its own', async () => {
    const p1 = aPod({ apps: [aContainer('run1', { image: img('a') })] });
    const p2 = aPod({ apps: [aContainer('run1', { image: img('a') })] });
    p2.metadata = { ...p2.metadata, name: 'p2', uid: 'uid-2' };
    await sandbox(p1);
    await sandbox(p2);
    await ticks();
    rt.release();
    await start(p1, 'app', 'run1');
    await start(p2, 'app', 'run1');
    expect(rt.pulls).to.have.length(1);
    for (const p of [p1, p2]) {
      const mine = events.list({ uid: p.metadata.uid }).filter((e) => e.reason === 'Pulled');
      expect(mine.map((e) => e.message.replace(/ in \S+ \(\S+ including waiting\)/, ''))).to.deep.equal([
        `Successfully pulled image "${img('a')}". Image size: 4321000 bytes.`,
      ]);
    }
  });

  it("runs at most the limit at once; a deleted pod's queued pulls are dropped, a started one finishes", async () => {
    executor = memoryExecutor({ rt, clock, events, dataDir, prefetch: 1 });
    const pod = threeImages();
    await sandbox(pod);
    await ticks();
    expect(rt.pulls.map((p) => p.ref)).to.deep.equal([img('a')]);
    executor.forgetPod(pod.metadata.uid);
    rt.release();
    await ticks(30);
    expect(rt.pulls.map((p) => p.ref)).to.deep.equal([img('a')]);
    expect(rt.images.has(img('a'))).to.equal(true);
    expect(rt.images.has(img('b'))).to.equal(false);
  });

  it('with the limit, pulls beyond it start as earlier ones end', async () => {
    executor = memoryExecutor({ rt, clock, events, dataDir, prefetch: 2 });
    await sandbox(threeImages());
    await ticks();
    expect(rt.pulls.map((p) => p.ref)).to.deep.equal([img('a'), img('b')]);
    rt.release();
    await ticks();
    expect(rt.pulls.map((p) => p.ref)).to.deep.equal([img('a'), img('b'), img('c')]);
  });

  it("a pod's sandbox never waits for the early pulls' slots (the pause image is not pulled through them)", async () => {
    executor = memoryExecutor({ rt, clock, events, dataDir, prefetch: 1 });
    await sandbox(threeImages()); // holds the only slot with a's pull
    await ticks();
    const second = threeImages();
    second.metadata = { ...second.metadata, name: 'q', uid: 'uid-2' };
    const { failed } = await sandbox(second);
    expect(failed).to.equal(undefined);
    expect(rt.find('q', 'POD')?.state, 'the second sandbox runs while the slot is taken').to.equal('running');
    expect(rt.pulls.map((p) => p.ref)).to.deep.equal([img('a')]);
  });

  it('pulls ahead with the pod’s image pull secrets, and warns of a missing one only at a turn', async () => {
    const pod = threeImages();
    pod.spec.imagePullSecrets = [{ name: 'regcred' }, { name: 'gone' }];
    await sandbox(pod);
    await ticks();
    expect(rt.pulls.map((p) => p.user)).to.deep.equal(['u', 'u', 'u']);
    expect(events.list().filter((e) => e.reason === 'FailedToRetrieveImagePullSecret')).to.have.length(0);
    rt.release();
    await start(pod, 'init', 'i1');
    expect(events.list().filter((e) => e.reason === 'FailedToRetrieveImagePullSecret')).to.have.length(1);
  });
});
