// The Docker adapter's engine calls on the pod start path, against a fake engine that counts them: pod
// workers listing together share one engine listing (each gets its own pod's containers, and none a
// listing that began before it asked), and a sandbox is described once, at its creation.
import { expect } from 'chai';
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { nopLogger } from '../../../../agent/log';
import { DockerRuntime } from '../../../../agent/runtime/docker-runtime';
import { INSTANCE_LABEL, identityLabels } from '../../../../agent/runtime/labels';
import type { ContainerIdentity, SandboxSpec } from '../../../../agent/runtime/runtime';

const identity = (podUid: string, kind: ContainerIdentity['kind'], name: string): ContainerIdentity => ({
  podUid,
  podName: `pod-${podUid}`,
  podNamespace: 'default',
  kind,
  name,
  attempt: 0,
  specHash: kind === 'sandbox' ? '' : 'abcd1234',
});

interface FakeContainer {
  id: string;
  labels: Record<string, string>;
  state: 'created' | 'running' | 'exited';
  ip?: string;
  /** The engine's StartedAt and FinishedAt (default: started, not finished). */
  times?: { startedAt: string; finishedAt: string };
}

/** The engine calls the adapter makes on this path; listings answer only when the test releases them. */
class FakeEngine {
  readonly containers: FakeContainer[] = [];
  readonly calls: string[] = [];
  readonly events = new PassThrough();
  private held: (() => void)[] = [];
  private seq = 0;

  add(who: ContainerIdentity, state: FakeContainer['state'] = 'running'): FakeContainer {
    const c = {
      id: `c${++this.seq}`,
      labels: { ...identityLabels(who), [INSTANCE_LABEL]: 'default' },
      state,
    };
    this.containers.push(c);
    return c;
  }

  /** Answers the listings asked so far, each with the containers as they were when it was asked. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const answer of held) answer();
  }

  /** An events-stream line, as the engine writes it. */
  event(action: string, c: FakeContainer): void {
    const Attributes = c.labels;
    this.events.write(
      `${JSON.stringify({ Action: action, id: c.id, timeNano: Date.now() * 1e6, Actor: { Attributes } })}\n`,
    );
  }

  private summary(c: FakeContainer): Docker.ContainerInfo {
    return { Id: c.id, Labels: c.labels, State: c.state, Image: 'busybox', ImageID: 'sha256:b' } as never;
  }

  private inspect(c: FakeContainer): Docker.ContainerInspectInfo {
    const at = '2026-01-01T00:00:00.000Z';
    return {
      Id: c.id,
      Created: at,
      Image: 'sha256:b',
      Config: { Labels: c.labels, Image: 'busybox' },
      State: {
        Status: c.state,
        ExitCode: 0,
        OOMKilled: false,
        StartedAt: c.times?.startedAt ?? at,
        FinishedAt: c.times?.finishedAt ?? '0001-01-01T00:00:00Z',
      },
      NetworkSettings: { Networks: c.ip ? { pods: { IPAddress: c.ip } } : {} },
      HostConfig: { NetworkMode: 'pods' },
    } as never;
  }

