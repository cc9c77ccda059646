// Part restart-scale (issue 18 item 4): restarts with 110 pods running. (1) `kill -9` of the daemon and a
// new one on the same data dir: from the new process's spawn until every pod is adopted (its first full
// relist done: every pod's worker has synced it against the engine and published its status), then a check
// that nothing was restarted or duplicated and that every published status names the running containers.
// (2) The engine restarted underneath (every sandbox lost): from the new engine's first answer until the
// agent has every pod Running again in a new sandbox, against raw dockerode recreating the same 110 pods
// (pause + app, all at once) after the same engine restart. Needs the Docker lock (it restarts the engine).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { AgentProcess, MAIN, type PodWatch, type WatchPod } from './agent-process';
import { PODS, agentBatch, podNames, rawBatch } from './density';
import { type ManagedContainer, compareCensus } from './census';
import { managedContainers, restartEngine } from './engine-restart';
import { removeRawContainers } from './engine';
import { type NodeLine, nodeLine } from './node-line';
import type { Context, PartResult, Row } from './report';
import { PHASES, type StartupPhases, phaseLine, probeEnv, readPhases } from './startup-phases';
import { fmt, fmtRatio, num, summarize } from './stats';
import { sleep, waitQuiet } from './system';

const PREFIX = 'mkb-rs';
const ADOPT_TIMEOUT_MS = 60_000;
const RUNNING_TIMEOUT_MS = 240_000;
/** kill -9 rounds are cheap (seconds each); the engine restart runs once per side. */
const MAX_KILL_REPS = 9;
/** Rounds alternate the system's Node and this line (Node's compile cache needs >= 22.1). */
const OTHER_NODE = '24.22.3';
/** A /metrics scrape with 110 pods costs the agent CPU: polled faster, it slows the start it measures. */
const POLL_MS = 100;

const load = (): string => `load ${os.loadavg()[0]?.toFixed(2) ?? '?'}`;

