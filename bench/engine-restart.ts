// Restarting the Docker engine from a benchmark, the one way the project allows (the caller holds the
// Docker lock): SIGTERM to the dockerd of /var/run/docker.pid, wait until it is gone, then ensure_docker
// (scripts/ensure-docker.sh), as test/integration/recovery.spec.ts does. Also the census of the managed
// containers of the bench's pods (bench/census.ts compares two).
import { join } from 'node:path';
import { dockerdPid } from './density';
import { docker } from './engine';
import type { ManagedContainer } from './census';
import { alive, run, sleep } from './system';

const ENSURE_DOCKER = join(__dirname, '..', '..', 'scripts', 'ensure-docker.sh');
const RESTART = `source ${ENSURE_DOCKER} && p=$(cat /var/run/docker.pid) && kill "$p" && while kill -0 "$p" 2>/dev/null; do sleep 0.2; done && ensure_docker`;

export interface EngineRestart {
  /** performance.now() when the old engine was gone, and when the new one first answered a ping. */
  goneAt: number;
  backAt: number;
  /** From the SIGTERM to the old engine being gone (it stops every container first). */
  stopMs: number;
}

async function pingable(): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** Restarts the engine; resolves once ensure_docker has returned, with when the new engine first answered. */
export async function restartEngine(): Promise<EngineRestart> {
  const old = dockerdPid();
  const t0 = performance.now();
  const script = run('bash', ['-c', RESTART], { timeoutMs: 180_000 });
  while (alive(old)) await sleep(20);
  const goneAt = performance.now();
  while (!(await pingable())) await sleep(20);
  const backAt = performance.now();
  const r = await script;
  if (r.code !== 0) throw new Error(`engine restart failed (${r.code}): ${r.stderr.trim()}`);
  if (!(dockerdPid() > 0) || dockerdPid() === old) throw new Error('engine restart: no new dockerd');
  return { goneAt, backAt, stopMs: goneAt - t0 };
}

/** The managed containers of the pods whose names start with `prefix`. */
export async function managedContainers(prefix: string): Promise<ManagedContainer[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: ['io.minikubelet.managed=true'] },
  });
  return list
    .filter((c) => (c.Labels['io.kubernetes.pod.name'] ?? '').startsWith(prefix))
    .map((c) => ({
      id: c.Id,
      pod: c.Labels['io.kubernetes.pod.name'] ?? '',
      name: c.Labels['io.kubernetes.container.name'] ?? '',
      attempt:
        c.Labels['annotation.io.kubernetes.container.restartCount'] ??
        c.Labels['io.minikubelet.sandbox.attempt'] ??
        '',
      state: c.State,
    }));
}
