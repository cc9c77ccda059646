// `npm run bench [-- PART...] [--reps N] [--profile]`: runs the benchmark parts (all by default), prints
// one table and rewrites their sections of BENCHMARKS.md. Parts: pod-start, init-handoff, image-pull,
// density, dns, api, config-start, config-update, streams, metrics-cost, workload-scale, workload-replace,
// workload-rollout, workload-idle, restart-scale.
import { join } from 'node:path';
import { api } from './api';
import { configStart, configUpdate } from './config';
import { density } from './density';
import { metricsCost } from './metrics-cost';
import { dns } from './dns';
import { engineVersion, removeBenchNetwork, removeBenchPodContainers, removeRawContainers } from './engine';
import { waitClear } from './guard';
import { imagePull } from './image-pull';
import { initHandoff, podStart } from './pod-start';
import { type Context, type PartResult, consoleTable, writeBenchmarks } from './report';
import { restartScale } from './restart-scale';
import { streams } from './streams';
import { children, machineInfo, signalPid } from './system';
import { workloadIdle } from './workload-idle';
import { workloadRollout } from './workload-rollout';
import { workloadReplace, workloadScale } from './workload-scale';
import { runMain } from '../tools/run-main';

const PARTS: Record<string, (ctx: Context) => Promise<PartResult>> = {
  'pod-start': podStart,
  'init-handoff': initHandoff,
  'image-pull': imagePull,
  density,
  dns,
  api,
  'config-start': configStart,
  'config-update': configUpdate,
  streams,
  'metrics-cost': metricsCost,
  'workload-scale': workloadScale,
  'workload-replace': workloadReplace,
  'workload-rollout': workloadRollout,
  'workload-idle': workloadIdle,
  'restart-scale': restartScale,
};

const USAGE = `usage: npm run bench [-- [PART...] [--reps N] [--profile] [--no-write]]
parts: ${Object.keys(PARTS).join(', ')} (default: all)
  --reps N     repetitions per measurement (default 10; use 2-3 while developing)
  --profile    run the agent with node --cpu-prof and add where its CPU time went
  --no-write   print the table only; leave BENCHMARKS.md alone
`;

interface Args {
  parts: string[];
  reps: number;
  profile: boolean;
  write: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { parts: [], reps: 10, profile: false, write: true };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i] ?? '';
    if (x === '--reps') a.reps = Number(argv[++i]);
    else if (x.startsWith('--reps=')) a.reps = Number(x.slice(7));
    else if (x === '--profile') a.profile = true;
    else if (x === '--no-write') a.write = false;
    else if (x === '--help' || x === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else if (x in PARTS) a.parts.push(x);
    else {
      process.stderr.write(`unknown argument: ${x}\n${USAGE}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(a.reps) || a.reps < 1) {
    process.stderr.write(`--reps must be a positive integer\n`);
    process.exit(2);
  }
  if (a.parts.length === 0) a.parts = Object.keys(PARTS);
  return a;
}

/** Ctrl-C: end the processes the run started (by PID) and remove its containers. */
function onInterrupt(): void {
  let once = false;
  const handler = (signal: string): void => {
    if (once) return;
    once = true;
    process.stderr.write(`\n${signal}: cleaning up\n`);
    for (const pid of children) signalPid(pid, 'SIGKILL');
    void Promise.all([removeRawContainers(), removeBenchPodContainers()])
      .then(() => removeBenchNetwork())
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  onInterrupt();
  const t0 = Date.now();
  const log = (s: string): void => {
    process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);
  };
  await waitClear(log);
  const extra = process.argv.slice(2).join(' ');
  const ctx: Context = {
    reps: args.reps,
    log,
    command: `npm run bench${extra ? ` -- ${extra}` : ''}`,
    machine: await machineInfo(await engineVersion()),
    profile: args.profile,
  };
  log(`machine: ${ctx.machine}`);
  const results: PartResult[] = [];
  let failed = 0;
  for (const id of args.parts) {
    const part = PARTS[id];
    if (!part) continue;
    const p0 = Date.now();
    log(`== ${id}`);
    try {
      results.push(await part(ctx));
      log(`== ${id} done in ${((Date.now() - p0) / 1000).toFixed(0)} s`);
    } catch (err) {
      failed++;
      log(`== ${id} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  process.stdout.write(`\n${consoleTable(results)}\n`);
  if (args.write && results.length) {
    const path = join(__dirname, '..', '..', 'BENCHMARKS.md');
    writeBenchmarks(path, results, ctx);
    log(`wrote ${path}`);
  }
  log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exit(failed ? 1 : 0);
}

void runMain('bench', main);
