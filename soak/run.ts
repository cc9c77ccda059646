// `npm run soak [-- CYCLES]`: create and delete a pod with two init containers, an emptyDir and a Service,
// CYCLES times (default 200), against the real daemon; then count what is left over: containers, networks,
// volumes, iptables rules, open files, SQLite rows, and the daemon's memory. Prints "leaks: N" (must be 0)
// and exits non-zero when anything leaked.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const MAIN = join(__dirname, '..', 'daemon', 'main.js');
const CYCLES = Number(process.argv[2] ?? 200);
const PORT = 18600 + Math.floor(Math.random() * 300);
const URL = `http://127.0.0.1:${PORT}`;

const POD = {
  kind: 'Pod',
  metadata: { name: 'soak', labels: { app: 'soak' } },
  spec: {
    terminationGracePeriodSeconds: 0,
    volumes: [{ name: 'scratch', emptyDir: {} }],
    initContainers: [
      {
        name: 'init1',
        image: 'busybox',
        command: ['sh', '-c', 'echo one > /s/one'],
        volumeMounts: [{ name: 'scratch', mountPath: '/s' }],
      },
      { name: 'init2', image: 'busybox', command: ['true'] },
    ],
    containers: [
      {
        name: 'app',
        image: 'busybox',
        command: ['sleep', '3600'],
        volumeMounts: [{ name: 'scratch', mountPath: '/s' }],
      },
    ],
  },
};
const SERVICE = {
  kind: 'Service',
  metadata: { name: 'soak' },
  spec: { selector: { app: 'soak' }, ports: [{ port: 80, targetPort: 8080 }] },
};

const sh = (cmd: string): string => execFileSync('bash', ['-c', cmd], { encoding: 'utf8' }).trim();
const count = (cmd: string): number => Number(sh(`${cmd} | wc -l`));

interface Census {
  containers: number;
  volumes: number;
  networks: number;
  iptablesRules: number;
  openFiles: number;
  sqliteRows: number;
  rssMb: number;
}

function census(pid: number, dataDir: string): Census {
  const db = new Database(join(dataDir, 'minikubelet.db'), { readonly: true });
  const rows = (
    db.prepare('SELECT (SELECT count(*) FROM objects) + (SELECT count(*) FROM events) AS n').get() as {
      n: number;
    }
  ).n;
  db.close();
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  return {
    containers: count('docker ps -aq --filter label=io.kubernetes.pod.name=soak'),
    volumes: count('docker volume ls -q --filter label=io.minikubelet.managed=true'),
    networks: count('docker network ls -q'),
    iptablesRules: count("iptables-save | grep -E '^-A MINIKUBELET'"),
    openFiles: readdirSync(`/proc/${pid}/fd`).length,
    sqliteRows: rows,
    rssMb: Math.round(rss * 10) / 10,
  };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const api = (path: string, method = 'GET', body?: object): Promise<Response> =>
  fetch(`${URL}${path}`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });

async function cycle(): Promise<void> {
  if ((await api('/services', 'POST', SERVICE)).status !== 201) throw new Error('service not created');
  if ((await api('/pods', 'POST', POD)).status !== 201) throw new Error('pod not created');
  await until('pod running', async () => {
    const p = (await (await api('/pods/soak')).json()) as {
      status?: { phase?: string; containerStatuses?: { state: { running?: unknown } }[] };
    };
    return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.state.running !== undefined;
  });
  await api('/pods/soak?gracePeriodSeconds=0', 'DELETE');
  await api('/services/soak', 'DELETE');
  await until('pod gone', async () => (await api('/pods/soak')).status === 404);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-soak-'));
  const daemon = spawn(
    process.execPath,
    [
      MAIN,
      '--listen',
      `127.0.0.1:${PORT}`,
      '--data-dir',
      dataDir,
      '--dns-listen',
      '127.0.0.1:0',
      '--network',
      'mk-soak',
      '--pod-cidr',
      '10.249.0.0/16',
      '--log-level',
      'warn',
    ],
    { stdio: 'ignore' },
  );
  const pid = daemon.pid ?? 0;
  try {
    await until('daemon ready', async () => (await fetch(`${URL}/readyz`)).ok);
    const warmup = Math.min(10, CYCLES);
    for (let i = 0; i < warmup; i++) await cycle(); // caches and pools settle before the baseline
    await new Promise((r) => setTimeout(r, 500));
    const before = census(pid, dataDir);
    const t0 = Date.now();
    for (let i = 1; i <= CYCLES; i++) {
      await cycle();
      if (i % 25 === 0)
        process.stdout.write(`  ${i}/${CYCLES} cycles, ${((Date.now() - t0) / i).toFixed(0)} ms each\n`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const after = census(pid, dataDir);
    const rows = (Object.keys(before) as (keyof Census)[]).map((k) => ({
      what: k,
      before: before[k],
      after: after[k],
    }));
    console.table(rows);
    // Memory: allowed to wander by noise (GC timing), not to grow with the cycle count.
    const leaks = rows.filter((r) =>
      r.what === 'rssMb' ? r.after - r.before > Math.max(15, r.before * 0.15) : r.after > r.before,
    );
    for (const l of leaks) console.log(`LEAK ${l.what}: ${l.before} -> ${l.after}`);
    console.log(
      `soak: ${CYCLES} cycles in ${((Date.now() - t0) / 1000).toFixed(0)} s, leaks: ${leaks.length}`,
    );
    process.exitCode = leaks.length ? 1 : 0;
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
    sh(
      'ids=$(docker ps -aq --filter label=io.kubernetes.pod.name=soak); [ -z "$ids" ] || docker rm -f $ids >/dev/null',
    );
    sh('docker network rm mk-soak >/dev/null 2>&1 || true');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`soak failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
