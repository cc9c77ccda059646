// The ContainerRuntime port's promises (agent/runtime/runtime.ts), as tests any implementation must pass:
// test/unit/contract runs them on MemoryRuntime, test/integration/runtime-contract.spec.ts on DockerRuntime.
// Where the fake and the engine differ, the engine is right and the fake is fixed.
import { expect } from 'chai';
import { errorCode } from '../../agent/errors';
import type {
  ContainerIdentity,
  ContainerKind,
  ContainerRuntime,
  ObservedContainer,
  RuntimeEvent,
} from '../../agent/runtime/runtime';
import { echoThenExit, type Program, sleepForever } from '../scenarios/programs';

export interface RuntimeUnderTest {
  runtime: ContainerRuntime;
  /** A network to ensure, and a subnet it may already have on this engine. */
  network: { name: string; subnet: string };
  /** A local image; `missingImage` is not local and cannot be pulled. */
  image: string;
  missingImage: string;
  stop(): Promise<void>;
}

export interface RuntimeFactory {
  name: string;
  timeoutMs: number;
  create(): Promise<RuntimeUnderTest>;
}

let counted = 0;
/** How many contract tests this run defined (printed with the scenario count). */
export const contractTests = (): number => counted;

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

export function runtimeContract(factory: RuntimeFactory): void {
  describe(`ContainerRuntime contract (${factory.name})`, function () {
    this.timeout(factory.timeoutMs);
    let t: RuntimeUnderTest;
    let rt: ContainerRuntime;
    let uid: string;
    let seq = 0;
    const events: RuntimeEvent[] = [];
    const abort = new AbortController();

    before(async () => {
      t = await factory.create();
      rt = t.runtime;
      await rt.ensureNetwork(t.network.name, t.network.subnet);
      await rt.watchEvents(
        (e) => events.push(e),
        () => undefined,
        abort.signal,
      );
    });
    beforeEach(() => {
      uid = `contract-${process.pid}-${Date.now()}-${++seq}`;
    });
    afterEach(async () => {
      for (const c of await rt.listContainers(uid)) await rt.removeContainer(c.id);
      for (const v of await rt.listVolumes(uid)) await rt.removeVolume(v);
    });
    after(async () => {
      abort.abort();
      await t.stop();
    });

    const test = (title: string, fn: () => Promise<void>): void => {
      counted++;
      it(title, fn);
    };
    const identity = (kind: ContainerKind, name: string, extra: Partial<ContainerIdentity> = {}) => ({
      podUid: uid,
      podName: 'contract',
      podNamespace: 'default',
      kind,
      name,
      attempt: 0,
      specHash: 'cafe1234',
      ...extra,
    });
    const createSandbox = (
      extra: { hostNetwork?: boolean; attempt?: number } = {},
    ): Promise<ObservedContainer> =>
      rt.createSandbox(
        {
          identity: identity('sandbox', 'POD', { attempt: extra.attempt ?? 0 }),
          hostname: 'contract',
          labels: {},
          mounts: [],
          ...(extra.hostNetwork ? { hostNetwork: true } : {}),
        },
        t.network.name,
      );
    const sandbox = async (extra: { hostNetwork?: boolean; attempt?: number } = {}): Promise<string> =>
      (await createSandbox(extra)).id;
    const container = async (
      name: string,
      program: Program,
      extra: Partial<ContainerIdentity> = {},
    ): Promise<string> =>
      rt.createContainer({
        identity: identity('app', name, { sandboxId: extra.sandboxId ?? (await sandbox()), ...extra }),
        image: t.image,
        command: program.command,
        env: [],
        mounts: [],
      });
    const observed = async (id: string): Promise<ObservedContainer> => {
      const c = (await rt.listContainers(uid)).find((x) => x.id === id);
      if (!c) throw new Error(`container ${id} not listed`);
      return c;
    };
    const until = async (what: string, check: () => Promise<boolean> | boolean): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const eventsOf = (id: string): string[] => events.filter((e) => e.containerId === id).map((e) => e.type);

    test('ping resolves and version names the engine', async () => {
      await rt.ping();
      expect(await rt.version())
        .to.be.a('string')
        .and.not.equal('');
    });

    test('ensureNetwork is idempotent and names a gateway in the subnet', async () => {
      const first = await rt.ensureNetwork(t.network.name, t.network.subnet);
      expect(await rt.ensureNetwork(t.network.name, t.network.subnet)).to.deep.equal(first);
      expect(first).to.include({ name: t.network.name, subnet: t.network.subnet });
      const prefix = t.network.subnet.split('.').slice(0, 2).join('.');
      expect(first.gateway.startsWith(`${prefix}.`)).to.equal(true);
    });

    test('a sandbox runs at once, with an IP in the network subnet, and is listed as the sandbox', async () => {
      const id = await sandbox();
      const c = await observed(id);
      expect(c).to.include({ kind: 'sandbox', name: 'POD', state: 'running', podUid: uid });
      const prefix = t.network.subnet.split('.').slice(0, 2).join('.');
      expect(c.ip?.startsWith(`${prefix}.`), `ip ${c.ip}`).to.equal(true);
      expect(c.hostNetwork ?? false).to.equal(false);
      expect(c.startedAt).to.be.a('number');
    });

    test('createSandbox describes the sandbox as the listing does, its IP included', async () => {
      for (const hostNetwork of [false, true]) {
        const made = await createSandbox({ hostNetwork, attempt: hostNetwork ? 1 : 0 });
        expect(made, `hostNetwork ${hostNetwork}`).to.deep.equal(await observed(made.id));
      }
    });

    test('a hostNetwork sandbox has no IP of its own and says so', async () => {
      const c = await observed(await sandbox({ hostNetwork: true }));
      expect(c.hostNetwork).to.equal(true);
      expect(c.ip ?? '').to.equal('');
    });

    test('identity round-trips through the runtime (labels): uid, names, kind, attempt, hash, sandbox', async () => {
      const sandboxId = await sandbox({ attempt: 2 });
      const id = await rt.createContainer({
        identity: identity('init', 'setup', { attempt: 3, sandboxId }),
        image: t.image,
        command: sleepForever.command,
        env: [],
        mounts: [],
      });
      const c = await observed(id);
      expect(c).to.deep.include(identity('init', 'setup', { attempt: 3, sandboxId }));
      expect((await observed(sandboxId)).attempt).to.equal(2);
      expect(c.image).to.equal(t.image);
      expect(c.imageId).to.match(/^sha256:/);
    });

    test('a created container is listed as created until started, then running', async () => {
      const id = await container('app', sleepForever);
      expect((await observed(id)).state).to.equal('created');
      await rt.startContainer(id);
      const c = await observed(id);
      expect(c.state).to.equal('running');
      expect(c.startedAt).to.be.a('number');
      await rt.startContainer(id); // already started is fine
    });

    test('an exit is listed with its code and times, and reported as a die event', async () => {
      const id = await container('app', echoThenExit('bye', 3));
      await rt.startContainer(id);
      await until('exited', async () => (await observed(id)).state === 'exited');
      const c = await observed(id);
      expect(c).to.include({ exitCode: 3, oomKilled: false });
      expect(c.finishedAt).to.be.at.least(c.startedAt!);
      await until('die event', () => eventsOf(id).includes('die'));
      expect(events.find((e) => e.containerId === id)?.podUid).to.equal(uid);
    });

    test('events tell create, start, die, stop and destroy, for this pod', async () => {
      const id = await container('app', sleepForever);
      await rt.startContainer(id);
      await rt.stopContainer(id, 0);
      await rt.removeContainer(id);
      await until('destroy event', () => eventsOf(id).includes('destroy'));
      expect(eventsOf(id)).to.include.members(['create', 'start', 'die', 'stop', 'destroy']);
      const order = ['create', 'start', 'die', 'destroy'].map((type) => eventsOf(id).indexOf(type));
      expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    });

    test('stop kills what ignores SIGTERM after the timeout; stopping again, or a gone container, is fine', async () => {
      const id = await container('app', sleepForever);
      await rt.startContainer(id);
      await rt.stopContainer(id, 0);
      const c = await observed(id);
      expect(c.state).to.equal('exited');
      expect(c.exitCode).to.equal(137);
      await rt.stopContainer(id, 0);
      await rt.removeContainer(id);
      await rt.stopContainer(id, 0);
    });

    test('remove takes a running container away; removing again is fine', async () => {
      const id = await container('app', sleepForever);
      await rt.startContainer(id);
      await rt.removeContainer(id);
      expect((await rt.listContainers(uid)).map((c) => c.id)).to.not.include(id);
      await rt.removeContainer(id);
    });

    test('listContainers lists one pod newest first, and every managed container without a pod', async () => {
      const first = await sandbox();
      const second = await container('app', sleepForever, { sandboxId: first });
      const mine = await rt.listContainers(uid);
      expect(mine.map((c) => c.id)).to.include.members([first, second]);
      expect(mine[0]!.createdAt).to.be.at.least(mine[mine.length - 1]!.createdAt);
      expect(mine.every((c) => c.podUid === uid)).to.equal(true);
      expect((await rt.listContainers()).map((c) => c.id)).to.include.members([first, second]);
      expect(await rt.listContainers(`${uid}-none`)).to.deep.equal([]);
    });

    test('a second container with a taken identity is refused', async () => {
      const sandboxId = await sandbox();
      const spec = {
        identity: identity('app', 'twice', { sandboxId }),
        image: t.image,
        command: sleepForever.command,
        env: [],
        mounts: [],
      };
      await rt.createContainer(spec);
      expect(errorCode(await rejection(rt.createContainer(spec)))).to.equal('RuntimeError');
    });

    test('starting or reading the logs of a missing container is NotFound', async () => {
      expect(errorCode(await rejection(rt.startContainer('0123456789ab0000')))).to.equal('NotFound');
      expect(errorCode(await rejection(rt.logs('0123456789ab0000', {})))).to.equal('NotFound');
    });

    test('logs give the output, all of it or the last lines', async () => {
      const id = await container('app', echoThenExit('one\ntwo\nthree', 0));
      await rt.startContainer(id);
      await until('exited', async () => (await observed(id)).state === 'exited');
      expect(await readAll(await rt.logs(id, {}))).to.equal('one\ntwo\nthree\n');
      expect(await readAll(await rt.logs(id, { tailLines: 1 }))).to.equal('three\n');
    });

    test('logs with timestamps put an RFC 3339 time before each line', async () => {
      const id = await container('app', echoThenExit('one\ntwo', 0));
      await rt.startContainer(id);
      await until('exited', async () => (await observed(id)).state === 'exited');
      const lines = (await readAll(await rt.logs(id, { timestamps: true }))).split('\n');
      expect(lines.pop()).to.equal('');
      for (const l of lines) expect(l).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /);
      expect(lines.map((l) => l.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /, ''))).to.deep.equal([
        'one',
        'two',
      ]);
    });

    test('stopping a container that never started is fine and leaves it created', async () => {
      const id = await container('app', sleepForever);
      await rt.stopContainer(id, 0);
      expect((await observed(id)).state).to.equal('created');
    });

    test('exec runs a command in a running container and gives its exit code and output', async () => {
      const id = await container('app', sleepForever);
      await rt.startContainer(id);
      expect(await rt.exec(id, echoThenExit('probe', 3).command, 5_000)).to.deep.equal({
        exitCode: 3,
        output: 'probe\n',
      });
    });

    test('exec in a container that is not running fails; in a missing one it is NotFound', async () => {
      const id = await container('app', sleepForever);
      expect(errorCode(await rejection(rt.exec(id, sleepForever.command, 5_000)))).to.equal('RuntimeError');
      expect(errorCode(await rejection(rt.exec('0123456789ab0000', ['true'], 5_000)))).to.equal('NotFound');
    });

    test('attach to a container that has exited fails at once (the engine would wait for a start)', async () => {
      const id = await container('app', echoThenExit('done', 0));
      await rt.startContainer(id);
      await until('exited', async () => (await observed(id)).state === 'exited');
      const options = { stdin: true, stdout: true, stderr: true, tty: false };
      expect(errorCode(await rejection(rt.attachStream(id, options)))).to.equal('RuntimeError');
    });

    test('volumes: ensured idempotently, listed per pod, removed (again is fine)', async () => {
      const name = await rt.ensureVolume({ name: 'cache', podUid: uid, memory: true });
      expect(await rt.ensureVolume({ name: 'cache', podUid: uid, memory: true })).to.equal(name);
      expect(await rt.listVolumes(uid)).to.deep.equal([name]);
      expect(await rt.listVolumes()).to.include(name);
      expect(await rt.listVolumes(`${uid}-none`)).to.deep.equal([]);
      await rt.removeVolume(name);
      await rt.removeVolume(name);
      expect(await rt.listVolumes(uid)).to.deep.equal([]);
    });

    test('ensureImage finds a local image under every policy but always; a missing one is ImagePullError', async () => {
      for (const policy of ['if-missing', 'never'] as const)
        expect((await rt.ensureImage(t.image, policy)).id).to.match(/^sha256:/);
      for (const policy of ['if-missing', 'never', 'always'] as const)
        expect(errorCode(await rejection(rt.ensureImage(t.missingImage, policy))), policy).to.equal(
          'ImagePullError',
        );
    });

    test('hostPath is the path itself outside a container', async () => {
      expect(await rt.hostPath('/tmp')).to.equal('/tmp');
    });

    test('watchEvents stops calling once its signal aborts', async () => {
      const seen: RuntimeEvent[] = [];
      const stop = new AbortController();
      await rt.watchEvents(
        (e) => seen.push(e),
        () => undefined,
        stop.signal,
      );
      stop.abort();
      await new Promise((r) => setTimeout(r, 100));
      const id = await container('app', sleepForever);
      await until('create event on the main watch', () => eventsOf(id).includes('create'));
      expect(seen.filter((e) => e.podUid === uid)).to.deep.equal([]);
    });
  });
}
