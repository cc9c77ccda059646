// The real Helm 4 against an in-process agent on the real engine (helm.spec.ts covers the verbs on the
// memory runtime): the project's chart (test/fixtures/helm/greeter) installs with --wait into a pod that
// really runs (its init container read the ConfigMap volume, the app serves the file from it), an upgrade
// rolls to a new ReplicaSet whose pod runs the new value, and uninstall leaves no container on the engine.
import { expect } from 'chai';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from '../helpers/harness';
import { type HelmTools, helmAgainst } from '../helpers/helm';

describe('Helm 4 against the agent (real engine)', function () {
  this.timeout(90_000);
  let h: Harness;
  let tools: HelmTools;

  before(async () => {
    h = await new Harness({ runtime: new DockerRuntime({ logger: nopLogger }) }).start();
    tools = await helmAgainst(h);
  });
  after(async () => h?.stop());

  /** The release's pods that are not being deleted. */
  const pods = () =>
    h.pods
      .list('default')
      .filter((p) => p.metadata.name.startsWith('g-web-') && !p.metadata.deletionTimestamp);
  /** What the app serves: the ConfigMap's greeting, copied from the volume (kubectl exec, over the engine). */
  const served = async (pod: string): Promise<string> => {
    const r = await tools.run('kubectl', [
      'exec',
      pod,
      '-c',
      'web',
      '--',
      'wget',
      '-qO-',
      'http://127.0.0.1:8080/',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout;
  };
  /** The engine's containers of the release's pods. */
  const engineContainers = async (): Promise<string[]> =>
    (await h.runtime.listContainers())
      .filter((c) => c.podName.startsWith('g-web-'))
      .map((c) => `${c.podName}/${c.name}`);

  it('install --wait, upgrade --wait to a new ReplicaSet, uninstall: the pods really run, then nothing is left', async () => {
    const installed = await tools.helm('install', 'g', tools.greeter, '--wait', '--timeout', '60s');
    expect(installed).to.match(/STATUS: deployed[\s\S]*REVISION: 1/);
    const [first] = pods();
    expect(first?.status.phase).to.equal('Running');
    expect(first?.status.initContainerStatuses?.[0]?.state.terminated).to.include({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(first?.status.containerStatuses?.[0]).to.include({ ready: true, restartCount: 0 });
    expect(await served(first!.metadata.name)).to.equal('hello');
    const firstRs = first!.metadata.labels?.['pod-template-hash'];

    const upgraded = await tools.helm(
      'upgrade',
      'g',
      tools.greeter,
      '--wait',
      '--timeout',
      '60s',
      '--set',
      'greeting=bye',
    );
    expect(upgraded).to.match(/REVISION: 2/);
    const rs = (await tools.get('replicasets')).filter((r) => r.metadata.name.startsWith('g-web-'));
    expect(rs).to.have.length(2);
    const next = await h.waitFor('one pod of the new ReplicaSet, Running', () => {
      const now = pods();
      return now.length === 1 &&
        now[0]!.metadata.labels?.['pod-template-hash'] !== firstRs &&
        now[0]!.status.phase === 'Running'
        ? now[0]
        : undefined;
    });
    expect(await served(next.metadata.name)).to.equal('bye');

    expect(await tools.helm('uninstall', 'g', '--wait', '--timeout', '60s')).to.contain(
      'release "g" uninstalled',
    );
    await h.waitFor(
      'no pod of the release',
      () => h.pods.list('default').every((p) => !p.metadata.name.startsWith('g-web-')),
      30_000,
    );
    expect(await engineContainers()).to.deep.equal([]);
    expect(await tools.releaseSecrets('g')).to.deep.equal([]);
  });
});
