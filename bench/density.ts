// Part 3: density. 110 pods (sandbox + 1 app each) POSTed at once until all are Running, against raw dockerode
// creating the same containers at the agent's concurrency (the agent runs one worker per pod and no global
// limit, so all 110 at once). With the last repetition's 110 pods running: the agent's RSS, and its CPU while
// idle over one full resync period (utime+stime from /proc/<pid>/stat).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentProcess, type PodWatch, deletePods } from './agent-process';
import { BENCH_NETWORK, BUSYBOX, PAUSE_IMAGE, RAW_LABEL, docker, removeRawContainers } from './engine';
import { takeProfile } from './profile';
import type { Context, PartResult, Row } from './report';
import { fmt, fmtRatio, median, num, ratios, summarize } from './stats';
import { cpuTicks, memoryMiB, sleep, ticksPerSecond, waitQuiet } from './system';

export const PODS = 110;
const RUNNING_TIMEOUT_MS = 240_000;
/** The daemon's default --resync-seconds: the idle window covers one periodic relist. */
export const IDLE_WINDOW_S = 30;
const SETTLE_MS = 5_000;
/** /proc reports KiB; the target is in MB (10^6 bytes). */
export const MB_PER_MIB = 1.048576;

export function appPod(name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'mkb-density' } },
    spec: { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] },
  };
}

export const podNames = (prefix: string, n = PODS): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

/**
 * POSTs all pods at once; resolves when the watch has seen all Running. `ms` counts from the first POST
 * to the last pod Running, `postMs` until the last POST was answered.
 */
export async function agentBatch(
  agent: AgentProcess,
  w: PodWatch,
  names: string[],
): Promise<{ ms: number; postMs: number }> {
  const p0 = performance.now();
  await Promise.all(names.map((n) => agent.createPod(appPod(n))));
  const postMs = performance.now() - p0;
  await w.allRunning(names, RUNNING_TIMEOUT_MS);
  return { ms: Math.max(...names.map((n) => w.runningAt.get(n) ?? NaN)) - p0, postMs };
}

/** The raw side: pause + app containers of `PODS` pods created and started all at once. */
export async function rawBatch(run: string): Promise<number> {
  const Labels = { [RAW_LABEL]: run };
  const p0 = performance.now();
  await Promise.all(
    podNames(`mkb-raw-${run}`).map(async (name) => {
      const pause = await docker.createContainer({
        name: `${name}-POD`,
        Image: PAUSE_IMAGE,
        Labels,
        HostConfig: { NetworkMode: BENCH_NETWORK, IpcMode: 'shareable', RestartPolicy: { Name: 'no' } },
      });
      await pause.start();
      const app = await docker.createContainer({
        name: `${name}-app`,
        Image: BUSYBOX,
        Entrypoint: ['sleep', '3600'],
        Labels,
        HostConfig: {
          NetworkMode: `container:${pause.id}`,
          IpcMode: `container:${pause.id}`,
          RestartPolicy: { Name: 'no' },
        },
      });
      await app.start();
    }),
  );
  return performance.now() - p0;
}

export function dockerdPid(): number {
  try {
    return Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
  } catch {
    return NaN;
  }
}

/** CPU-seconds that a process used while fn ran (NaN when it cannot be read). */
export async function withCpu<T>(
  pids: number[],
  fn: () => Promise<T>,
): Promise<{ result: T; cpu: number[] }> {
  const hz = await ticksPerSecond();
  const read = (pid: number): number => {
    try {
      return cpuTicks(pid);
    } catch {
      return NaN;
    }
  };
  const before = pids.map(read);
  const result = await fn();
  return { result, cpu: pids.map((p, i) => (read(p) - (before[i] ?? NaN)) / hz) };
}

export interface Idle {
  rss: number;
  peak: number;
  cpuPercent: number;
  /** CPU ms of the busiest second (the periodic relist) and the average of the other seconds, in %. */
  burstMs: number;
  restPercent: number;
}

export async function idleReadings(pid: number): Promise<Idle> {
  await sleep(SETTLE_MS);
  const hz = await ticksPerSecond();
  const mem = memoryMiB(pid);
  const first = cpuTicks(pid);
  const t = performance.now();
  const perSecond: number[] = [];
  let last = first;
  for (let i = 0; i < IDLE_WINDOW_S; i++) {
    await sleep(t + (i + 1) * 1000 - performance.now());
    const now = cpuTicks(pid);
    perSecond.push(((now - last) / hz) * 1000);
    last = now;
  }
  const wallS = (performance.now() - t) / 1000;
  const burstMs = Math.max(...perSecond);
  const restMs = perSecond.reduce((a, b) => a + b, 0) - burstMs;
  return {
    rss: mem.rss,
    peak: memoryMiB(pid).peak,
    cpuPercent: (100 * (last - first)) / hz / wallS,
    burstMs,
    restPercent: restMs / 10 / (IDLE_WINDOW_S - 1),
  };
}

