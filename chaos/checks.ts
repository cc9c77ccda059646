// The end of a chaos run: what "converged" means (every object as the ledger expects, every Deployment's
// replicas Running, every pod's containers running once on the engine), and the census of what is left on
// the engine and the host after everything was deleted.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { ChaosApi } from './api';
import { type ApiObject, type ChaosKind, DEPLOYMENTS_PATH, PODS_PATH } from './kinds';
import { type Ledger, describeExpected } from './ledger';

interface ApiPod extends ApiObject {
  spec?: ApiObject['spec'] & { containers: { name: string }[] };
  status?: { phase?: string; containerStatuses?: { name: string; state?: { running?: unknown } }[] };
}
interface ApiDeployment extends ApiObject {
  status?: { replicas?: number; updatedReplicas?: number; readyReplicas?: number };
}

/** Objects whose content does not fit the ledger: each a line (empty when none). */
export async function ledgerMismatches(
  api: ChaosApi,
  kinds: readonly ChaosKind[],
  ledger: Ledger,
): Promise<string[]> {
  const out: string[] = [];
  for (const kind of kinds)
    for (const name of kind.names) {
      const key = `${kind.plural}/${name}`;
      const obj = await api.get<ApiObject>(`${kind.collection}/${name}`);
      const actual = obj ? kind.read(obj) : undefined;
      if (!ledger.fits(key, actual)) {
        const found = actual ? JSON.stringify(actual) : 'absent';
        const terminating = obj?.metadata.deletionTimestamp ? ' (terminating)' : '';
        out.push(`${key}: expected ${describeExpected(ledger.expected(key))}, found ${found}${terminating}`);
      }
    }
  return out;
}

/** Running containers of this agent instance, by pod uid and container name (the sandbox is `POD`). */
export function runningContainers(instance: string): Map<string, number> {
  const out = execFileSync(
    'docker',
    [
      'ps',
      '--filter',
      `label=io.minikubelet.instance=${instance}`,
      '--format',
      '{{.Label "io.kubernetes.pod.uid"}} {{.Label "io.kubernetes.container.name"}}',
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  const counts = new Map<string, number>();
  for (const line of out.split('\n').filter(Boolean)) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

/** What keeps the workloads from being converged: each a line (empty when converged). */
export async function workloadProblems(api: ChaosApi, instance: string): Promise<string[]> {
  const out: string[] = [];
  const pods = await api.list<ApiPod>(PODS_PATH);
  for (const d of await api.list<ApiDeployment>(DEPLOYMENTS_PATH)) {
    const want = d.spec?.replicas ?? 1;
    const s = d.status ?? {};
    const own = pods.filter((p) => p.metadata.labels?.['chaos/deploy'] === d.metadata.name);
    if (s.updatedReplicas !== want || s.readyReplicas !== want || s.replicas !== want || own.length !== want)
      out.push(
        `deployment ${d.metadata.name}: replicas ${want}, status ${JSON.stringify(s)}, ${own.length} pods`,
      );
  }
  const containers = runningContainers(instance);
  const expected = new Set<string>();
  for (const p of pods) {
    const name = `pod ${p.metadata.name}`;
    if (p.metadata.deletionTimestamp) out.push(`${name} is still terminating`);
    else if (p.status?.phase !== 'Running') out.push(`${name} is ${p.status?.phase ?? 'without a phase'}`);
    for (const c of ['POD', ...(p.spec?.containers ?? []).map((x) => x.name)]) {
      const key = `${p.metadata.uid} ${c}`;
      expected.add(key);
      const n = containers.get(key) ?? 0;
      if (n !== 1) out.push(`${name}: container ${c} runs ${n} times on the engine (must be 1)`);
    }
  }
  for (const [key, n] of containers)
    if (!expected.has(key)) out.push(`a running container of no pod in the API: ${key} (x${n})`);
  return out;
}

const sh = (cmd: string): string =>
  execFileSync('bash', ['-c', cmd], { encoding: 'utf8', timeout: 30_000 }).trim();
const count = (cmd: string): number => Number(sh(`${cmd} | wc -l`));

/** What the agent leaves on the engine and the host; compared before the churn and after the clean-up. */
export function census(instance: string): Record<string, number> {
  return {
    containers: count(`docker ps -aq --filter label=io.minikubelet.instance=${instance}`),
    volumes: count(`docker volume ls -q --filter label=io.minikubelet.instance=${instance}`),
    networks: count('docker network ls -q'),
    iptablesRules: count("iptables-save | grep -E '^-A MINIKUBELET'"),
  };
}

/**
 * Ends the containerd shims (and their `runc init`) whose container the engine no longer knows, and counts
 * them. An engine restarted in the middle of a start can keep such a container listed until the agent removes
 * it, so the reaper right after the restart (scripts/ensure-docker.sh) lets its shim be; by the end of the run
 * the container is gone and the shim shows. The engine's leak, not the agent's: a figure, not a failure.
 */
export function endEngineOrphans(): number {
  const script = join(__dirname, '..', '..', 'scripts', 'ensure-docker.sh');
  return Number(sh(`source '${script}' && reap_engine_orphans | grep -c 'ending the shim' || true`)) || 0;
}

/** Repeats `check` until it reports no problem, bounded: the problems of the last try when time runs out. */
export async function untilNoProblems(
  check: () => Promise<string[]>,
  timeoutMs: number,
): Promise<{ problems: string[]; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const problems = await check().catch((err: unknown) => [`the check failed: ${String(err)}`]);
    if (!problems.length || Date.now() - t0 > timeoutMs) return { problems, ms: Date.now() - t0 };
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
