import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { Harness } from '../../../helpers/harness';
import { settle } from '../../../helpers/settle';

const initPod = (name: string, restartPolicy = 'Always'): object => ({
  metadata: { name },
  spec: {
    restartPolicy,
    initContainers: [
      { name: 'init1', image: 'busybox' },
      { name: 'init2', image: 'busybox' },
    ],
    containers: [
      { name: 'app1', image: 'busybox' },
      { name: 'app2', image: 'busybox' },
    ],
  },
});

// Init order, restart policies, a lost sandbox and deletion are shared scenarios (test/scenarios), run on
// this runtime and on Docker; what stays here needs the manual clock or the worker's own rounds.
describe('agent/sync/pod-worker (memory runtime)', () => {
  let clock: ManualClock;
  let rt: MemoryRuntime;
  let h: Harness;

  beforeEach(async () => {
    clock = new ManualClock();
    rt = new MemoryRuntime(clock);
    h = await new Harness({ runtime: rt, clock }).start();
  });
  afterEach(async () => h.stop());

  it('retries a failed init container with back-off and never starts the apps meanwhile', async () => {
    await h.createPod(initPod('p'));
    await settle(h, 'p');
    rt.exit(rt.find('p', 'init1')!.id, 1);
    await settle(h, 'p');
    expect(rt.find('p', 'init1')).to.include({ attempt: 1, state: 'running' }); // first restart: at once
    rt.exit(rt.find('p', 'init1')!.id, 1);
    let pod = await settle(h, 'p');
    expect(rt.find('p', 'init1')).to.include({ attempt: 1, state: 'exited' }); // now 10 s of back-off
    expect(pod.status.initContainerStatuses?.[0]?.state.waiting?.reason).to.equal('CrashLoopBackOff');
    clock.advance(10_100);
    pod = await settle(h, 'p');
    expect(rt.find('p', 'init1')).to.include({ attempt: 2, state: 'running' });
    expect(rt.find('p', 'app1')).to.equal(undefined);
    expect(pod.status.initContainerStatuses?.[0]?.restartCount).to.equal(2);
  });

  it('records the kubelet events in order for a container start', async () => {
    await h.createPod({ metadata: { name: 'e' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await settle(h, 'e');
    const reasons = h.events
      .list()
      .filter((e) => !e.involvedObject.fieldPath || e.involvedObject.fieldPath === 'spec.containers{c}')
      .map((e) => e.reason);
    expect(reasons).to.deep.equal(['Scheduled', 'Pulled', 'Created', 'Started']);
    expect(h.events.list()[0]?.message).to.equal('Successfully assigned default/e to test-node');
  });

  it('reports ErrImagePull, ImagePullBackOff a second later, and pulls again only after the back-off', async () => {
    await h.createPod({
      metadata: { name: 'img' },
      spec: { containers: [{ name: 'c', image: 'nosuch:1' }] },
    });
    const waiting = async (): Promise<string | undefined> =>
      (await settle(h, 'img')).status.containerStatuses?.[0]?.state.waiting?.reason;
    const pulls = (): number => rt.calls.filter((c) => c === 'ensureImage nosuch:1').length;
    expect(await waiting()).to.equal('ErrImagePull');
    clock.advance(500);
    expect(await waiting()).to.equal('ErrImagePull');
    clock.advance(600);
    expect(await waiting()).to.equal('ImagePullBackOff');
    const backOff = h.events.list().find((e) => e.reason === 'BackOff');
    expect(backOff).to.include({ type: 'Normal', message: 'Back-off pulling image "nosuch:1"' });
    expect(pulls()).to.equal(1);
    rt.images.add('nosuch:1');
    clock.advance(9_000);
    await settle(h, 'img');
    expect(rt.find('img', 'c')?.state).to.equal('running');
    expect(pulls()).to.equal(2);
  });
});

describe('agent/sync/pod-manager (memory runtime)', () => {
  it('removes the containers and volumes of pods it does not know when it starts', async () => {
    const clock = new ManualClock();
    const rt = new MemoryRuntime(clock);
    await rt.ensureNetwork('mk-test', '10.245.0.0/16');
    const identity = { podUid: 'gone', podName: 'old', podNamespace: 'default', specHash: '' };
    await rt.createSandbox(
      {
        identity: { ...identity, kind: 'sandbox', name: 'POD', attempt: 0 },
        hostname: 'old',
        labels: {},
        mounts: [],
      },
      'mk-test',
    );
    await rt.ensureVolume({ name: 'data', podUid: 'gone', memory: false });
    const h = await new Harness({ runtime: rt, clock }).start();
    try {
      expect(rt.containers.size).to.equal(0);
      expect(rt.volumes.size).to.equal(0);
    } finally {
      await h.stop();
    }
  });
});