export async function density(ctx: Context): Promise<PartResult> {
  const profDir = ctx.profile ? mkdtempSync(join(tmpdir(), 'mkb-prof-')) : undefined;
  const agent = await AgentProcess.start({ log: ctx.log, ...(profDir ? { cpuProfDir: profDir } : {}) });
  const agentMs: number[] = [];
  const postMs: number[] = [];
  const rawMs: number[] = [];
  const cpu = {
    agentSelf: [] as number[],
    agentDockerd: [] as number[],
    rawDockerd: [] as number[],
    rawSelf: [] as number[],
  };
  const busy: number[] = [];
  let idle: Idle | undefined;
  let w: PodWatch | undefined;
  try {
    w = await agent.watch();
    for (let rep = 0; rep < ctx.reps; rep++) {
      const order = rep % 2 === 0 ? (['agent', 'raw'] as const) : (['raw', 'agent'] as const);
      const line: string[] = [];
      for (const v of order) {
        busy.push(await waitQuiet(5_000));
        if (v === 'agent') {
          const names = podNames(`mkb-d${rep}`);
          const watch = w;
          const m = await withCpu([agent.pid, dockerdPid()], () => agentBatch(agent, watch, names));
          const ms = m.result.ms;
          agentMs.push(ms);
          postMs.push(m.result.postMs);
          cpu.agentSelf.push(m.cpu[0] ?? NaN);
          cpu.agentDockerd.push(m.cpu[1] ?? NaN);
          line.push(`agent ${(ms / 1000).toFixed(1)} s (POSTs ${(m.result.postMs / 1000).toFixed(1)} s)`);
          if (rep === ctx.reps - 1) {
            idle = await idleReadings(agent.pid);
            line.push(`RSS ${num(idle.rss)} MiB, idle CPU ${num(idle.cpuPercent)} %`);
          }
          const d0 = performance.now();
          await deletePods(agent, w, names);
          line.push(`deleted in ${((performance.now() - d0) / 1000).toFixed(1)} s`);
        } else {
          const m = await withCpu([dockerdPid(), process.pid], () => rawBatch(`density-${rep}`));
          const ms = m.result;
          rawMs.push(ms);
          cpu.rawDockerd.push(m.cpu[0] ?? NaN);
          cpu.rawSelf.push(m.cpu[1] ?? NaN);
          line.push(`raw ${(ms / 1000).toFixed(1)} s`);
          const d0 = performance.now();
          await removeRawContainers(`density-${rep}`);
          line.push(`removed in ${((performance.now() - d0) / 1000).toFixed(1)} s`);
        }
      }
      ctx.log(`  rep ${rep + 1}/${ctx.reps}: ${line.join(', ')}`);
    }
  } finally {
    w?.close();
    await removeRawContainers();
    await agent.stop();
  }
  const profile = takeProfile(profDir);
  const r = median(agentMs) / median(rawMs);
  const rows: Row[] = [
    {
      metric: `${PODS} pods POSTed at once -> all Running`,
      agent: fmt(summarize(agentMs.map((x) => x / 1000)), 's', 1),
      baseline: fmt(summarize(rawMs.map((x) => x / 1000)), 's', 1),
      ratio: `${fmtRatio(r)} (per rep ${fmt(summarize(ratios(agentMs, rawMs)), '', 2)})`,
      target: '<= 1.10x',
      met: r <= 1.1,
    },
  ];
  if (idle) {
    rows.push(
      {
        metric: `agent RSS with ${PODS} pods (peak during the run)`,
        agent: `${num(idle.rss * MB_PER_MIB)} MB (peak ${num(idle.peak * MB_PER_MIB)} MB)`,
        baseline: '',
        ratio: '',
        target: '<= 150 MB',
        met: idle.rss * MB_PER_MIB <= 150,
      },
      {
        metric: `agent CPU idle with ${PODS} pods (${IDLE_WINDOW_S} s)`,
        agent: `${num(idle.cpuPercent)} % of a core (relist burst ${num(idle.burstMs)} ms, rest ${num(idle.restPercent)} %)`,
        baseline: '',
        ratio: '',
        target: '<= 1 %',
        met: idle.cpuPercent <= 1,
      },
    );
  }
  return {
    id: 'density',
    title: `Density (${PODS} pods)`,
    baselineName: 'raw dockerode',
    rows,
    body: [
      `Method: each repetition POSTs ${PODS} pods (sandbox + one busybox \`sleep 3600\`) at once and ends when a`,
      'watch has seen every one Running; the raw side creates and starts the same pause and app containers',
      `for ${PODS} pods, all at once (the agent has one worker per pod and no global limit). Agent and raw`,
      'alternate, the first one swapping each repetition; pods are removed between repetitions (not timed).',
      `RSS (VmRSS, and VmHWM as the peak) is read ${SETTLE_MS / 1000} s after the last repetition's pods are`,
      `Running; idle CPU is the agent's utime+stime over the next ${IDLE_WINDOW_S} s, one full period of the`,
      "daemon's default `--resync-seconds 30` relist, so it includes one relist of every pod.",
      '',
      `CPU-seconds used during one batch: the agent process ${fmt(summarize(cpu.agentSelf), 's')}, dockerd ` +
        `${fmt(summarize(cpu.agentDockerd), 's')} while the agent created the pods, against dockerd ` +
        `${fmt(summarize(cpu.rawDockerd), 's')} (and the raw script ${fmt(summarize(cpu.rawSelf), 's')}) for the raw batch. ` +
        `The agent had answered all ${PODS} POSTs after ${fmt(summarize(postMs.map((x) => x / 1000)), 's')}.`,
      '',
      `Repetitions: ${agentMs.length} each. Machine busy before a repetition (waits up to 5 s for <= 15 %): ` +
        `median ${fmt(summarize(busy.map((b) => b * 100)), '%', 0)}.`,
      ...(profile.length ? ['', ...profile] : []),
      ...(rows[0]?.met === false ? ['', ...DENSITY_CAUSE] : []),
      '',
      ...(idle && idle.cpuPercent > 1 ? IDLE_CAUSE : IDLE_NOTE),
    ],
  };
}

