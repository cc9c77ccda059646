// `npm run soak [-- CYCLES]`: create and delete a pod with two init containers, an emptyDir and a Service,
// CYCLES times (default 200), against the real daemon; then count what is left over: containers, networks,
// volumes, iptables rules, open files, SQLite rows, and the daemon's memory. Every SAMPLE_EVERY cycles it
// reads the daemon's heap after a full GC (through the inspector) and its RSS, and prints a `sample` line
// (soak/plot.ts draws them for docs/recovery.md). Prints "leaks: N" (must be 0) and exits non-zero when
// anything leaked, or when the heap after GC grows with the cycle count.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { outputTail, stopChild } from '../tools/child';
import { freePort } from '../tools/free-port';
import { freePodSubnet } from '../tools/free-subnet';
import { InspectorSession } from '../tools/inspector';
import { slope } from '../tools/trend';
import { WATCH_RING_SIZE } from '../agent/store/watch-hub';
import { untilReady } from '../tools/until-ready';
import { runMain } from '../tools/run-main';

const MAIN = join(__dirname, '..', 'daemon', 'main.js');
const CYCLES = Number(process.argv[2] ?? 200);
/** 100 for a long soak; shorter ones still get about ten samples. */
const SAMPLE_EVERY = Math.min(100, Math.max(5, Math.floor(CYCLES / 10)));
/**
 * The heap after GC may not grow faster than this per cycle (least-squares slope over all samples, taken once
 * the warm-up has filled the watch hub's replay ring: until then the heap grows, bounded, by the ring). A
 * cycle stores and deletes a pod, a Service and about 11 events (several KB of objects); keeping any one of
 * them would add over 1 KB a cycle, while GC noise over hundreds of cycles stays far below.
 */
const MAX_HEAP_SLOPE_BYTES = 1024;
const MAX_WARMUP = 2_000;
/** Events outlive their pod for --event-ttl (1 h by default): short here, so a cycle's events are gone in the census. */
const EVENT_TTL_MS = 2_000;
/** `SOAK_HEAP_SNAPSHOTS=DIR`: also write a heap snapshot at every sample (compare them: tools/heap-diff.ts). */
const SNAPSHOT_DIR = process.env.SOAK_HEAP_SNAPSHOTS;
const NETWORK = 'mk-soak';
/** Tried in order; the first is the soak's traditional one (the bench starts at 10.253, the tests use 10.245, examples/compose fixes 10.248). */
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

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 100) / 100;
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

/** The store's current resourceVersion (a list's), which every change advances by one. */
async function currentVersion(): Promise<number> {
  const list = (await (await api('/api/v1/pods')).json()) as { metadata?: { resourceVersion?: string } };
  return Number(list.metadata?.resourceVersion ?? 0);
}

/** Waits out the event TTL, then lists the events: expiry is seen when events are listed or recorded. */
async function eventsExpired(): Promise<void> {
  await new Promise((r) => setTimeout(r, EVENT_TTL_MS + 1_000));
  if (!(await api('/api/v1/events')).ok) throw new Error('events not listed');
}

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
  const subnet = freePodSubnet(NETWORK, POD_CIDRS, (line) => console.log(`soak: ${line}`));
  const port = await freePort();
  const inspectPort = await freePort();
  URL = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-soak-'));
  const daemon = spawn(
    process.execPath,
    [
      `--inspect=127.0.0.1:${inspectPort}`, // the heap after GC is read through the DevTools protocol
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
      ...['--event-ttl', `${EVENT_TTL_MS}ms`],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tail = outputTail(daemon);
  const pid = daemon.pid ?? 0;
  let inspector: InspectorSession | undefined;
  try {
    await untilReady(daemon, URL, tail);
    inspector = await InspectorSession.connect(inspectPort);
    // caches and pools settle, and the replay ring fills (~15 changes a cycle), before the baseline
    const rv0 = await currentVersion();
    let warmup = 0;
    while (warmup < 10 || (await currentVersion()) - rv0 < WATCH_RING_SIZE) {
      if (warmup >= MAX_WARMUP)
        throw new Error(`the replay ring was not full after ${warmup} warm-up cycles`);
      await cycle();
      warmup++;
    }
    console.log(`soak: ${warmup} warm-up cycles (until the ${WATCH_RING_SIZE}-change replay ring is full)`);
    await eventsExpired();
    const before = census(pid, dataDir);
    const heap: { x: number; y: number }[] = [];
    const t0 = Date.now();
    const sample = async (i: number): Promise<void> => {
      const bytes = await (inspector as InspectorSession).heapAfterGc();
      heap.push({ x: i, y: bytes });
      if (SNAPSHOT_DIR)
        await (inspector as InspectorSession).writeHeapSnapshot(
          join(SNAPSHOT_DIR, `cycle-${i}.heapsnapshot`),
        );
      const ms = i ? ((Date.now() - t0) / i).toFixed(0) : '-';
      console.log(
        `  sample cycle ${i}: heap after GC ${mb(bytes)} MB, RSS ${census(pid, dataDir).rssMb} MB, ${ms} ms/cycle`,
      );
    };
    await sample(0);
    for (let i = 1; i <= CYCLES; i++) {
      await cycle();
      if (i % SAMPLE_EVERY === 0) await sample(i);
    }
    await eventsExpired();
    const after = census(pid, dataDir);
    const rows = (Object.keys(before) as (keyof Census)[]).map((k) => ({
      what: k,
      before: before[k],
      after: after[k],
    }));
    console.table(rows);
    // Memory: allowed to wander by noise (GC timing), not to grow with the cycle count.
    const leaks = rows
      .filter((r) =>
        r.what !== 'rssMb'
          ? r.after > r.before
          : // taking a heap snapshot inflates the RSS by hundreds of MB: only the heap is judged then
            !SNAPSHOT_DIR && r.after - r.before > Math.max(15, r.before * 0.15),
      )
      .map((r) => `${r.what}: ${r.before} -> ${r.after}`);
    const perCycle = slope(heap);
    const heapLine = `heap after GC grows ${perCycle.toFixed(0)} bytes/cycle over ${heap.length} samples (bound ${MAX_HEAP_SLOPE_BYTES})`;
    console.log(`soak: ${heapLine}`);
    if (perCycle > MAX_HEAP_SLOPE_BYTES) leaks.push(`heap: ${heapLine}`);
    for (const l of leaks) console.log(`LEAK ${l}`);
    console.log(
      `soak: ${CYCLES} cycles in ${((Date.now() - t0) / 1000).toFixed(0)} s, leaks: ${leaks.length}`,
    );
    process.exitCode = leaks.length ? 1 : 0;
  } finally {
    inspector?.close();
    await stopChild(daemon);
    sh(
      'ids=$(docker ps -aq --filter label=io.kubernetes.pod.name=soak); [ -z "$ids" ] || docker rm -f $ids >/dev/null',
    );
    sh(`docker network rm ${NETWORK} >/dev/null 2>&1 || true`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void runMain('soak', main);
