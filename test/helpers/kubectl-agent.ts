// An in-process agent on the real engine that the real kubectl talks to: its API on a loopback port, a
// kubeconfig for it, kubectl's cache directory, and the busybox tag the kubectl tests use.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import Docker from 'dockerode';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from './harness';
import { type Run, installKubectl, serveWithKubeconfig } from './kubectl';

export const KUBECTL_TEST_IMAGE = 'busybox:kubectl-test';

export interface KubectlAgent {
  h: Harness;
  kubeconfig: string;
  cacheDir: string;
}

export async function startKubectlAgent(): Promise<KubectlAgent> {
  await new Docker().getImage('busybox:latest').tag({ repo: 'busybox', tag: 'kubectl-test' });
  const h = await new Harness({ runtime: new DockerRuntime({ logger: nopLogger }) }).start();
  const kubeconfig = await serveWithKubeconfig(h);
  return { h, kubeconfig, cacheDir: join(h.dataDir, 'kube-cache') };
}

/** kubectlRunner's call with Buffer input and room for big outputs (kubectl cp of 20 MB). */
export function runKubectl(
  a: Pick<KubectlAgent, 'kubeconfig' | 'cacheDir'>,
  binary: string,
  args: string[],
  input?: string | Buffer,
): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      binary,
      ['--cache-dir', a.cacheDir, ...args],
      { env: { ...process.env, KUBECONFIG: a.kubeconfig }, timeout: 90_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** A describe's agent, both kubectl binaries, and `kubectl` (1.35 unless given another binary). */
export interface KubectlPodSuite extends KubectlAgent {
  bin: string;
  bin129: string;
  kubectl: (args: string[], input?: string | Buffer, binary?: string) => Promise<Run>;
}

/**
 * Registers, in the calling describe, the set-up the kubectl pod tests share: kubectl 1.35 and 1.29, an
 * agent on the engine, `manifest` applied and pod `name` Running; the agent is stopped after. The fields
 * are filled once the `before` ran.
 */
export function kubectlPodSuite(manifest: string, name: string): KubectlPodSuite {
  const suite = {
    kubectl: (args: string[], input?: string | Buffer, binary = suite.bin) =>
      runKubectl(suite, binary, args, input),
  } as KubectlPodSuite;
  before(async () => {
    suite.bin = installKubectl('35');
    suite.bin129 = installKubectl('29');
    Object.assign(suite, await startKubectlAgent());
    const created = await suite.kubectl(['apply', '-f', '-'], manifest);
    if (created.code !== 0) throw new Error(`kubectl apply: ${created.stderr}`);
    await suite.h.waitFor(`${name} running`, () => suite.h.pod(name)?.status.phase === 'Running', 60_000);
  });
  after(async () => suite.h?.stop());
  return suite;
}
