// `npm run soak [-- CYCLES]`: create and delete a pod with two init containers, an emptyDir and a Service,
// CYCLES times (default 200), against the real daemon; then count what is left over: containers, networks,
// volumes, iptables rules, open files, SQLite rows, and the daemon's memory. Prints "leaks: N" (must be 0)
// and exits non-zero when anything leaked.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeExit, outputTail, stopChild } from '../tools/child';
import { freePort } from '../tools/free-port';
import { freePodSubnet } from '../tools/free-subnet';
import { runMain } from '../tools/run-main';

const MAIN = join(__dirname, '..', 'daemon', 'main.js');
const CYCLES = Number(process.argv[2] ?? 200);
const NETWORK = 'mk-soak';
/** Tried in order; the first is the soak's traditional one (bench and tests use 10.248 and 10.245). */
const POD_CIDRS = ['10.249.0.0/16', '10.250.0.0/16', '10.251.0.0/16', '10.252.0.0/16'];
let URL = '';

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

/** Waits for /readyz; fails at once, with the daemon's last lines, when the daemon exits instead. */
async function untilReady(daemon: ChildProcess, tail: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (daemon.exitCode !== null || daemon.signalCode !== null) {
      const how = describeExit({ code: daemon.exitCode, signal: daemon.signalCode });
      throw new Error(`the daemon exited (${how}) before it was ready; its last lines:\n${tail()}`);
    }
    if (
      await fetch(`${URL}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline)
      throw new Error(`the daemon was not ready within 30 s; its last lines:\n${tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const subnet = freePodSubnet(NETWORK, POD_CIDRS, (line) => console.log(`soak: ${line}`));
  const port = await freePort();
  URL = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-soak-'));
  const daemon = spawn(
    process.execPath,
    [
      MAIN,
      '--listen',
      `127.0.0.1:${port}`,
      '--data-dir',
      dataDir,
      '--dns-listen',
      '127.0.0.1:0',
      '--network',
      NETWORK,
      '--pod-cidr',
      subnet,
      '--log-level',
      'warn',
      ...['--image-pull-default', 'offline'], // local images: no registry is asked
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tail = outputTail(daemon);
  const pid = daemon.pid ?? 0;
  try {
    await untilReady(daemon, tail);
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
    await stopChild(daemon);
    sh(
      'ids=$(docker ps -aq --filter label=io.kubernetes.pod.name=soak); [ -z "$ids" ] || docker rm -f $ids >/dev/null',
    );
    sh(`docker network rm ${NETWORK} >/dev/null 2>&1 || true`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void runMain('soak', main);
