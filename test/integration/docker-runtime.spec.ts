import { expect } from 'chai';
import Docker from 'dockerode';
import { ManualClock } from '../../agent/clock';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { containerName } from '../../agent/runtime/labels';
import type { ContainerIdentity, ObservedContainer, RuntimeEvent } from '../../agent/runtime/runtime';
import { errorCode } from '../../agent/errors';

const NETWORK = { name: 'mk-test', subnet: '10.245.0.0/16' };

const identity = (
  uid: string,
  kind: ContainerIdentity['kind'],
  name: string,
  extra: Partial<ContainerIdentity> = {},
): ContainerIdentity => ({
  podUid: uid,
  podName: 'rt-test',
  podNamespace: 'default',
  kind,
  name,
  attempt: 0,
  specHash: 'abcd1234',
  ...extra,
});

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('agent/runtime/docker-runtime (real engine)', () => {
  const runtime = new DockerRuntime({ logger: nopLogger });
  const uid = `rt-${Date.now()}`;
  const abort = new AbortController();
  const events: RuntimeEvent[] = [];

  before(async () => {
    await runtime.watchEvents(
      (e) => events.push(e),
      () => undefined,
      abort.signal,
    );
  });

  after(async () => {
    abort.abort();
    for (const c of await runtime.listContainers(uid)) await runtime.removeContainer(c.id);
    for (const v of await runtime.listVolumes(uid)) await runtime.removeVolume(v);
  });

  it('creates the pod network once and finds it again', async () => {
    const first = await runtime.ensureNetwork(NETWORK.name, NETWORK.subnet);
    const again = await runtime.ensureNetwork(NETWORK.name, NETWORK.subnet);
    expect(first).to.deep.equal(again);
    expect(first.gateway).to.equal('10.245.0.1');
  });

  it('runs a sandbox with an IP and a container in its network namespace, learning the exit from events', async () => {
    const made = await runtime.createSandbox(
      { identity: identity(uid, 'sandbox', 'POD'), hostname: 'rt-test', labels: { app: 'x' }, mounts: [] },
      NETWORK.name,
    );
    const sandboxId = made.id;
    const [sandbox] = await runtime.listContainers(uid);
    expect(sandbox).to.deep.equal(made);
    expect(sandbox?.kind).to.equal('sandbox');
    expect(sandbox?.state).to.equal('running');
    expect(sandbox?.ip).to.match(/^10\.245\./);

    const id = await runtime.createContainer({
      identity: identity(uid, 'app', 'app', { sandboxId, attempt: 3 }),
      image: 'busybox',
      command: [
        'sh',
        '-c',
        'hostname; ip -4 addr show eth0 | grep -o "inet [0-9.]*"; echo to-stderr >&2; exit 7',
      ],
      env: ['A=1'],
      mounts: [],
    });
    await runtime.startContainer(id);
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.type === 'die' && e.containerId === id) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(events.some((e) => e.type === 'die' && e.containerId === id && e.podUid === uid)).to.equal(true);

    const app = (await runtime.listContainers(uid)).find((c) => c.id === id);
    expect(app).to.include({
      kind: 'app',
      name: 'app',
      attempt: 3,
      state: 'exited',
      exitCode: 7,
      sandboxId,
      specHash: 'abcd1234',
    });
    expect(app?.finishedAt).to.be.a('number');
    const logs = await readAll(await runtime.logs(id, {}));
    expect(logs)
      .to.contain('rt-test')
      .and.contain(`inet ${sandbox?.ip ?? 'none'}`)
      .and.contain('to-stderr');
    const tail = await readAll(await runtime.logs(id, { tailLines: 1 }));
    expect(tail.trim().split('\n')).to.have.length(1);
  });

  it('describes an exited container from its events, without an inspect, as an inspect would', async () => {
    // Right after `die` an inspect waits for Docker's cleanup of the container: the exit code, the times and
    // an OOM kill come from the events stream instead.
    const docker = new Docker();
    const inspected: string[] = [];
    const getContainer = docker.getContainer.bind(docker);
    docker.getContainer = (id: string) => {
      const c = getContainer(id);
      const inspect = c.inspect.bind(c) as () => Promise<Docker.ContainerInspectInfo>;
      c.inspect = (() => {
        inspected.push(id);
        return inspect();
      }) as typeof c.inspect;
      return c;
    };
    const told = new DockerRuntime({ logger: nopLogger, docker });
    const podUid = `${uid}-facts`;
    // Listed the moment its `start` or `die` arrives, as the pod worker does: Docker's listing still says
    // `running` for a moment after `die`.
    const listedAfter = { start: new Map<string, Promise<ObservedContainer[]>>(), die: new Map() };
    const stop = new AbortController();
    await told.watchEvents(
      (e) => {
        if (e.type === 'start' || e.type === 'die')
          listedAfter[e.type].set(e.containerId, told.listContainers(podUid));
      },
      () => undefined,
      stop.signal,
    );
    try {
      const { id: sandboxId } = await told.createSandbox(
        { identity: identity(podUid, 'sandbox', 'POD'), hostname: 'facts', labels: {}, mounts: [] },
        NETWORK.name,
      );
      const run = async (
        name: string,
        script: string,
        memoryBytes?: number,
        until: 'start' | 'die' = 'die',
      ): Promise<[string, ObservedContainer | undefined]> => {
        const id = await told.createContainer({
          identity: identity(podUid, 'init', name, { sandboxId }),
          image: 'busybox',
          command: ['sh', '-c', script],
          env: [],
          mounts: [],
          ...(memoryBytes ? { memoryBytes } : {}),
        });
        await told.startContainer(id);
        const deadline = Date.now() + 10_000;
        const listed = listedAfter[until] as Map<string, Promise<ObservedContainer[]>>;
        while (!listed.has(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        return [id, (await listed.get(id))?.find((c) => c.id === id)];
      };
      const [failed, failedSeen] = await run('exit3', 'exit 3');
      const [oom, oomSeen] = await run(
        'oom',
        'a=$(head -c 64000000 /dev/zero | tr "\\0" x)',
        16 * 1024 * 1024,
      );
      const [sleeper, sleeperSeen] = await run('sleeper', 'sleep 30', undefined, 'start');
      expect(inspected.filter((id) => [failed, oom, sleeper].includes(id))).to.deep.equal([]);
      expect(failedSeen).to.include({ state: 'exited', exitCode: 3, oomKilled: false });
      expect(oomSeen).to.include({ state: 'exited', exitCode: 137, oomKilled: true });
      expect(sleeperSeen).to.include({ state: 'running', exitCode: 0 });

      const byEvents = await told.listContainers(podUid);
      const byInspect = await new DockerRuntime({ logger: nopLogger }).listContainers(podUid);
      for (const id of [failed, oom, sleeper]) {
        const a = byEvents.find((c) => c.id === id);
        const b = byInspect.find((c) => c.id === id);
        const { createdAt, startedAt, finishedAt, ...rest } = a ?? { createdAt: NaN };
        const { createdAt: bc, startedAt: bs, finishedAt: bf, ...restB } = b ?? { createdAt: NaN };
        expect(rest).to.deep.equal(restB);
        // An event's time is taken when the engine is done (a create event comes at the end of a create
        // that may take a while on a busy machine); the inspect has the engine's own timestamps, from before.
        for (const [what, x, y] of [
          ['created', createdAt, bc],
          ['started', startedAt, bs],
          ['finished', finishedAt, bf],
        ] as const)
          if (y !== undefined || x !== undefined)
            expect((x ?? NaN) - (y ?? NaN), `${what}: event time - engine time`).to.be.within(-2, 2000);
      }
    } finally {
      stop.abort();
      for (const c of await runtime.listContainers(podUid)) await runtime.removeContainer(c.id);
    }
  });

  it('names containers the dockershim way so docker ps says which pod and container', async () => {
    const names = (
      await new Docker().listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${uid}`] } })
    ).map((c) => c.Names[0]);
    expect(names).to.include(`/${containerName(identity(uid, 'app', 'app', { attempt: 3 }))}`);
    expect(names).to.include(`/k8s_POD_rt-test_default_${uid}_0`);
  });

  it('fails a pull that cannot succeed with ImagePullError and the engine message', async () => {
    const err = await runtime.ensureImage('127.0.0.1:1/nosuch:1', 'if-missing').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(errorCode(err)).to.equal('ImagePullError');
    expect(String(err)).to.match(/127\.0\.0\.1:1/);
  });

  it('finds a local image without pulling, and refuses a missing one under pull policy Never', async () => {
    expect((await runtime.ensureImage('docker.io/busybox', 'if-missing')).id).to.match(/^sha256:/);
    const err = await runtime.ensureImage('nosuch-local-image:1', 'never').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(errorCode(err)).to.equal('ImagePullError');
  });

  it('ages its image cache by the injected clock: a removed image is missed once 30 s passed on that clock', async () => {
    const clock = new ManualClock();
    const timed = new DockerRuntime({ logger: nopLogger, clock });
    const docker = new Docker();
    await docker.getImage('busybox:latest').tag({ repo: 'busybox', tag: 'clock-test' });
    await timed.ensureImage('busybox:clock-test', 'never');
    await docker.getImage('busybox:clock-test').remove();
    await timed.ensureImage('busybox:clock-test', 'never'); // still cached
    clock.advance(31_000);
    const err = await timed.ensureImage('busybox:clock-test', 'never').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(errorCode(err)).to.equal('ImagePullError');
  });

  it('stops and removes idempotently', async () => {
    const [c] = await runtime.listContainers(uid);
    await runtime.stopContainer(c!.id, 1);
    await runtime.stopContainer(c!.id, 1);
    await runtime.removeContainer(c!.id);
    await runtime.removeContainer(c!.id);
    expect((await runtime.listContainers(uid)).map((x) => x.id)).not.to.include(c!.id);
  });

  it('creates labelled volumes, in memory when asked, and lists them per pod', async () => {
    const name = await runtime.ensureVolume({ name: 'cache', podUid: uid, memory: true });
    expect(await runtime.listVolumes(uid)).to.deep.equal([name]);
    await runtime.removeVolume(name);
    expect(await runtime.listVolumes(uid)).to.deep.equal([]);
  });

  it('sees only what its own instance made: two agents on one engine leave each other alone', async () => {
    const other = new DockerRuntime({ logger: nopLogger, instance: 'someone-else' });
    const { id: sandbox } = await other.createSandbox(
      { identity: identity(uid, 'sandbox', 'POD', { attempt: 9 }), hostname: 'x', labels: {}, mounts: [] },
      NETWORK.name,
    );
    try {
      expect((await runtime.listContainers(uid)).map((c) => c.id)).not.to.include(sandbox);
      expect((await runtime.listContainers()).map((c) => c.id)).not.to.include(sandbox);
      expect((await other.listContainers(uid)).map((c) => c.id)).to.deep.equal([sandbox]);
    } finally {
      await other.removeContainer(sandbox);
    }
  });
});