/** Full relists the agent has finished (kubelet_pleg_relist_duration_seconds_count); NaN when unreadable. */
async function relistsDone(agent: AgentProcess): Promise<number> {
  try {
    const text = await (await fetch(`${agent.url}/metrics`)).text();
    return Number(/^kubelet_pleg_relist_duration_seconds_count(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

interface ApiPod {
  metadata: { name: string };
  status?: WatchPod['status'];
}

/** Pods whose published status is not Running + Ready with the app container the engine runs. */
async function statusMismatches(agent: AgentProcess, census: ManagedContainer[]): Promise<string[]> {
  const r = await agent.request('GET', '/api/v1/namespaces/default/pods');
  const items = (r.json as { items: ApiPod[] }).items.filter((p) => p.metadata.name.startsWith(PREFIX));
  const app = new Map(census.filter((c) => c.name === 'app').map((c) => [c.pod, c]));
  const bad: string[] = [];
  for (const p of items) {
    const s = p.status?.containerStatuses?.find((c) => c.name === 'app');
    const want = app.get(p.metadata.name);
    const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (
      p.status?.phase !== 'Running' ||
      !ready ||
      s?.containerID !== `docker://${want?.id}` ||
      String(s?.restartCount) !== want?.attempt
    )
      bad.push(p.metadata.name);
  }
  if (items.length !== PODS) bad.push(`${items.length} pods listed`);
  return bad;
}

interface KillRound {
  node: string;
  phases: StartupPhases;
  listeningMs: number;
  readyMs: number;
  adoptedMs: number;
  problems: string[];
}

/** How a round runs the daemon: the system's Node or another line's binary and copy of dist/. */
interface Line {
  version: string;
  node?: { exec: string; main: string };
}

/**
 * The Node lines of one cycle of rounds: the other line first, the system's last (the engine-restart half runs
 * on it as before). MKB_RS_BEFORE=<a dist/ of an earlier commit, with bench/startup-probe.js copied in> adds
 * rounds of that build on the system's Node, for a before/after at the same load.
 */
function roundLines(other: NodeLine | undefined): Line[] {
  const system = process.versions.node;
  const before = process.env['MKB_RS_BEFORE'];
  return [
    ...(other ? [{ version: other.version, node: other }] : []),
    ...(before
      ? [
          {
            version: `${system} (before)`,
            node: { exec: process.execPath, main: join(before, 'daemon', 'main.js') },
          },
        ]
      : []),
    { version: system, node: { exec: process.execPath, main: MAIN } }, // (a respawn keeps the last line's)
  ];
}

/**
 * kill -9, respawn (on `line`, with the start-up probe), wait for the first full relist; the caller's agent is
 * replaced by the new one.
 */
async function killAndAdopt(
  agent: AgentProcess,
  line: Line,
  probeFile: string,
): Promise<{ agent: AgentProcess; round: KillRound }> {
  const before = await managedContainers(PREFIX);
  await agent.kill9();
  const env = probeEnv(probeFile, line.node?.main ?? MAIN);
  const { agent: next, spawnedAt } = await agent.respawn({ ...(line.node ? { node: line.node } : {}), env });
  const deadline = performance.now() + ADOPT_TIMEOUT_MS;
  while (!((await relistsDone(next)) >= 1)) {
    if (performance.now() > deadline) throw new Error('no full relist within 60 s of the restart');
    await sleep(POLL_MS);
  }
  const adoptedAt = performance.now();
  const after = await managedContainers(PREFIX);
  const problems = [...compareCensus(before, after), ...(await statusMismatches(next, after))];
  return {
    agent: next,
    round: {
      node: line.version,
      phases: readPhases(probeFile, performance.timeOrigin + spawnedAt),
      listeningMs: next.listeningAt - spawnedAt,
      readyMs: next.readyAt - spawnedAt,
      adoptedMs: adoptedAt - spawnedAt,
      problems,
    },
  };
}

/** Every pod Running and Ready with an app container other than the one it had before the engine restart. */
function allBack(w: PodWatch, names: string[], oldApp: Map<string, string>): boolean {
  return names.every((n) => {
    const s = w.latest.get(n)?.status;
    const app = s?.containerStatuses?.find((c) => c.name === 'app');
    const ready = s?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    return (
      s?.phase === 'Running' && ready && app?.containerID !== undefined && app.containerID !== oldApp.get(n)
    );
  });
}

interface EngineRound {
  ms: number;
  stopMs: number;
}

async function agentAfterEngineRestart(w: PodWatch, names: string[]): Promise<EngineRound> {
  const oldApp = new Map(
    names.map((n) => [
      n,
      w.latest.get(n)?.status?.containerStatuses?.find((c) => c.name === 'app')?.containerID ?? '',
    ]),
  );
  const e = await restartEngine();
  await w.until(`${names.length} pods Running again`, () => allBack(w, names, oldApp), RUNNING_TIMEOUT_MS);
  return { ms: performance.now() - e.backAt, stopMs: e.stopMs };
}

async function rawAfterEngineRestart(): Promise<EngineRound> {
  await removeRawContainers(); // an interrupted run's (their names would clash)
  const run = `restart-${Date.now().toString(36)}`;
  await rawBatch(`${run}-a`);
  const e = await restartEngine();
  await rawBatch(`${run}-b`);
  return { ms: performance.now() - e.backAt, stopMs: e.stopMs };
}

/** Markdown: each round's start-up phases (ms from the spawn) as bench/startup-probe.ts saw them. */
function phaseTable(kills: KillRound[]): string[] {
  const cols = PHASES.filter((p) => kills.some((k) => k.phases.at[p] !== undefined));
  const pkgs = [...new Set(kills.flatMap((k) => Object.keys(k.phases.packages)))];
  const cell = (x: number | undefined): string => (x === undefined ? '' : String(Math.round(x)));
  return [
    "Start-up phases of each round, ms from the spawn (bench/startup-probe.ts, preloaded: 'modules loaded' =",
    "main() reads its flags; 'engine answered' = its ping succeeded; 'started' = the sync loop runs; 'first",
    "relist done' = every pod's worker has synced once), and the require time of the packages the daemon imports:",
    '',
    `| round | Node | ${cols.join(' | ')} | ${pkgs.join(' | ')} |`,
    `|${' --- |'.repeat(2 + cols.length + pkgs.length)}`,
    ...kills.map(
      (k, i) =>
        `| ${i + 1} | ${k.node} | ${cols.map((c) => cell(k.phases.at[c])).join(' | ')} | ` +
        `${pkgs.map((p) => cell(k.phases.packages[p])).join(' | ')} |`,
    ),
    '',
  ];
}

export async function restartScale(ctx: Context): Promise<PartResult> {
  let other: NodeLine | undefined;
  let otherFailure = '';
  try {
    other = await nodeLine(OTHER_NODE);
  } catch (err) {
    otherFailure = err instanceof Error ? err.message : String(err);
    ctx.log(`  Node ${OTHER_NODE} not available, the system's Node only: ${otherFailure}`);
  }
  const probeDir = mkdtempSync(join(os.tmpdir(), 'mkb-rs-probe-'));
  let agent = await AgentProcess.start({ log: ctx.log });
  const names = podNames(PREFIX);
  const kills: KillRound[] = [];
  let agentEngine: EngineRound | undefined;
  let rawEngine: EngineRound | undefined;
  let rawFailure = '';
  let startMs = NaN;
  const loads: string[] = [];
  let w: PodWatch | undefined;
  try {
    w = await agent.watch();
    startMs = (await agentBatch(agent, w, names)).ms;
    ctx.log(`  ${PODS} pods Running in ${(startMs / 1000).toFixed(1)} s`);
    w.close();
    const probeFile = join(probeDir, 'phases.jsonl');
    const cycle = roundLines(other);
    const rounds = Math.min(ctx.reps * cycle.length, MAX_KILL_REPS);
    for (let rep = 0; rep < rounds; rep++) {
      const line = cycle[rep % cycle.length] ?? { version: process.versions.node };
      await waitQuiet(5_000);
      loads.push(load());
      const r = await killAndAdopt(agent, line, probeFile);
      agent = r.agent;
      kills.push(r.round);
      ctx.log(
        `  kill -9 ${rep + 1} (Node ${line.version}): API ${num(r.round.listeningMs)} ms, ready ${num(r.round.readyMs)} ms, all adopted ` +
          `${num(r.round.adoptedMs)} ms${r.round.problems.length ? `; PROBLEMS: ${r.round.problems.join('; ')}` : ''} (${load()})`,
      );
      ctx.log(`    phases (ms from the spawn, each from the previous): ${phaseLine(r.round.phases)}`);
      ctx.log(
        `    packages' require (ms): ${Object.entries(r.round.phases.packages)
          .map(([k, v]) => `${k} ${Math.round(v)}`)
          .join(', ')}`,
      );
    }
    w = await agent.watch();
    await waitQuiet(5_000);
    loads.push(load());
    agentEngine = await agentAfterEngineRestart(w, names);
    ctx.log(
      `  engine restart (stopped in ${num(agentEngine.stopMs / 1000)} s): agent's ${PODS} pods Running again ` +
        `${num(agentEngine.ms / 1000)} s after the engine answered (${load()})`,
    );
    w.close();
    // The raw side needs the agent's network; the agent is killed so it recovers nothing meanwhile.
    await agent.kill9();
    await waitQuiet(5_000);
    loads.push(load());
    rawEngine = await rawAfterEngineRestart().catch((err: unknown) => {
      rawFailure = err instanceof Error ? err.message : String(err);
      return undefined;
    });
    ctx.log(
      rawEngine
        ? `  engine restart (stopped in ${num(rawEngine.stopMs / 1000)} s): raw ${PODS} pods recreated ` +
            `${num(rawEngine.ms / 1000)} s after the engine answered (${load()})`
        : `  raw side FAILED: ${rawFailure}`,
    );
  } finally {
    w?.close();
    await removeRawContainers();
    await agent.stop();
    other?.cleanup();
    rmSync(probeDir, { recursive: true, force: true });
  }
  const problems = kills.flatMap((k, i) => k.problems.map((p) => `round ${i + 1}: ${p}`));
  const r = agentEngine && rawEngine ? agentEngine.ms / rawEngine.ms : NaN;
  const lines = [...new Set(kills.map((k) => k.node))];
  const rows: Row[] = [
    ...lines.map((node): Row => {
      const mine = kills.filter((k) => k.node === node);
      const adopted = mine.map((k) => k.adoptedMs);
      const bad = mine.flatMap((k) => k.problems);
      return {
        metric: `kill -9 with ${PODS} pods -> every pod adopted (spawn to first full relist), Node ${node}`,
        agent: `${fmt(summarize(adopted), 'ms', 0)} (API ${fmt(summarize(mine.map((k) => k.listeningMs)), 'ms', 0)})`,
        baseline: '',
        ratio: bad.length ? `${bad.length} problems` : 'none restarted, no duplicate',
        target: '<= 2 s',
        met: Math.max(...adopted) <= 2000 && bad.length === 0,
      };
    }),
    {
      metric: `engine restarted under ${PODS} pods -> all Running again (from the engine's first answer)`,
      agent: agentEngine ? `${num(agentEngine.ms / 1000)} s` : 'n/a',
      baseline: rawEngine ? `${num(rawEngine.ms / 1000)} s` : 'n/a',
      ratio: fmtRatio(r),
      target: '',
    },
  ];
  return {
    id: 'restart-scale',
    title: `Restart with ${PODS} pods`,
    baselineName: 'raw dockerode',
    rows,
    body: [
      `Method: the daemon starts ${PODS} density pods (sandbox + busybox \`sleep 3600\`; all Running after`,
      `${num(startMs / 1000)} s). Then, ${kills.length} times: the engine's census of the pods' containers (id,`,
      'restart count), `kill -9` of the daemon, a new daemon on the same data dir and flags, timed from its',
      `spawn until \`/metrics\` (polled every ${POLL_MS} ms) counts its first full relist done`,
      '(`kubelet_pleg_relist_duration_seconds`:',
      "every pod's worker has listed and inspected its containers, planned, and published its status). Then the",
      'census again (no container gone, new, stopped or duplicated) and every pod read from the API (Running,',
      "Ready, the app's container id and restart count as the engine has them). Rounds (spawn to the API",
      `listening / to \`ready\` / to all adopted, ms): ${kills.map((k) => `${num(k.listeningMs)} / ${num(k.readyMs)} / ${num(k.adoptedMs)}`).join('; ')}.`,
      ...(problems.length ? [`Problems: ${problems.join('; ')}.`] : []),
      '',
      'Engine restart: SIGTERM to dockerd, wait until it is gone, `ensure_docker` (scripts/ensure-docker.sh,',
      'under the Docker lock); dockerd stops every container on the way down, so every sandbox is lost. The',
      "agent's side is timed from the new engine's first answer to a ping (polled every 20 ms) until a pod watch",
      `has seen all ${PODS} pods Running and Ready with a new app container; the raw side, after the same`,
      `restart of ${PODS} raw pods, creates and starts the same pause and app containers for ${PODS} pods at`,
      'once (it knows what to make; the agent first has to reconnect its events stream and relist). The agent',
      "is killed first (the raw side uses its network), so its pods' containers are stopped by that restart too",
      '(not timed). One round each.',
      `Engine stop times: ${agentEngine ? num(agentEngine.stopMs / 1000) : 'n/a'} s with the agent's pods, ` +
        `${rawEngine ? num(rawEngine.stopMs / 1000) : 'n/a'} s with the raw ones.`,
      `Load (1-minute average) before each round: ${loads.join(', ')}.`,
      '',
      ...phaseTable(kills),
      ...(otherFailure ? [`Node ${OTHER_NODE} was not available: ${otherFailure}.`] : []),
      ...(rawFailure ? [`The raw side failed: ${rawFailure}.`] : []),
    ],
  };
}
