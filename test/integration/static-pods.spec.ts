// Static pods (--pod-manifest-path) through the real daemon process on the real engine, with the real
// kubectl 1.35: a file runs as the mirror pod <name>-<node>; kubectl delete of the mirror brings it back
// with the same container; an edit replaces it; kill -9 and a restart adopt it; removing the file deletes
// it; a bad file beside a good one is reported and changes nothing else.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Docker from 'dockerode';
import type { Pod } from '../../agent/model/pod';
import { CONFIG_MIRROR } from '../../agent/model/static-pod';
import {
  type Daemon,
  getPod,
  randomPort,
  startDaemon,
  until,
  untilReady,
  removeDataDir,
} from '../helpers/daemon';
import { type Run, installKubectl } from '../helpers/kubectl';

const docker = new Docker();
const NODE = 'static-node';
const NAME = `web-${NODE}`;

const manifest = (extra = ''): string => `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: [sleep, "3600"]
${extra}`;

/** The app container of a static pod (by its hash, the uid its containers carry): id and start time. */
async function app(hash: string): Promise<{ id: string; startedAt: string } | undefined> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`io.kubernetes.pod.uid=${hash}`, 'io.kubernetes.container.name=c'] },
  });
  const c = list[0];
  if (!c) return undefined;
  const info = await docker.getContainer(c.Id).inspect();
  return { id: c.Id, startedAt: info.State.StartedAt };
}

describe('static pods (real daemon, real engine, kubectl 1.35)', function () {
  this.timeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-static-'));
  const dir = mkdtempSync(join(tmpdir(), 'mk-manifests-'));
  const port = randomPort();
  let d: Daemon | undefined;
  let bin: string;

  const start = async (): Promise<Daemon> => {
    const daemon = startDaemon(dataDir, port, {
      MINIKUBELET_POD_MANIFEST_PATH: dir,
      MINIKUBELET_NODE_NAME: NODE,
      MINIKUBELET_PROXY: 'none',
    });
    d = daemon;
    return untilReady(daemon);
  };
  const kubectl = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        bin,
        args,
        { env: { ...process.env, KUBECONFIG: join(dataDir, 'kubeconfig') }, timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const running = (daemon: Daemon, differentFrom?: string): Promise<Pod> =>
    until(
      `${NAME} running`,
      async () => {
        const p = await getPod(daemon, NAME);
        const fresh = p?.metadata.annotations?.[CONFIG_MIRROR] !== differentFrom;
        return fresh && p?.status.phase === 'Running' ? p : undefined;
      },
      60_000,
    );
  const hashOf = (p: Pod): string => p.metadata.annotations?.[CONFIG_MIRROR] ?? '';

  before(() => {
    bin = installKubectl('35');
  });
  after(async () => {
    if (d && d.proc.exitCode === null && d.proc.signalCode === null) {
      d.proc.kill('SIGTERM');
      await d.exited;
    }
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`io.kubernetes.pod.name=${NAME}`] },
    });
    for (const c of left) await docker.getContainer(c.Id).remove({ force: true });
    removeDataDir(dataDir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the file, shows the mirror pod to kubectl, survives kubectl delete, edits, kill -9 and removal', async () => {
    writeFileSync(join(dir, 'web.yaml'), manifest());
    writeFileSync(join(dir, 'broken.yaml'), 'kind: Pod\nmetadata: [\n');
    let daemon = await start();
    const first = await running(daemon);
    const hash = hashOf(first);
    expect(first.spec.nodeName).to.equal(NODE);
    const got = await kubectl(['get', 'pods']);
    expect(got.code, got.stderr).to.equal(0);
    expect(got.stdout).to.match(new RegExp(`^${NAME}\\s+1/1\\s+Running\\s+0`, 'm'));
    expect(daemon.output()).to.contain('could not process manifest file').and.contain('broken.yaml');
    const before = await app(hash);
    expect(before).to.not.equal(undefined);

    // kubectl delete of the mirror: it is back at once with a new uid, the container untouched
    const del = await kubectl(['delete', 'pod', NAME, '--timeout=30s']);
    expect(del.code, del.stderr).to.equal(0);
    const back = await until('mirror back', async () => {
      const p = await getPod(daemon, NAME);
      return p && p.metadata.uid !== first.metadata.uid ? p : undefined;
    });
    expect(hashOf(back)).to.equal(hash);
    expect(await app(hash)).to.deep.equal(before);

    // kubectl cannot change its spec
    const edit = await kubectl(['set', 'image', `pod/${NAME}`, 'c=busybox:other']);
    expect(edit.code).to.not.equal(0);
    expect(edit.stderr).to.contain('may not update the spec of a mirror pod');

    // kill -9 and a restart: adopted, not restarted
    daemon.proc.kill('SIGKILL');
    await daemon.exited;
    daemon = await start();
    await running(daemon);
    expect(await app(hash)).to.deep.equal(before);

    // an edit replaces the pod: a new hash, a new container, the old one gone
    const edited = Date.now();
    writeFileSync(join(dir, 'web.yaml'), manifest('    env: [{name: X, value: "1"}]\n'));
    // fs.watch, not the 20 s rescan: the old pod is marked for deletion well before a rescan could
    await until('old pod terminating', async () => {
      const p = await getPod(daemon, NAME);
      return !p || p.metadata.deletionTimestamp !== undefined || hashOf(p) !== hash;
    });
    const reactMs = Date.now() - edited;
    console.log(`      edit seen after ${reactMs} ms`);
    expect(reactMs).to.be.below(10_000);
    const replaced = await running(daemon, hash);
    expect(replaced.spec.containers[0]?.env).to.deep.equal([{ name: 'X', value: '1' }]);
    expect(await app(hash)).to.equal(undefined);
    expect((await app(hashOf(replaced)))?.id)
      .to.be.a('string')
      .and.not.equal(before?.id);

    // removing the file deletes it
    unlinkSync(join(dir, 'web.yaml'));
    await until('gone', async () => (await getPod(daemon, NAME)) === undefined, 30_000);
    await until('containers gone', async () => (await app(hashOf(replaced))) === undefined, 30_000);
    const none = await kubectl(['get', 'pods']);
    expect(none.stdout + none.stderr).to.not.contain(NAME);
  });
});