/** Findings from profiling, kept with the code that produces the numbers. */
const DENSITY_CAUSE: string[] = [
  '**Why (profiled 2026-11-26 with `npm run bench -- density --profile`, plus the CPU line above):** the',
  'engine is the bottleneck (dockerd is busy on both cores while 110 pods are created), and the agent makes',
  "it work more for the same containers: dockerd's CPU-seconds per batch are the difference. The agent's",
  'own CPU is small (about 2 s per batch) and its POSTs are answered within a second. The extra engine work',
  "is (a) the agent's observation: every round of every pod lists the pod's containers and inspects each",
  'live one, and a pod takes several rounds (after the sandbox is created, after the app starts, on each',
  "`start` event), plus an image inspect per container; and, probably, (b) the richer containers: the pods'",
  'bind-mounted `/etc/hosts` and `/etc/resolv.conf`, hostname and labels (not measured apart). Also, in the',
  "profile the agent's largest self time was `sqliteTransaction` (better-sqlite3), 2.1 s of 8 s of",
  'JavaScript over a run: the store commits each created and deleted pod and each batch of events in its',
  'own transaction with `synchronous = FULL` (agent/store/sqlite-persistence.ts), synchronously on the event',
  'loop. Such a commit took 0.6 ms median on the idle disk here but 20 ms at p99 while Docker created',
  'containers (measured with the same settings), and no Docker reply is handled meanwhile. Fix, not made',
  "here: the store and the runtime adapter are other people's work in progress in this tree, and the rounds",
  'are the sync loop. Options: one list of all pods per resync instead of one per pod and round, no image',
  'inspect for an image seen present moments ago, and batched or `synchronous = NORMAL` event writes.',
];

const IDLE_NOTE: string[] = [
  'Idle CPU is almost all the periodic relist (the "relist burst" is the busiest second of the window):',
  "every 30 s each pod's worker lists its containers and inspects the running ones. Between relists the",
  'agent uses close to nothing: no polling, it waits for Docker events.',
];

const IDLE_CAUSE: string[] = [
  ...IDLE_NOTE,
  '',
  '**Why over target:** one relist of 110 pods is 110 filtered list calls and 220 inspects, about 0.2 to 0.3 s',
  "of the agent's CPU. A profile of an agent adopting 110 running pods and idling through three relists",
  "(2026-11-26) puts it in Docker's HTTP round trips: the garbage collector (18 %), docker-modem's JSON",
  "parsing, Node's HTTP client and connection set-up (`internalConnect`, `_http_agent`) for each request.",
  'Averaged over the 30 s period that is about 1 % of a core on its own. Fix, not made here (the sync loop',
  'and the runtime adapter, which others are changing): one list of all',
  'managed containers per resync, handed to the workers, and inspect only containers whose state changed',
  'since the last look; or `--resync-seconds 60` halves it (the events stream is the primary signal).',
];
