// State that survives: kill -9 of the daemon at chosen moments (fault injection in the runtime port) and a
// restart of the engine under a running pod; each ends in the state the spec asks for, checked through
// the API and through Docker. (The engine restart stops every container on the machine: CI runs suites
// one after another.)
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import {
  type Daemon,
  getPod,
  randomPort,
  startDaemon,
  until,
  untilReady,
  removeDataDir,
} from '../helpers/daemon';

const docker = new Docker();
const REPO = join(__dirname, '..', '..', '..');

const podYaml = (name: string, init = 'sleep 2'): string => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: init1, image: busybox, command: ['sh', '-c', '${init}']}
  containers:
  - {name: app, image: busybox, command: ['sleep', '3600']}
`;

async function post(d: Daemon, yaml: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${d.url}/pods`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: yaml,
    });
    return res.status;
  } catch {
    return undefined; // the daemon died before answering: not acknowledged
  }
}

async function containers(uid: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${uid}`] } });
}

const nameCount = (list: Docker.ContainerInfo[], container: string): number =>
  list.filter((c) => c.Labels['io.kubernetes.container.name'] === container).length;

describe('recovery (real engine)', function () {
  this.timeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-recovery-'));
  const port = randomPort();
  let d: Daemon | undefined;

  const restart = async (env: Record<string, string> = {}): Promise<Daemon> => {
    d = startDaemon(dataDir, port, env);
    return untilReady(d, 60_000);
  };
  const running = (daemon: Daemon, name: string) =>
    until(
      `${name} running`,
      async () => {
        const p = await getPod(daemon, name);
        return p?.status.phase === 'Running' && p.status.containerStatuses?.[0]?.state.running
          ? p
          : undefined;
      },
      30_000,
    );

  afterEach(async () => {
    if (d && d.proc.exitCode === null && d.proc.signalCode === null) {
      d.proc.kill('SIGTERM');
      await d.exited;
    }
  });
  after(async () => {
    const daemon = await restart();
    for (const p of ['mid-init', 'unborn', 'half-made', 'engine', 'annotated']) {
      await fetch(`${daemon.url}/pods/${p}?gracePeriodSeconds=0`, { method: 'DELETE' });
    }
    await fetch(`${daemon.url}/api/v1/namespaces/default/services/annotated`, { method: 'DELETE' });
    await until(
      'pods gone',
      async () =>
        ((await (await fetch(`${daemon.url}/pods`)).json()) as { items: unknown[] }).items.length === 0,
    );
    daemon.proc.kill('SIGTERM');
    await daemon.exited;
    removeDataDir(dataDir);
  });

  it('kill -9 during an init container: the restarted agent adopts it and goes on, nothing runs twice', async () => {
    let daemon = await restart();
    expect(await post(daemon, podYaml('mid-init', 'sleep 3'))).to.equal(201);
    const pod = await until('init1 running', async () => {
      const p = await getPod(daemon, 'mid-init');
      return p?.status.initContainerStatuses?.[0]?.state.running ? p : undefined;
    });
    const initId = pod.status.initContainerStatuses![0]!.containerID;
    daemon.proc.kill('SIGKILL');
    await daemon.exited;
    daemon = await restart();
    const after = await running(daemon, 'mid-init');
    expect(after.status.initContainerStatuses?.[0]).to.include({ restartCount: 0, containerID: initId });
    expect(after.status.containerStatuses?.[0]?.restartCount).to.equal(0);
    const list = await containers(after.metadata.uid);
    expect([nameCount(list, 'POD'), nameCount(list, 'init1'), nameCount(list, 'app')]).to.deep.equal([
      1, 1, 1,
    ]);
  });

  it('kill -9 after a label or annotation PATCH (metadata only): the acknowledged change survives', async () => {
    let daemon = await restart();
    const api = `${daemon.url}/api/v1/namespaces/default`;
    expect(await post(daemon, podYaml('annotated', 'true'))).to.equal(201);
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'annotated' },
      spec: { ports: [{ port: 80 }] },
    };
    const created = await fetch(`${api}/services`, {
      method: 'POST',
      body: JSON.stringify(svc),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).to.equal(201);
    const patch = JSON.stringify({ metadata: { labels: { tier: 'web' }, annotations: { note: 'kept' } } });
    for (const path of ['pods/annotated', 'services/annotated']) {
      const res = await fetch(`${api}/${path}`, {
        method: 'PATCH',
        body: patch,
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expect(res.status, path).to.equal(200);
    }
    daemon.proc.kill('SIGKILL');
    await daemon.exited;
    daemon = await restart();
    for (const path of ['pods/annotated', 'services/annotated']) {
      const meta = (
        (await (await fetch(`${daemon.url}/api/v1/namespaces/default/${path}`)).json()) as {
          metadata: { labels?: object; annotations?: object };
        }
      ).metadata;
      expect(meta.labels, path).to.deep.include({ tier: 'web' });
      expect(meta.annotations, path).to.deep.include({ note: 'kept' });
    }
    // The kill may come while the pod still starts: the next case's fault must not meet it half-made.
    await running(daemon, 'annotated');
  });

  it('kill -9 between the store write and the first container: a stored pod (always one acknowledged) runs after the restart, once', async () => {
    let daemon = await restart({ MINIKUBELET_FAULT: 'before:createSandbox' });
    const status = await post(daemon, podYaml('unborn', 'true'));
    const how = await daemon.exited;
    expect(how.signal).to.equal('SIGKILL');
    daemon = await restart();
    // The worker starts a new pod as soon as it is stored, so the kill often comes before the answer: nothing
    // was promised then, but a pod the store kept must still run (and the next test must not meet it half-made).
    const stored = await getPod(daemon, 'unborn');
    if (status === 201) expect(stored, 'an acknowledged pod was lost').to.not.equal(undefined);
    if (!stored) return;
    const pod = await running(daemon, 'unborn');
    const list = await containers(pod.metadata.uid);
    expect([nameCount(list, 'POD'), nameCount(list, 'app')]).to.deep.equal([1, 1]);
  });

  it('kill -9 between creating and starting a container: the half-made one is cleaned up, no duplicate', async () => {
    let daemon = await restart({ MINIKUBELET_FAULT: 'after:createContainer:app' });
    expect(await post(daemon, podYaml('half-made', 'true'))).to.equal(201);
    expect((await daemon.exited).signal).to.equal('SIGKILL');
    const uid = (
      await until('a created app container', async () => {
        const list = await docker.listContainers({
          all: true,
          filters: { label: ['io.kubernetes.container.name=app', 'io.kubernetes.pod.name=half-made'] },
        });
        return list.find((c) => c.State === 'created');
      })
    ).Labels['io.kubernetes.pod.uid']!;
    daemon = await restart();
    const pod = await running(daemon, 'half-made');
    expect(pod.status.containerStatuses?.[0]?.restartCount).to.equal(0);
    const list = await containers(uid);
    expect(nameCount(list, 'app')).to.equal(1);
    expect(list.find((c) => c.Labels['io.kubernetes.container.name'] === 'app')?.State).to.equal('running');
  });

  it('engine restart under a running pod: the agent reconnects once and the pod restarts, every init container again', async () => {
    const daemon = await restart();
    expect(await post(daemon, podYaml('engine', 'true'))).to.equal(201);
    const before = await running(daemon, 'engine');
    execFileSync(
      'bash',
      [
        '-c',
        'source scripts/ensure-docker.sh && p=$(cat /var/run/docker.pid) && kill "$p" && while kill -0 "$p" 2>/dev/null; do sleep 0.2; done && ensure_docker',
      ],
      { cwd: REPO, stdio: 'ignore' },
    );
    const after = await until(
      'pod restarted after the engine came back',
      async () => {
        const p = await getPod(daemon, 'engine');
        return p?.status.phase === 'Running' &&
          (p.status.initContainerStatuses?.[0]?.restartCount ?? 0) >= 1 &&
          p.status.containerStatuses?.[0]?.state.running
          ? p
          : undefined;
      },
      60_000,
    ).catch((err: unknown) => {
      console.log(daemon.output().split('\n').slice(-40).join('\n'));
      throw err;
    });
    expect(after.metadata.uid).to.equal(before.metadata.uid);
    const lost = daemon
      .output()
      .split('\n')
      .filter((l) => l.includes('lost the Docker events stream'));
    expect(lost).to.have.length(1);
    await until(
      'reconnected',
      async () => daemon.output().includes('Docker events stream reconnected'),
      10_000,
    );
    // A new sandbox (attempt >= 1: while the engine shuts down it also stops sandboxes made meanwhile).
    const sandboxes = (await containers(after.metadata.uid)).filter(
      (c) => c.State === 'running' && c.Labels['io.kubernetes.container.name'] === 'POD',
    );
    expect(sandboxes).to.have.length(1);
    expect(Number(sandboxes[0]!.Labels['io.minikubelet.sandbox.attempt'])).to.be.at.least(1);
  });
});
