// Static pods through the real wiring (daemon/create-agent.ts) on the memory runtime: a manifest file runs
// as a mirror pod; the API cannot delete it (it comes back, a new uid, the same containers) nor change its
// spec; edits replace it, removal deletes it, a bad file is reported beside a good one, a restart adopts it.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { capturingLogger } from '../../../../agent/log';
import type { Pod } from '../../../../agent/model/pod';
import { CONFIG_HASH, CONFIG_MIRROR, CONFIG_SEEN, CONFIG_SOURCE } from '../../../../agent/model/static-pod';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { FILE_CHECK_MS } from '../../../../daemon/create-static-pods';
import { Harness } from '../../../helpers/harness';

const manifest = (name: string, image = 'busybox', extra = ''): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: c
    image: ${image}
${extra}`;

const ENV = '    env: [{name: X, value: "1"}]\n';

describe('static pods (--pod-manifest-path) on the memory runtime', () => {
  let dir: string;
  let dataDir: string;
  let clock: ManualClock;
  let runtime: MemoryRuntime;
  let h: Harness;
  let logs = capturingLogger();

  const start = async (): Promise<Harness> =>
    new Harness({
      runtime,
      clock,
      dataDir,
      logger: logs,
      flags: ['--pod-manifest-path', dir],
    }).start();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mk-manifests-'));
    dataDir = mkdtempSync(join(tmpdir(), 'mk-static-'));
    clock = new ManualClock();
    logs = capturingLogger();
    runtime = new MemoryRuntime(clock);
    writeFileSync(join(dir, 'web.yaml'), manifest('web'));
    h = await start();
  });
  afterEach(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const running = (name = 'web-test-node'): Promise<Pod> =>
    h.waitFor(
      `${name} running`,
      () => (h.pod(name)?.status.phase === 'Running' ? h.pod(name) : undefined),
      2_000,
    );
  const appIds = async (pod: Pod): Promise<string[]> =>
    (await runtime.listContainers(pod.metadata.annotations?.[CONFIG_MIRROR]))
      .filter((c) => c.kind === 'app')
      .map((c) => c.id);
  /** The backstop rescan (fs.watch is not awaited here: the manual clock holds its settle timer too). */
  const rescan = (): void => clock.advance(FILE_CHECK_MS);

  it('runs a file as the mirror pod <name>-<node>, annotated, owned by the Node, with the real status', async () => {
    const pod = await running();
    const node = h.agent.nodes.get('', 'test-node');
    const a = pod.metadata.annotations ?? {};
    expect(a[CONFIG_SOURCE]).to.equal('file');
    expect(a[CONFIG_MIRROR])
      .to.equal(a[CONFIG_HASH])
      .and.match(/^[0-9a-f]{32}$/);
    expect(a[CONFIG_SEEN]).to.be.a('string');
    expect(pod.metadata['ownerReferences']).to.deep.equal([
      { apiVersion: 'v1', kind: 'Node', name: 'test-node', uid: node?.metadata.uid },
    ]);
    expect(pod.spec.nodeName).to.equal('test-node');
    expect(pod.status.containerStatuses?.[0]?.state).to.have.property('running');
    expect(await appIds(pod)).to.have.length(1);
  });

  it('DELETE through the API: the mirror comes back with a new uid, the container is not restarted', async () => {
    const before = await running();
    const ids = await appIds(before);
    const res = await h.api.inject({
      method: 'DELETE',
      url: '/api/v1/namespaces/default/pods/web-test-node',
    });
    expect(res.statusCode).to.equal(200);
    const after = h.pod('web-test-node');
    expect(after?.metadata.uid).to.be.a('string').and.not.equal(before.metadata.uid);
    expect(after?.metadata.deletionTimestamp).to.equal(undefined);
    await h.manager.syncNow(after as Pod);
    expect(await appIds(after as Pod)).to.deep.equal(ids);
    expect(h.pod('web-test-node')?.status.phase).to.equal('Running');
  });

  it('refuses a change of the spec or of the mirror annotation (422), accepts a label', async () => {
    await running();
    const patch = (body: object): Promise<{ statusCode: number; body: string }> =>
      h.api.inject({
        method: 'PATCH',
        url: '/api/v1/namespaces/default/pods/web-test-node',
        headers: { 'content-type': 'application/merge-patch+json' },
        payload: body,
      });
    const image = await patch({ spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    expect(image.statusCode).to.equal(422);
    expect(JSON.parse(image.body).message).to.equal(
      'Pod "web-test-node" is invalid: spec: Forbidden: may not update the spec of a mirror pod; edit the static pod manifest file on the node',
    );
    const annotation = await patch({ metadata: { annotations: { [CONFIG_MIRROR]: null } } });
    expect(annotation.statusCode).to.equal(422);
    expect(JSON.parse(annotation.body).message).to.contain('may not remove or update mirror pod annotation');
    expect((await patch({ metadata: { labels: { tier: 'x' } } })).statusCode).to.equal(200);
  });

  it('refuses a pod made through the API that claims to be a mirror', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/pods',
      payload: {
        metadata: { name: 'fake', annotations: { [CONFIG_MIRROR]: 'x' } },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    });
    expect(res.statusCode).to.equal(422);
    expect(JSON.parse(res.body).message).to.contain('may not add mirror pod annotation');
  });

  it('an edit replaces the pod (new hash, new container); an unchanged rewrite does nothing; removal deletes it', async () => {
    const first = await running();
    const hash = first.metadata.annotations?.[CONFIG_MIRROR];
    writeFileSync(join(dir, 'web.yaml'), manifest('web'));
    rescan();
    expect(h.pod('web-test-node')?.metadata.uid).to.equal(first.metadata.uid);
    writeFileSync(join(dir, 'web.yaml'), manifest('web', 'busybox', ENV));
    rescan();
    const next = await h.waitFor(
      'replaced',
      () => {
        const p = h.pod('web-test-node');
        return p && p.metadata.annotations?.[CONFIG_MIRROR] !== hash && p.status.phase === 'Running'
          ? p
          : undefined;
      },
      2_000,
    );
    expect(next.spec.containers[0]?.env).to.deep.equal([{ name: 'X', value: '1' }]);
    expect(await runtime.listContainers(hash)).to.deep.equal([]);
    unlinkSync(join(dir, 'web.yaml'));
    rescan();
    await h.waitFor('gone', () => h.pods.list().length === 0, 2_000);
    expect(await runtime.listContainers()).to.deep.equal([]);
  });

  it('a bad file beside a good one: reported once, the good one runs', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'kind: Pod\nmetadata: [\n');
    writeFileSync(join(dir, 'deploy.yaml'), manifest('d').replace('kind: Pod', 'kind: Deployment'));
    writeFileSync(join(dir, '.swap.yaml'), 'garbage: [');
    writeFileSync(join(dir, 'copy.yaml'), manifest('web', 'busybox', ENV));
    rescan();
    rescan();
    await running();
    const warned = logs.records.filter((r) => r.message === 'could not process manifest file');
    expect(warned.map((r) => String(r.fields?.['path']).replace(`${dir}/`, '')).sort()).to.deep.equal([
      'bad.yaml',
      'deploy.yaml',
      'web.yaml',
    ]);
    const events = h.events.list().filter((e) => e.reason === 'FailedValidation');
    expect(events.map((e) => e.message).join('\n')).to.contain('due to duplicate pod name "web-test-node"');
    const kept = await h.waitFor(
      'copy.yaml runs',
      () => h.pod('web-test-node')?.spec.containers[0]?.env,
      2_000,
    );
    expect(kept, 'copy.yaml sorts first').to.have.length(1);
  });

  it('a restart adopts the static pod: the same containers, no restart', async () => {
    const pod = await running();
    const ids = await appIds(pod);
    await h.agent.stop(); // not h.stop(): that removes the containers
    h = await start();
    const again = await running();
    await h.manager.syncNow(again);
    expect(await appIds(again)).to.deep.equal(ids);
  });
});
