import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { MiniKubeletError } from '../../../../agent/errors';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { printPod } from '../../../../agent/status/print-pod';
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

  it('neither its own status write nor its own init start wakes the worker again: that round reported it', async () => {
    const ticks = async (): Promise<void> => {
      for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
    };
    await h.createPod({
      metadata: { name: 'o' },
      spec: {
        initContainers: [
          { name: 'init1', image: 'busybox' },
          { name: 'init2', image: 'busybox' },
        ],
        containers: [{ name: 'app', image: 'busybox' }],
      },
    });
    await ticks();
    const lists = (): number => rt.calls.filter((c) => c === 'listContainers').length;
    const before = lists();
    rt.exit(rt.find('o', 'init1')!.id, 0);
    await ticks();
    expect(rt.find('o', 'init2')?.state).to.equal('running');
    expect(h.pod('o')?.status.initContainerStatuses?.[1]?.state.running).to.not.equal(undefined);
    // the exit's round: its first look and its closing one; its status write wakes no other round
    expect(lists() - before).to.equal(2);
  });

  it('a round that plans nothing writes the status from its one look at the engine', async () => {
    await h.createPod({
      metadata: { name: 'idle' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const pod = await settle(h, 'idle');
    const lists = (): number => rt.calls.filter((c) => c === 'listContainers').length;
    const before = lists();
    await h.manager.syncNow(pod);
    expect(lists() - before).to.equal(1);
    rt.exit(rt.find('idle', 'c')!.id, 0); // what changed after that look wakes its own round
    expect((await settle(h, 'idle')).status.containerStatuses?.[0]?.restartCount).to.equal(1);
  });

  it('a Secret that arrives while a failing round still runs is not held back by that failure', async () => {
    const list = rt.listContainers.bind(rt);
    let armed = true;
    // The failing round's closing look at the engine: the Secret is created just then.
    rt.listContainers = async (uid?: string) => {
      if (armed && uid !== undefined) {
        armed = false;
        const secret = { metadata: { name: 'token' }, stringData: { t: 'tok' } };
        const res = await h.api.inject({
          method: 'POST',
          url: '/api/v1/namespaces/default/secrets',
          payload: secret,
        });
        expect(res.statusCode).to.equal(201);
      }
      return list(uid);
    };
    const env = [{ name: 'T', valueFrom: { secretKeyRef: { name: 'token', key: 't' } } }];
    await h.createPod({
      metadata: { name: 'late' },
      spec: {
        initContainers: [{ name: 'init', image: 'busybox', env }],
        containers: [{ name: 'c', image: 'busybox' }],
      },
    });
    // No clock advance: the retry hold of the failed round would never end.
    await h.waitFor('init created', () => rt.find('late', 'init'), 2_000);
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

  it('reports Scheduled as the default-scheduler does, the rest as the kubelet of the node', async () => {
    await h.createPod({ metadata: { name: 'e' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await settle(h, 'e');
    const from = (reason: string): object | undefined => {
      const ev = h.events.list().find((e) => e.reason === reason);
      return ev && { source: ev.source, by: ev.reportingComponent, instance: ev.reportingInstance };
    };
    // events.k8s.io events, as kube-scheduler records them, show no source once read as core/v1 Events
    expect(from('Scheduled')).to.deep.equal({
      source: {},
      by: 'default-scheduler',
      instance: 'default-scheduler-test-node',
    });
    expect(from('Started')).to.deep.equal({
      source: { component: 'kubelet', host: 'test-node' },
      by: 'kubelet',
      instance: 'test-node',
    });
  });

  it("keeps a deleted pod's events an hour (--event-ttl), beside those of a new pod of the same name", async () => {
    const spec = { containers: [{ name: 'c', image: 'busybox' }], terminationGracePeriodSeconds: 0 };
    const old = await h.createPod({ metadata: { name: 'x' }, spec });
    await settle(h, 'x');
    const res = await h.api.inject({ method: 'DELETE', url: '/api/v1/namespaces/default/pods/x' });
    expect(res.statusCode).to.equal(200);
    await h.waitFor('x gone', () => !h.pod('x'));
    const listed = async (): Promise<string[]> => {
      const list = await h.api.inject({ url: '/api/v1/namespaces/default/events' });
      const items = list.json<{ items: { involvedObject: { uid: string }; reason: string }[] }>().items;
      return items.map((e) => `${e.involvedObject.uid === old.metadata.uid ? 'old' : 'new'} ${e.reason}`);
    };
    expect(await listed()).to.include.members(['old Scheduled', 'old Started', 'old Killing']);
    clock.advance(1_800_000);
    await h.createPod({ metadata: { name: 'x' }, spec });
    await settle(h, 'x');
    expect(await listed()).to.include.members(['old Killing', 'new Scheduled', 'new Started']);
    clock.advance(1_800_000); // an hour after the old pod's last event, half an hour after the new one's
    const left = await listed();
    expect(left.filter((e) => e.startsWith('old'))).to.deep.equal([]);
    expect(left).to.include.members(['new Scheduled', 'new Started']);
  });

  it("reports the Node's InternalIP as the pod's hostIP, hostIPs and downward status.hostIP", async () => {
    await h.stop();
    h = await new Harness({ runtime: rt, clock, internalIP: () => '192.0.2.7' }).start();
    const env = [{ name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }];
    await h.createPod({
      metadata: { name: 'h' },
      spec: { containers: [{ name: 'c', image: 'busybox', env }] },
    });
    const pod = await settle(h, 'h');
    const node = await h.api.inject({ url: '/api/v1/nodes/test-node' });
    const addresses = node.json<{ status: { addresses: { type: string; address: string }[] } }>().status
      .addresses;
    expect(addresses).to.deep.include({ type: 'InternalIP', address: '192.0.2.7' });
    expect(pod.status).to.deep.include({ hostIP: '192.0.2.7', hostIPs: [{ ip: '192.0.2.7' }] });
    expect([...rt.containers.values()].find((c) => c.name === 'c')?.spec?.env).to.include('HOST=192.0.2.7');
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

  // Runtime errors that retrying will not cure show in the pod's status and events, as the kubelet shows
  // them, instead of only in the daemon's log (issue 18).
  const events = (name: string): string[][] =>
    h.events.list({ uid: h.pod(name)!.metadata.uid }).map((e) => [e.type, e.reason, e.message]);

  it('a sandbox the engine refuses: FailedCreatePodSandBox, and the containers say why they wait', async () => {
    const refused = '(HTTP code 431) unexpected - Request Header Fields Too Large';
    for (let i = 0; i < 3; i++)
      rt.injectError('createSandbox', new MiniKubeletError('RuntimeError', refused));
    await h.createPod({
      metadata: { name: 's' },
      spec: {
        initContainers: [{ name: 'i', image: 'busybox' }],
        containers: [{ name: 'c', image: 'busybox' }],
      },
    });
    let pod = await settle(h, 's').catch(() => h.pod('s')!);
    const message = `Failed to create pod sandbox: ${refused}`;
    expect(events('s')).to.deep.include(['Warning', 'FailedCreatePodSandBox', message]);
    for (const s of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])])
      expect(s.state.waiting, s.name).to.deep.equal({ reason: 'PodInitializing', message });
    expect(printPod(pod, clock.now()).status).to.equal('Init:0/1');
    // Once the engine takes it, the pod runs and the message is gone.
    for (let i = 0; i < 4; i++) {
      clock.advance(10_000);
      pod = await settle(h, 's').catch(() => h.pod('s')!);
      if (pod.status.phase === 'Running') break;
      rt.exit(rt.find('s', 'i')?.id ?? '', 0);
    }
    expect(pod.status.phase).to.equal('Running');
    expect(JSON.stringify(pod.status)).to.not.contain('Failed to create pod sandbox');
  });

  it('a malformed image: InvalidImageName with the kubelet words, no pull, no container', async () => {
    await h.createPod({
      metadata: { name: 'bad' },
      spec: { containers: [{ name: 'c', image: 'busybox --privileged' }] },
    });
    const pod = await settle(h, 'bad').catch(() => h.pod('bad')!);
    const message =
      'Failed to apply default image tag "busybox --privileged": couldn\'t parse image name "busybox --privileged": invalid reference format';
    expect(pod.status.containerStatuses?.[0]?.state.waiting).to.deep.equal({
      reason: 'InvalidImageName',
      message,
    });
    expect(printPod(pod, clock.now()).status).to.equal('InvalidImageName');
    expect(events('bad')).to.deep.include(['Warning', 'InspectFailed', message]);
    expect(events('bad')).to.deep.include(['Warning', 'Failed', 'Error: InvalidImageName']);
    expect(
      rt.calls.filter((c) => c.startsWith('ensureImage') || c.startsWith('createContainer')),
    ).to.deep.equal([]);
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
