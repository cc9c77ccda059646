// kill -9 of the daemon in the middle of a Deployment's scale-up and of its rollout (issue 14): after the
// restart it converges, and at no moment, counted on the engine (the agent's labels) and in the API, are
// there more pods than replicas (+ maxSurge during the rollout).
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { APP_SPEC, deployment } from '../../bench/workload-objects';
import { type Daemon, randomPort, startDaemon, until, untilReady, removeDataDir } from '../helpers/daemon';
import { PodCensus } from '../helpers/pod-census';

const docker = new Docker();
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

interface DeploymentStatus {
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
}

interface ApiPod {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status: { phase?: string };
}

/** Pods that exit on SIGTERM at once; maxSurge 1, maxUnavailable 0. */
const rollingDeployment = (name: string, replicas: number): object =>
  deployment(name, replicas, APP_SPEC, {
    type: 'RollingUpdate',
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
  });

async function send(d: Daemon, method: string, path: string, body?: unknown, type = 'application/json') {
  const res = await fetch(`${d.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': type }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).to.be.lessThan(300);
  return JSON.parse(text) as unknown;
}

const livePods = async (d: Daemon, app: string): Promise<ApiPod[]> => {
  const res = await fetch(`${d.url}/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`);
  const items = ((await res.json()) as { items: ApiPod[] }).items;
  return items.filter((p) => !p.metadata.deletionTimestamp);
};

/** Distinct pods of `app` with a container that is not exited, on the engine. */
async function enginePods(app: string): Promise<number> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: ['io.minikubelet.managed=true'] },
  });
  const uids = list
    .filter((c) => (c.Labels['io.kubernetes.pod.name'] ?? '').startsWith(`${app}-`))
    .filter((c) => c.State === 'running')
    .map((c) => c.Labels['io.kubernetes.pod.uid']);
  return new Set(uids).size;
}

describe('workload recovery: kill -9 mid-scale and mid-rollout (real engine)', function () {
  this.timeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-wl-recovery-'));
  const port = randomPort();
  let d: Daemon | undefined;
  let census: PodCensus | undefined;

  const restart = async (): Promise<Daemon> => {
    d = startDaemon(dataDir, port);
    return untilReady(d, 60_000);
  };
  const kill9 = async (daemon: Daemon): Promise<void> => {
    daemon.proc.kill('SIGKILL');
    expect((await daemon.exited).signal).to.equal('SIGKILL');
  };
  const status = async (daemon: Daemon, name: string): Promise<DeploymentStatus> =>
    ((await send(daemon, 'GET', `${DEPLOYMENTS}/${name}`)) as { status: DeploymentStatus }).status;
  /** All `replicas` pods Running in the API, as many running on the engine, the Deployment all updated. */
  const converged = (daemon: Daemon, name: string, replicas: number, hash?: () => Promise<string>) =>
    until(
      `${name}: ${replicas} pods running, on the engine too`,
      async () => {
        const pods = await livePods(daemon, name);
        const s = await status(daemon, name);
        const want = hash ? await hash() : undefined;
        return (
          pods.length === replicas &&
          pods.every((p) => p.status.phase === 'Running') &&
          (!want || pods.every((p) => p.metadata.labels?.['pod-template-hash'] === want)) &&
          s.updatedReplicas === replicas &&
          s.availableReplicas === replicas &&
          s.replicas === replicas &&
          (await enginePods(name)) === replicas
        );
      },
      90_000,
    );
  const watchCount = (daemon: () => Daemon, app: string): PodCensus =>
    new PodCensus(
      docker,
      () => `${daemon().url}/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`,
      `${app}-`,
    );

  afterEach(async () => {
    await census?.stop();
    census = undefined;
    if (d && d.proc.exitCode === null && d.proc.signalCode === null) {
      d.proc.kill('SIGTERM');
      await d.exited;
    }
  });
  after(async () => {
    try {
      const daemon = await restart();
      for (const name of ['scaler', 'roller'])
        await fetch(`${daemon.url}${DEPLOYMENTS}/${name}`, { method: 'DELETE' });
      await until(
        'pods gone',
        async () =>
          ((await (await fetch(`${daemon.url}/pods`)).json()) as { items: unknown[] }).items.length === 0,
        60_000,
      );
    } finally {
      // never leave a daemon behind (it would keep mocha, and the Docker lock, forever)
      if (d && d.proc.exitCode === null && d.proc.signalCode === null) {
        d.proc.kill('SIGTERM');
        await d.exited;
      }
      removeDataDir(dataDir);
    }
  });

  it('kill -9 during a scale-up 0 -> 8: converges to 8, never more than 8 pods', async () => {
    let daemon = await restart();
    await send(daemon, 'POST', DEPLOYMENTS, rollingDeployment('scaler', 0));
    census = watchCount(() => daemon, 'scaler');
    // as kubectl scale does: a merge patch of the scale subresource
    await send(
      daemon,
      'PATCH',
      `${DEPLOYMENTS}/scaler/scale`,
      { spec: { replicas: 8 } },
      'application/merge-patch+json',
    );
    await until('some pods started on the engine', async () => (await enginePods('scaler')) >= 2, 30_000);
    await kill9(daemon);
    const atKill = await enginePods('scaler');
    daemon = await restart();
    await converged(daemon, 'scaler', 8);
    await new Promise((r) => setTimeout(r, 1_000)); // and stays there
    await census.stop();
    const v = census.verdict(8);
    expect(v.over, JSON.stringify(v)).to.deep.equal([]);
    expect(v.maxEngine, 'census saw the pods').to.equal(8);
    expect(atKill, 'the kill fell in the middle of the scale-up').to.be.lessThan(8);
    expect(await livePods(daemon, 'scaler')).to.have.length(8);
  });

  it('kill -9 during a rollout (maxSurge 1, maxUnavailable 0): converges, never more than replicas + 1 pods', async () => {
    let daemon = await restart();
    await send(daemon, 'POST', DEPLOYMENTS, rollingDeployment('roller', 4));
    await converged(daemon, 'roller', 4);
    const before = (await livePods(daemon, 'roller')).map((p) => p.metadata.uid);
    census = watchCount(() => daemon, 'roller');
    await send(
      daemon,
      'PATCH',
      `${DEPLOYMENTS}/roller`,
      { spec: { template: { metadata: { annotations: { rollout: '2' } } } } },
      'application/merge-patch+json',
    );
    // kill once the rollout has replaced one pod and is on its way with the next
    await until(
      'the rollout under way',
      async () =>
        (await livePods(daemon, 'roller')).filter((p) => !before.includes(p.metadata.uid)).length >= 2,
      60_000,
    );
    await kill9(daemon);
    daemon = await restart();
    const newHash = async (): Promise<string> => {
      const sets = (await send(
        daemon,
        'GET',
        '/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Droller',
      )) as {
        items: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } }[];
      };
      const newest = sets.items.find(
        (rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2',
      );
      return newest?.metadata.labels?.['pod-template-hash'] ?? '?';
    };
    await converged(daemon, 'roller', 4, newHash);
    await new Promise((r) => setTimeout(r, 1_000));
    await census.stop();
    const v = census.verdict(5);
    expect(v.over, JSON.stringify(v)).to.deep.equal([]);
    expect(census.verdict(4).over, 'the census saw the surge pod').to.not.deep.equal([]);
    const after = (await livePods(daemon, 'roller')).map((p) => p.metadata.uid);
    expect(
      after.filter((uid) => before.includes(uid)),
      'every old pod replaced',
    ).to.deep.equal([]);
  });
});
