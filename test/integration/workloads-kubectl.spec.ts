// Deployments with real kubectl 1.35 and 1.29 on the real engine: a Deployment whose pods have an init
// container, through apply, rollout status, scale, set image, rollout history, undo and restart; a pod
// deleted by hand is replaced; delete takes the pods with it (garbage collection).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Docker from 'dockerode';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { apiUrl, writeKubeconfig } from '../../daemon/kubeconfig';
import { fixturePath } from '../helpers/fixtures';
import { Harness } from '../helpers/harness';
import { type Run, installKubectl } from '../helpers/kubectl';

const docker = new Docker();

for (const minor of ['35', '29']) {
  describe(`Deployments with kubectl 1.${minor} (real engine)`, function () {
    this.timeout(240_000);
    let h: Harness;
    let bin: string;
    let kubeconfig: string;

    before(async () => {
      bin = installKubectl(minor);
      await docker.getImage('busybox:latest').tag({ repo: 'busybox', tag: 'workloads-test' });
      h = await new Harness({ runtime: new DockerRuntime({ logger: nopLogger }) }).start();
      await h.api.listen({ host: '127.0.0.1', port: 0 });
      kubeconfig = join(h.dataDir, 'kubeconfig');
      writeKubeconfig(kubeconfig, apiUrl('127.0.0.1', (h.api.server.address() as AddressInfo).port));
    });
    after(async () => h?.stop());

    const kubectl = (args: string[]): Promise<Run> =>
      new Promise((done) => {
        execFile(
          bin,
          ['--cache-dir', join(h.dataDir, 'kube-cache'), ...args],
          { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 120_000 },
          (err, stdout, stderr) =>
            done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const ok = async (args: string[]): Promise<string> => {
      const r = await kubectl(args);
      expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).to.equal(0);
      return r.stdout;
    };
    const rolledOut = async (): Promise<void> => {
      expect(await ok(['rollout', 'status', 'deploy/web', '--timeout=120s'])).to.contain(
        'deployment "web" successfully rolled out',
      );
    };
    const running = async (): Promise<string[]> =>
      (await ok(['get', 'pods', '--no-headers']))
        .split('\n')
        .filter((l) => /\sRunning\s/.test(l))
        .map((l) => l.split(/\s+/)[0] ?? '');
    const image = (): Promise<string> =>
      ok(['get', 'deploy/web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);

    it('apply, rollout status, scale, set image, history, undo, restart, a pod replaced, delete', async () => {
      expect(await ok(['apply', '-f', fixturePath('workloads/web-deployment.yaml')])).to.equal(
        'deployment.apps/web created\n',
      );
      await rolledOut();
      expect(await ok(['get', 'deploy', 'web'])).to.match(
        /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+2\/2\s+2\s+2\s+/,
      );
      expect(await ok(['scale', 'deploy/web', '--replicas=3'])).to.equal('deployment.apps/web scaled\n');
      await rolledOut();
      expect(await running()).to.have.length(3);
      expect(await ok(['set', 'image', 'deploy/web', 'web=busybox:workloads-test'])).to.equal(
        'deployment.apps/web image updated\n',
      );
      await rolledOut();
      expect(await ok(['rollout', 'history', 'deploy/web'])).to.match(
        /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/,
      );
      expect(await ok(['rollout', 'undo', 'deploy/web'])).to.equal('deployment.apps/web rolled back\n');
      await rolledOut();
      expect(await image()).to.equal('busybox');
      expect(await ok(['get', 'rs', '--no-headers'])).to.match(/^web-\S+\s+3\s+3\s+3\s+/m);
      expect(await ok(['rollout', 'restart', 'deploy/web'])).to.equal('deployment.apps/web restarted\n');
      await rolledOut();

      const before = await running();
      expect(before).to.have.length(3);
      await ok(['delete', 'pod', before[0] ?? '', '--wait=false']);
      await h.waitFor('a replacement', () => {
        const live = h.pods.list().filter((p) => p.metadata.deletionTimestamp === undefined);
        return live.length === 3 && !live.some((p) => p.metadata.name === before[0]);
      });
      await rolledOut();

      expect(await ok(['delete', 'deploy', 'web'])).to.contain('deployment.apps "web" deleted');
      await h.waitFor('the pods gone', () => h.pods.list().length === 0, 90_000);
      expect(await ok(['get', 'rs', '--no-headers'])).to.equal('');
    });
  });
}
