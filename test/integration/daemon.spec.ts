import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Pod } from '../../agent/model/pod';
import { type Daemon, MAIN, randomPort, startDaemon, until, removeDataDir } from '../helpers/daemon';

const docker = new Docker();

describe('the daemon (daemon/main.ts, real engine)', function () {
  this.timeout(60_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-daemon-'));
  const port = randomPort();
  let d: Daemon;
  let uid = '';

  after(async () => {
    if (d?.proc.exitCode === null) d.proc.kill('SIGKILL');
    for (const c of await docker.listContainers({
      all: true,
      filters: { label: [`io.kubernetes.pod.uid=${uid}`] },
    })) {
      await docker.getContainer(c.Id).remove({ force: true });
    }
    removeDataDir(dataDir);
  });

  it('prints usage for --help, with every flag and its environment variable', () => {
    const r = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' });
    expect(r.status).to.equal(0);
    for (const s of [
      '--listen',
      'MINIKUBELET_LISTEN',
      '--data-dir',
      'MINIKUBELET_DATA_DIR',
      '--dns-listen',
      'MINIKUBELET_DNS_LISTEN',
      '127.0.0.1:10250',
    ]) {
      expect(r.stdout).to.contain(s);
    }
  });

  it('refuses a bad flag in one line, exit 2', () => {
    const r = spawnSync(process.execPath, [MAIN, '--listen', 'nonsense'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.contain('--listen');
  });

  it('says in one line that Docker is not reachable, with what to run, and keeps serving /healthz', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mk-nodocker-'));
    const lonely = startDaemon(dir, randomPort(), { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    try {
      await until('healthz', async () => (await fetch(`${lonely.url}/healthz`)).ok || undefined);
      expect((await fetch(`${lonely.url}/readyz`)).status).to.equal(503);
      await until(
        'the line',
        async () => lonely.output().includes('Docker engine not reachable') || undefined,
      );
      const lines = lonely
        .output()
        .split('\n')
        .filter((l) => l.includes('Docker engine not reachable'));
      expect(lines).to.have.length(1);
      expect(lines[0]).to.contain('npm start');
    } finally {
      lonely.proc.kill('SIGTERM');
      await lonely.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves /healthz and becomes ready once Docker answers', async () => {
    d = startDaemon(dataDir, port);
    await until('healthz', async () => (await fetch(`${d.url}/healthz`)).ok || undefined);
    await until('readyz', async () => (await fetch(`${d.url}/readyz`)).status === 200 || undefined);
    expect(d.output()).to.contain('"message":"API listening"');
  });

  it('runs a pod posted with curl-style YAML', async () => {
    const res = await fetch(`${d.url}/pods`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: 'apiVersion: v1\nkind: Pod\nmetadata: {name: survivor}\nspec:\n  containers:\n  - {name: c, image: busybox, command: [sleep, "3600"]}\n',
    });
    expect(res.status).to.equal(201);
    uid = ((await res.json()) as Pod).metadata.uid;
    await until(
      'running',
      async () =>
        ((await (await fetch(`${d.url}/pods/survivor`)).json()) as Pod).status.phase === 'Running' ||
        undefined,
    );
  });

  it('stops within 2 s on SIGTERM and leaves the pod running', async () => {
    const t0 = Date.now();
    d.proc.kill('SIGTERM');
    await d.exited;
    expect(Date.now() - t0).to.be.below(2_000);
    const running = await docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${uid}`] } });
    expect(running).to.have.length(2);
  });

  it('after a restart adopts the running pod: same containers, no restart', async () => {
    const before = (await docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${uid}`] } }))
      .map((c) => c.Id)
      .sort();
    d = startDaemon(dataDir, port);
    const pod = await until('pod running again', async () => {
      const p = (await (await fetch(`${d.url}/pods/survivor`)).json()) as Pod;
      return p.status?.containerStatuses?.[0]?.state.running ? p : undefined;
    });
    expect(pod.metadata.uid).to.equal(uid);
    expect(pod.status.containerStatuses?.[0]?.restartCount).to.equal(0);
    const after = (
      await docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${uid}`] } })
    )
      .map((c) => c.Id)
      .sort();
    expect(after).to.deep.equal(before);
    d.proc.kill('SIGINT');
    await d.exited;
  });
});