  docker(): Docker {
    const container = (id: string) => ({
      id,
      inspect: () => {
        this.calls.push(`inspect ${id}`);
        const c = this.containers.find((x) => x.id === id);
        return c
          ? Promise.resolve(this.inspect(c))
          : Promise.reject(Object.assign(new Error('gone'), { statusCode: 404 }));
      },
      start: () => {
        this.calls.push(`start ${id}`);
        const c = this.containers.find((x) => x.id === id);
        if (c) Object.assign(c, { state: 'running', ip: '10.9.0.2' });
        return Promise.resolve();
      },
    });
    return {
      listContainers: () => {
        this.calls.push('list');
        const now = this.containers.map((c) => this.summary(c));
        return new Promise((resolve) => this.held.push(() => resolve(now)));
      },
      getContainer: container,
      createContainer: (o: { Labels: Record<string, string> }) => {
        this.calls.push('create');
        const c = { id: `c${++this.seq}`, labels: o.Labels, state: 'created' as const };
        this.containers.push(c);
        return Promise.resolve(container(c.id));
      },
      getEvents: () => Promise.resolve(this.events),
    } as unknown as Docker;
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const listings = (e: FakeEngine): number => e.calls.filter((c) => c === 'list').length;

describe('agent/runtime/docker-runtime: engine calls (fake engine)', () => {
  let engine: FakeEngine;
  let runtime: DockerRuntime;
  beforeEach(() => {
    engine = new FakeEngine();
    runtime = new DockerRuntime({ logger: nopLogger, docker: engine.docker() });
  });

  it('pod workers listing together cost one engine listing, each seeing only its pod', async () => {
    const a = engine.add(identity('a', 'app', 'web'));
    const b = engine.add(identity('b', 'app', 'web'));
    const both = Promise.all([
      runtime.listContainers('a'),
      runtime.listContainers('b'),
      runtime.listContainers(),
    ]);
    await tick();
    engine.release();
    const [mineA, mineB, all] = await both;
    expect(listings(engine)).to.equal(1);
    expect(mineA.map((c) => c.id)).to.deep.equal([a.id]);
    expect(mineB.map((c) => c.id)).to.deep.equal([b.id]);
    expect(all.map((c) => c.id)).to.have.members([a.id, b.id]);
  });

  it('a worker that asks while a listing is in flight gets a later one, with what it just made', async () => {
    const first = runtime.listContainers('a');
    await tick();
    const made = engine.add(identity('a', 'app', 'web')); // made after the first listing was asked for
    const late = runtime.listContainers('a');
    await tick();
    expect(listings(engine)).to.equal(1); // the late one waits for the first to end
    engine.release();
    expect(await first).to.deep.equal([]);
    await tick();
    expect(listings(engine)).to.equal(2);
    engine.release();
    expect((await late).map((c) => c.id)).to.deep.equal([made.id]);
  });

  it('describes a sandbox at its creation, IP included, and its own events do not make a listing inspect it again', async () => {
    const stop = new AbortController();
    await runtime.watchEvents(
      () => undefined,
      () => undefined,
      stop.signal,
    );
    const spec: SandboxSpec = {
      identity: identity('s', 'sandbox', 'POD'),
      hostname: 's',
      labels: {},
      mounts: [],
    };
    const made = await runtime.createSandbox(spec, 'pods');
    expect(made).to.include({ kind: 'sandbox', state: 'running', ip: '10.9.0.2' });
    expect(engine.calls).to.deep.equal(['create', `start ${made.id}`, `inspect ${made.id}`]);
    const sandbox = engine.containers[0]!;
    engine.event('create', sandbox);
    engine.event('start', sandbox);
    await tick();
    const listed = runtime.listContainers('s');
    await tick();
    engine.release();
    expect(await listed).to.deep.equal([made]);
    expect(engine.calls.filter((c) => c.startsWith('inspect'))).to.have.length(1);
    engine.event('die', sandbox); // a die is news: described afresh
    await tick();
    const after = runtime.listContainers('s');
    await tick();
    engine.release();
    await after;
    expect(engine.calls.filter((c) => c.startsWith('inspect'))).to.have.length(2);
    stop.abort();
  });

  it('never lists an exit before the start: a process that ended within a millisecond', async () => {
    // The engine records StartedAt once its start call returns and FinishedAt from the exit, which for such a
    // process can come first (seen on the real engine: FinishedAt 1 ms before StartedAt).
    const c = engine.add(identity('q', 'init', 'quick'), 'exited');
    c.times = { startedAt: '2026-12-07T06:31:54.673012345Z', finishedAt: '2026-12-07T06:31:54.672987654Z' };
    const listed = runtime.listContainers('q');
    await tick();
    engine.release();
    const [seen] = await listed;
    expect(seen).to.include({ state: 'exited', startedAt: Date.parse('2026-12-07T06:31:54.673Z') });
    expect(seen?.finishedAt).to.equal(seen?.startedAt);
  });
});
