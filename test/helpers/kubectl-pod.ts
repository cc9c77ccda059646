// The real kubectl inside a pod, as a workload of a cluster runs it: kubectl 1.35's host directory mounted
// read-only at /kbin (a hostPath, so the daemon must allow it: kubectlHostDir() in --allow-host-path), a busybox
// pod `kubectl` that sleeps, and shell lines run in its container. What kubectl finds in the pod (its
// ServiceAccount token, or files the test mounts over SA_DIR) is the spec's choice.
import { dirname } from 'node:path';
import type { Harness } from './harness';
import { installKubectl } from './kubectl';

/** Where the in-cluster config is read from (the kube-api-access volume's mount path). */
export const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** kubectl as the pod sees it. */
export const POD_KUBECTL = '/kbin/kubectl-1.35';

let hostDir: string | undefined;
/** The host directory holding kubectl 1.35 (installed on first use), mounted into the pod. */
export const kubectlHostDir = (): string => (hostDir ??= dirname(installKubectl('35')));

/** A host directory mounted read-only into the pod beside kubectl's. */
export interface HostMount {
  name: string;
  hostPath: string;
  mountPath: string;
}

export interface KubectlPodOptions {
  /** The pod's ServiceAccount (default: `default`). */
  serviceAccountName?: string;
  /** false: no kube-api-access volume (the test mounts its own files over SA_DIR). */
  automountServiceAccountToken?: boolean;
  mounts?: HostMount[];
}

export interface KubectlPod {
  /** Runs a shell line in the pod's container: its output (stderr too, trimmed) and exit code. */
  sh(cmd: string): Promise<{ output: string; exitCode: number }>;
}

/** Creates the pod `kubectl` in `default` and waits for its container to run. */
export async function startKubectlPod(h: Harness, o: KubectlPodOptions = {}): Promise<KubectlPod> {
  const mounts = [{ name: 'kbin', hostPath: kubectlHostDir(), mountPath: '/kbin' }, ...(o.mounts ?? [])];
  await h.createPod({
    metadata: { name: 'kubectl' },
    spec: {
      ...(o.serviceAccountName ? { serviceAccountName: o.serviceAccountName } : {}),
      ...(o.automountServiceAccountToken === false ? { automountServiceAccountToken: false } : {}),
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'kubectl',
          image: 'busybox',
          command: ['sleep', '3600'],
          volumeMounts: mounts.map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: true })),
        },
      ],
      volumes: mounts.map((m) => ({ name: m.name, hostPath: { path: m.hostPath } })),
    },
  });
  await h.waitFor(
    'the kubectl pod running',
    () => h.pod('kubectl')?.status.containerStatuses?.[0]?.state?.running,
    60_000,
  );
  return {
    async sh(cmd) {
      const id = h.pod('kubectl')!.status.containerStatuses![0]!.containerID!.slice('docker://'.length);
      const res = await h.runtime.exec(id, ['sh', '-c', `${cmd} 2>&1`], 30_000);
      return { output: res.output.trim(), exitCode: res.exitCode };
    },
  };
}
