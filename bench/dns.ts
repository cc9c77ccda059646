// Part 4: DNS. dnsperf against the agent's DNS (its --dns-listen port on 127.0.0.1) and against dnsmasq run
// here on a loopback port with a hosts file of the same names, the same query file, one run each alternated,
// 3 rounds: throughput (`-c 4 -q 200 -b 4096 -l 10`) and per-query latency at 30k qps offered
// (`-Q 30000 -c 1 -q 1000 -b 4096 -v`). As in /work/shared/docs/dns-spec-and-measurements.md, dnsperf is
// pinned to CPU 0 and the server to CPU 1, and server CPU comes from /proc/<pid>/stat. Then 3 rounds of the
// agent and a Node UDP echo server at once on CPU 1 (the target: queries per server CPU-second).
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { AgentProcess } from './agent-process';
import { DNS_SERVICES } from './dns-services';
import { type NodeLine, nodeLine } from './node-line';
import { guarded } from './guard';
import { summarizeProfiles } from './profile';
import type { Context, PartResult, Row } from './report';
import { fmt, fmtRatio, median, num, percentile, summarize } from './stats';
import {
  children,
  cpuTicks,
  freePort,
  run,
  sleep,
  stopPid,
  ticksPerSecond,
  waitQuiet,
  which,
} from './system';

const ROUNDS = 3;
const UNPINNED_ROUNDS = 2;
/** The Node line the workers run on (reusePort on UDP sockets needs >= 22.12). */
const WORKERS_NODE = '24.22.3';
const SECONDS = 10;
/** One uncounted throughput run per server before the pinned rounds. */
const WARMUP_SECONDS = 3;
/** Latency runs are shorter: 150,000 queries at 30k qps already give 1,500 beyond the p99. */
const LATENCY_SECONDS = 5;
const LATENCY_QPS = 30_000;
const SERVICES = DNS_SERVICES;

interface Throughput {
  qps: number;
  lost: number;
  perCpuSecond: number;
}

interface Latency {
  p50: number;
  p99: number;
  p999: number;
  lost: number;
  sent: number;
}

const field = (text: string, label: string): number =>
  Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(text)?.[1] ?? NaN);

// dnsperf on CPU 0 (pinned runs), or wherever the kernel puts it.
const dnsperf = (pinned: boolean): [string, string[]] =>
  pinned ? ['taskset', ['-c', '0', 'dnsperf']] : ['dnsperf', []];

async function throughput(
  port: number,
  pid: number,
  file: string,
  pinned = true,
  seconds = SECONDS,
): Promise<Throughput> {
  const hz = await ticksPerSecond();
  const c0 = cpuTicks(pid);
  const [cmd, pre] = dnsperf(pinned);
  const args = [...pre, '-s', '127.0.0.1', '-p', String(port), '-d', file];
  const r = await run(cmd, [...args, '-l', String(seconds), '-c', '4', '-q', '200', '-b', '4096'], {
    timeoutMs: (seconds + 30) * 1000,
  });
  const cpuS = (cpuTicks(pid) - c0) / hz;
  const completed = field(r.stdout, 'Queries completed');
  if (r.code !== 0 || !Number.isFinite(completed)) throw new Error(`dnsperf failed: ${r.stderr || r.stdout}`);
  return {
    qps: field(r.stdout, 'Queries per second'),
    lost: field(r.stdout, 'Queries lost'),
    perCpuSecond: completed / cpuS,
  };
}

async function latency(port: number, file: string, pinned = true): Promise<Latency> {
  const out = `${file}.latency`;
  const [cmd, pre] = dnsperf(pinned);
  const r = await run(
    cmd,
    [...pre, '-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(LATENCY_SECONDS)].concat([
      '-Q',
      String(LATENCY_QPS),
      '-c',
      '1',
      '-q',
      '1000',
      '-b',
      '4096',
      '-v',
    ]),
    // Into a file, read after the run: streamed through a pipe, this process's reading slowed the server it
    // measured and blocked dnsperf (BENCHMARKS.md, DNS: the latency runs' own disturbance).
    { timeoutMs: (SECONDS + 30) * 1000, stdoutFile: out },
  );
  if (r.code !== 0) throw new Error(`dnsperf failed: ${r.stderr}`);
  const text = readFileSync(out, 'latin1');
  rmSync(out, { force: true });
  return { ...latencyFigures(text), lost: field(text, 'Queries lost'), sent: field(text, 'Queries sent') };
}

/** p50, p99 and p99.9 in ms of dnsperf -v's answered queries ("> NOERROR name A 0.000071", seconds). */
export function latencyFigures(text: string): { p50: number; p99: number; p999: number } {
  const ms: number[] = [];
  for (const l of text.split('\n')) {
    if (!l.startsWith('> ')) continue;
    const v = Number(l.slice(l.lastIndexOf(' ') + 1)) * 1000;
    if (Number.isFinite(v)) ms.push(v); // lost queries are counted apart
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), p999: percentile(ms, 99.9) };
}

/** One A query over UDP; the addresses answered, sorted. */
function queryA(port: number, name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error(`no answer for ${name} on port ${port}`));
    }, 2_000);
    s.on('message', (msg) => {
      clearTimeout(timer);
      s.close();
      const answers = dnsPacket.decode(msg).answers ?? [];
      resolve(answers.flatMap((a) => (a.type === 'A' ? [a.data] : [])).sort());
    });
    const q = dnsPacket.encode({
      type: 'query',
      id: 1,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: 'A', name }],
    });
    s.send(q, port, '127.0.0.1');
  });
}

/** A Node UDP echo (sets QR, no DNS work; replies without a lookup, as the agent): the floor of Node's socket path here. */
const ECHO_JS = [
  "const d = require('dgram').createSocket({ type: 'udp4', lookup: (a, o, cb) => cb(null, a, 4) });",
  'd.on("message", (m, r) => { m[2] |= 0x80; d.send(m, r.port, r.address); });',
  "d.bind(Number(process.argv[1]), '127.0.0.1', () => d.setRecvBufferSize(4 << 20));",
  'setTimeout(() => process.exit(0), 1800000);',
].join(' ');

async function startEcho(port: number): Promise<number> {
  const child = spawn('taskset', ['-c', '1', process.execPath, '-e', ECHO_JS, String(port)], {
    stdio: 'ignore',
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('echo server did not start');
  children.add(pid);
  child.once('exit', () => children.delete(pid));
  await sleep(500);
  return pid;
}

async function startDnsmasq(port: number, hosts: string): Promise<number> {
  const args = ['-c', '1', 'dnsmasq', '--no-daemon', '--conf-file=/dev/null', `--port=${port}`]
    .concat(['--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', '--no-poll'])
    .concat([
      '--pid-file=',
      '--user=root',
      '--local-ttl=5',
      '--local=/cluster.local/',
      `--addn-hosts=${hosts}`,
    ]);
  const child = spawn('taskset', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('dnsmasq did not start');
  children.add(pid); // taskset execs dnsmasq: the same PID
  child.once('exit', () => children.delete(pid));
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  await sleep(500);
  if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${err.trim()}`);
  return pid;
}

export async function dns(ctx: Context): Promise<PartResult> {
  if (!(await which('dnsperf')) || !(await which('dnsmasq'))) {
    // Debian's packages; nothing starts the dnsmasq service here (policy-rc.d), the bench runs its own.
    ctx.log('installing dnsperf and dnsmasq with apt');
    execFileSync(
      'bash',
      [
        '-c',
        'DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dnsperf dnsmasq',
      ],
      { stdio: 'ignore' },
    );
  }
  for (const tool of ['dnsperf', 'dnsmasq', 'taskset']) {
    if (!(await which(tool))) throw new Error(`${tool} is not installed (apt-get install dnsperf dnsmasq)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'mkb-dns-'));
  const profDir = ctx.profile ? mkdtempSync(join(tmpdir(), 'mkb-prof-')) : undefined;
  const agent = await AgentProcess.start({ log: ctx.log, ...(profDir ? { cpuProfDir: profDir } : {}) });
  let dnsmasqPid: number | undefined;
  let echoPid: number | undefined;
  let agentStopped = false;
  let line: NodeLine | undefined;
  const sessions: Session[] = [];
  const res = {
    agent: { tp: [] as Throughput[], lat: [] as Latency[] },
    dnsmasq: { tp: [] as Throughput[], lat: [] as Latency[] },
    echo: { tp: [] as Throughput[], lat: [] as Latency[] },
  };
  const sideBySide: { agent: number; echo: number }[] = [];
  try {
    const { hosts, queries } = await createServices(agent);
    const hostsFile = join(dir, 'hosts');
    const queryFile = join(dir, 'queries.txt');
    writeFileSync(hostsFile, hosts.join('\n') + '\n');
    writeFileSync(queryFile, queries.join('\n') + '\n');
    const dnsmasqPort = await freePort();
    dnsmasqPid = await startDnsmasq(dnsmasqPort, hostsFile);
    await run('taskset', ['-a', '-cp', '1', String(agent.pid)], { timeoutMs: 5_000 });
    const echoPort = await freePort();
    echoPid = await startEcho(echoPort);
    for (const q of queries) {
      const name = q.split(' ')[0] ?? '';
      const [a, b] = await Promise.all([queryA(agent.dnsPort, name), queryA(dnsmasqPort, name)]);
      if (a.join() !== b.join() || a.length !== 1)
        throw new Error(`answers differ for ${name}: ${a.join()} vs ${b.join()}`);
    }
    const servers = {
      agent: { port: agent.dnsPort, pid: agent.pid },
      dnsmasq: { port: dnsmasqPort, pid: dnsmasqPid },
      echo: { port: echoPort, pid: echoPid },
    };
    // One uncounted run each first (JIT, caches, socket buffers), so no server's first round pays for it.
    for (const who of ['agent', 'dnsmasq', 'echo'] as const) {
      const { port, pid } = servers[who];
      await guarded(`${who} warm-up`, ctx.log, () => throughput(port, pid, queryFile, true, WARMUP_SECONDS));
    }
    for (let round = 0; round < ROUNDS; round++) {
      // The agent and the echo floor run back to back (their ratio is taken per round), each first in every
      // other round; dnsmasq alternates between before and after them.
      const order =
        round % 2 === 0 ? (['agent', 'echo', 'dnsmasq'] as const) : (['dnsmasq', 'echo', 'agent'] as const);
      for (const who of order) {
        const { port, pid } = servers[who];
        res[who].tp.push(
          await guarded(`${who} throughput`, ctx.log, async () => {
            await waitQuiet(5_000);
            return throughput(port, pid, queryFile);
          }),
        );
      }
      for (const who of order) {
        const { port } = servers[who];
        res[who].lat.push(
          await guarded(`${who} latency`, ctx.log, async () => {
            await waitQuiet(5_000);
            return latency(port, queryFile);
          }),
        );
      }
      const t = (who: 'agent' | 'dnsmasq'): string => {
        const tp = res[who].tp[round];
        const l = res[who].lat[round];
        return `${who} ${num((tp?.qps ?? NaN) / 1000)}k qps, p99 ${num(l?.p99 ?? NaN)} ms, lost ${l?.lost}`;
      };
      const echo = res.echo.lat[round];
      ctx.log(
        `  round ${round + 1}/${ROUNDS}: ${t('agent')}; ${t('dnsmasq')}; echo p99 ${num(echo?.p99 ?? NaN)} ms`,
      );
    }
    // Side by side: the agent and the echo on their pinned core at once, each with its own dnsperf on CPU 0,
    // so both see the same machine in every round (one server after the other varies by up to 20 % a
    // round here; side by side their ratio holds within about 1 %).
    for (let round = 0; round < ROUNDS; round++) {
      const [a, e] = await guarded('agent and echo side by side', ctx.log, async () => {
        await waitQuiet(5_000);
        const { agent: ag, echo: ec } = servers;
        return Promise.all([throughput(ag.port, ag.pid, queryFile), throughput(ec.port, ec.pid, queryFile)]);
      });
      sideBySide.push({ agent: a.perCpuSecond, echo: e.perCpuSecond });
      ctx.log(
        `  side by side ${round + 1}/${ROUNDS}: agent ${num(a.perCpuSecond / 1000)}k, echo ${num(e.perCpuSecond / 1000)}k queries per CPU-second (${fmtRatio(a.perCpuSecond / e.perCpuSecond)})`,
      );
    }
    // Unpinned: every server may use both cores (dnsperf too); the agent with one socket and with workers.
    for (const pid of [dnsmasqPid, echoPid, agent.pid]) await unpin(pid);
    const baselines = { dnsmasq: servers.dnsmasq, echo: servers.echo };
    const own = { node: process.versions.node, workers: 1 };
    sessions.push(await unpinnedSession(ctx, own, servers.agent, baselines, queryFile));
    await agent.stop();
    agentStopped = true;
    line = await nodeLine(WORKERS_NODE);
    for (const workers of [1, 2]) {
      const other = await AgentProcess.start({
        log: ctx.log,
        node: line,
        flags: ['--dns-workers', String(workers)],
      });
      try {
        await createServices(other);
        for (const q of queries) {
          const name = q.split(' ')[0] ?? '';
          if ((await queryA(other.dnsPort, name)).length !== 1) throw new Error(`no answer for ${name}`);
        }
        const setup = { node: line.version, workers };
        sessions.push(
          await unpinnedSession(ctx, setup, { port: other.dnsPort, pid: other.pid }, baselines, queryFile),
        );
      } finally {
        await other.stop();
      }
    }
  } finally {
    if (dnsmasqPid !== undefined) await stopPid(dnsmasqPid);
    if (echoPid !== undefined) await stopPid(echoPid);
    if (!agentStopped) await agent.stop();
    line?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
  const profile = profDir ? summarizeProfiles(profDir, 20) : [];
  if (profDir) rmSync(profDir, { recursive: true, force: true });
  type Who = 'agent' | 'dnsmasq' | 'echo';
  const qps = (who: Who): number[] => res[who].tp.map((t) => t.qps);
  const perCpu = (who: Who): number[] => res[who].tp.map((t) => t.perCpuSecond);
  const lat = (who: 'agent' | 'dnsmasq' | 'echo', k: keyof Latency): number[] =>
    res[who].lat.map((l) => l[k]);
  const qpsRatio = median(qps('agent')) / median(qps('dnsmasq'));
  const k = (xs: number[]): number[] => xs.map((x) => x / 1000);
  const echoShare = median(perCpu('agent').map((a, i) => a / (perCpu('echo')[i] ?? NaN)));
  const togetherShares = sideBySide.map((r) => r.agent / r.echo);
  const togetherShare = median(togetherShares);
  const agentLost = [...lat('agent', 'lost'), ...res.agent.tp.map((t) => t.lost)];
  const rows: Row[] = [
    {
      metric: 'throughput (qps)',
      agent: fmt(summarize(k(qps('agent'))), 'k'),
      baseline: fmt(summarize(k(qps('dnsmasq'))), 'k'),
      ratio: fmtRatio(qpsRatio),
      target: '>= 0.85x',
      met: qpsRatio >= 0.85,
    },
    {
      metric: 'throughput, Node UDP echo floor (no DNS work)',
      agent: '',
      baseline: fmt(summarize(k(qps('echo'))), 'k'),
      ratio: `${fmtRatio(median(qps('agent')) / median(qps('echo')))} (agent/echo); echo/dnsmasq ${fmtRatio(median(qps('echo')) / median(qps('dnsmasq')))}`,
      target: '',
    },
    {
      metric: 'queries per server CPU-second',
      agent: fmt(summarize(k(perCpu('agent'))), 'k'),
      baseline: fmt(summarize(k(perCpu('dnsmasq'))), 'k'),
      ratio: `${fmtRatio(median(perCpu('agent')) / median(perCpu('dnsmasq')))} (echo floor ${fmt(summarize(k(perCpu('echo'))), 'k')})`,
      target: '',
    },
    {
      metric: 'queries per server CPU-second vs the Node UDP echo (one pinned core, one after the other)',
      agent: fmt(summarize(k(perCpu('agent'))), 'k'),
      baseline: fmt(summarize(k(perCpu('echo'))), 'k'),
      ratio: `${fmtRatio(echoShare)} (per round ${perCpu('agent')
        .map((a, i) => fmtRatio(a / (perCpu('echo')[i] ?? NaN)))
        .join(', ')})`,
      target: '',
    },
    {
      // Issue 18: the echo server is Node's UDP ceiling on one core; judged side by side, where a round's
      // ratio does not depend on what the machine did between two runs.
      metric: 'queries per server CPU-second vs the Node UDP echo (one pinned core, side by side)',
      agent: fmt(summarize(k(sideBySide.map((r) => r.agent))), 'k'),
      baseline: fmt(summarize(k(sideBySide.map((r) => r.echo))), 'k'),
      ratio: `${fmtRatio(togetherShare)} (per round ${togetherShares.map(fmtRatio).join(', ')})`,
      target: '>= 0.95x',
      met: togetherShare >= 0.95,
    },
    {
      metric: `p50 at ${LATENCY_QPS / 1000}k qps`,
      agent: fmt(summarize(lat('agent', 'p50')), 'ms', 3),
      baseline: fmt(summarize(lat('dnsmasq', 'p50')), 'ms', 3),
      ratio: fmtRatio(median(lat('agent', 'p50')) / median(lat('dnsmasq', 'p50'))),
      target: '',
    },
    {
      metric: `p99 at ${LATENCY_QPS / 1000}k qps`,
      agent: fmt(summarize(lat('agent', 'p99')), 'ms', 2),
      baseline: fmt(summarize(lat('dnsmasq', 'p99')), 'ms', 2),
      ratio: fmtRatio(median(lat('agent', 'p99')) / median(lat('dnsmasq', 'p99'))),
      target: '<= 1 ms',
      met: median(lat('agent', 'p99')) <= 1,
    },
    {
      metric: `p99 at ${LATENCY_QPS / 1000}k qps, Node UDP echo floor (no DNS work)`,
      agent: '',
      baseline: fmt(summarize(lat('echo', 'p99')), 'ms', 2),
      ratio: fmtRatio(median(lat('agent', 'p99')) / median(lat('echo', 'p99'))),
      target: '',
    },
    {
      metric: `p99.9 at ${LATENCY_QPS / 1000}k qps`,
      agent: fmt(summarize(lat('agent', 'p999')), 'ms', 2),
      baseline: fmt(summarize(lat('dnsmasq', 'p999')), 'ms', 2),
      ratio: '',
      target: '',
    },
    {
      metric: 'queries lost (all runs)',
      agent: String(agentLost.reduce((a, b) => a + b, 0)),
      baseline: String(
        [...lat('dnsmasq', 'lost'), ...res.dnsmasq.tp.map((t) => t.lost)].reduce((a, b) => a + b, 0),
      ),
      ratio: '',
      target: '0',
      met: agentLost.every((x) => x === 0),
    },
  ];
  rows.push(...unpinnedRows(sessions));
  return {
    id: 'dns',
    title: 'DNS',
    baselineName: 'dnsmasq',
    rows,
    body: [
      `Method: ${SERVICES.length} ClusterIP Services (${SERVICES.map((s) => `${s.name}.${s.ns}`).join(', ')}) created`,
      "through the agent's API; dnsmasq (`--no-daemon --local=/cluster.local/ --local-ttl=5 --addn-hosts=FILE`)",
      'gets a hosts file with the same names and the ClusterIPs the agent assigned, on a free loopback port,',
      'and is stopped by its PID. Both answers are checked equal before measuring. The query file asks A for',
      'the five names. Servers pinned to CPU 1 (`taskset -a -cp 1` for the agent), dnsperf to CPU 0.',
      `After one uncounted ${WARMUP_SECONDS} s throughput run per server, ${ROUNDS} rounds; in each, one throughput run`,
      `per server (\`dnsperf -c 4 -q 200 -b 4096 -l ${SECONDS}\`) then one latency run per server (\`-Q ${LATENCY_QPS}`,
      `-c 1 -q 1000 -b 4096 -v -l ${LATENCY_SECONDS}\`, percentiles of the per-query latencies; lost queries are counted`,
      'apart). Besides dnsmasq, a Node UDP echo server on the same CPU (it sets QR and sends the query back) is the',
      "floor of the machine and Node's socket path; the agent and the echo run back to back, each first in every",
      'other round (agent, echo, dnsmasq; then dnsmasq, echo, agent), so their per-round ratio compares',
      'neighbouring runs. "median [min–max]" is over the rounds.',
      '',
      `Side by side (the target's row): then ${ROUNDS} rounds of the agent and the echo server at once, both on CPU 1,`,
      'each with its own dnsperf on CPU 0 (the same throughput run): both see the same machine in every round, so',
      'their ratio of queries per CPU-second does not move with what the machine did between two runs (one after',
      'the other, a single server varies by up to 20 % a round here).',
      '',
      `Unpinned (${UNPINNED_ROUNDS} rounds per agent; dnsperf, dnsmasq, the echo server and the agent all free to use`,
      "both cores): the same throughput and latency runs, the agent first with one socket on the bench's Node, then",
      `as a fresh daemon on Node ${WORKERS_NODE} (scripts/node-lines.sh) with \`--dns-workers 1\` and \`--dns-workers 2\`;`,
      'dnsmasq and the echo server are measured again in each round beside it, so every ratio comes from one',
      'session. dnsperf needs a core of its own to offer this load, so on a 2-core machine two workers compete',
      "with it (and with dnsmasq and the echo server's single thread, which cannot use the second core anyway).",
      ...(profile.length ? ['', ...profile] : []),
      ...dnsNotes(
        median(lat('agent', 'p99')),
        median(lat('echo', 'p99')),
        qpsRatio,
        median(qps('agent')) / median(qps('echo')),
        median(qps('echo')) / median(qps('dnsmasq')),
      ),
    ],
  };
}

interface Runs {
  tp: Throughput[];
  lat: Latency[];
}

interface Session {
  label: string;
  node: string;
  workers: number;
  agent: Runs;
  dnsmasq: Runs;
  echo: Runs;
}

interface Server {
  port: number;
  pid: number;
}

async function createServices(agent: AgentProcess): Promise<{ hosts: string[]; queries: string[] }> {
  const ns = await agent.request('POST', '/api/v1/namespaces', { metadata: { name: 'prod' } });
  if (ns.status !== 201) throw new Error(`create namespace: ${ns.status}`);
  const hosts: string[] = [];
  const queries: string[] = [];
  for (const s of SERVICES) {
    const body = { metadata: { name: s.name }, spec: { ports: [{ port: 80 }], selector: { app: s.name } } };
    const r = await agent.request('POST', `/api/v1/namespaces/${s.ns}/services`, body);
    if (r.status !== 201) throw new Error(`create service: ${r.status} ${JSON.stringify(r.json)}`);
    const fqdn = `${s.name}.${s.ns}.svc.cluster.local`;
    hosts.push(`${(r.json as { spec: { clusterIP: string } }).spec.clusterIP} ${fqdn}`);
    queries.push(`${fqdn} A`);
  }
  return { hosts, queries };
}

/** Lets every thread of a process run on every CPU again. */
async function unpin(pid: number | undefined): Promise<void> {
  if (pid !== undefined)
    await run('taskset', ['-a', '-cp', `0-${cpus().length - 1}`, String(pid)], { timeoutMs: 5_000 });
}

/** UNPINNED_ROUNDS rounds of throughput then latency for the agent, dnsmasq and the echo server, unpinned. */
async function unpinnedSession(
  ctx: Context,
  setup: { node: string; workers: number },
  agent: Server,
  baselines: { dnsmasq: Server; echo: Server },
  file: string,
): Promise<Session> {
  const label = `${setup.workers === 1 ? '1 socket' : `${setup.workers} workers`} (Node ${setup.node})`;
  const session: Session = {
    label,
    ...setup,
    agent: { tp: [], lat: [] },
    dnsmasq: { tp: [], lat: [] },
    echo: { tp: [], lat: [] },
  };
  const servers = { agent, ...baselines };
  for (let round = 0; round < UNPINNED_ROUNDS; round++) {
    const order =
      round % 2 === 0 ? (['agent', 'dnsmasq', 'echo'] as const) : (['dnsmasq', 'echo', 'agent'] as const);
    for (const who of order) {
      const { port, pid } = servers[who];
      session[who].tp.push(
        await guarded(`${label} ${who} throughput`, ctx.log, async () => {
          await waitQuiet(5_000);
          return throughput(port, pid, file, false);
        }),
      );
      session[who].lat.push(
        await guarded(`${label} ${who} latency`, ctx.log, async () => {
          await waitQuiet(5_000);
          return latency(port, file, false);
        }),
      );
    }
    const q = (who: 'agent' | 'dnsmasq' | 'echo'): string =>
      `${num((session[who].tp[round]?.qps ?? NaN) / 1000)}k`;
    ctx.log(
      `  unpinned, ${label}, round ${round + 1}/${UNPINNED_ROUNDS}: agent ${q('agent')} qps, p99 ` +
        `${num(session.agent.lat[round]?.p99 ?? NaN)} ms; dnsmasq ${q('dnsmasq')}; echo ${q('echo')}`,
    );
  }
  return session;
}

function unpinnedRows(sessions: Session[]): Row[] {
  const k = (xs: number[]): number[] => xs.map((x) => x / 1000);
  const qps = (r: Runs): number[] => r.tp.map((t) => t.qps);
  const p99 = (r: Runs): number[] => r.lat.map((l) => l.p99);
  const rows: Row[] = [];
  for (const s of sessions) {
    const single = sessions.find((o) => o.node === s.node && o.workers === 1);
    const scale =
      single && s.workers > 1
        ? `; ${fmtRatio(median(qps(s.agent)) / median(qps(single.agent)))} of 1 socket on the same Node`
        : '';
    rows.push(
      {
        metric: `unpinned throughput (qps), ${s.label}`,
        agent: fmt(summarize(k(qps(s.agent))), 'k'),
        baseline: fmt(summarize(k(qps(s.dnsmasq))), 'k'),
        ratio:
          `${fmtRatio(median(qps(s.agent)) / median(qps(s.dnsmasq)))}; echo ${fmt(summarize(k(qps(s.echo))), 'k')}, ` +
          `agent/echo ${fmtRatio(median(qps(s.agent)) / median(qps(s.echo)))}${scale}`,
        target: '',
      },
      {
        metric: `unpinned p99 at ${LATENCY_QPS / 1000}k qps, ${s.label}`,
        agent: fmt(summarize(p99(s.agent)), 'ms', 2),
        baseline: fmt(summarize(p99(s.dnsmasq)), 'ms', 2),
        ratio: `${fmtRatio(median(p99(s.agent)) / median(p99(s.dnsmasq)))}; echo ${fmt(summarize(p99(s.echo)), 'ms', 2)}`,
        target: '',
      },
    );
  }
  return rows;
}

/** What the numbers say about a missed target (kept with the code that measures them). */
function dnsNotes(
  agentP99: number,
  echoP99: number,
  qpsRatio: number,
  ofEcho: number,
  echoOfDnsmasq: number,
): string[] {
  const out: string[] = [];
  if (agentP99 > 1) {
    const machine =
      `a Node UDP echo server that does no DNS work had a p99 of ${num(echoP99)} ms in the same rounds on the ` +
      'same CPU, so this shared 2-vCPU VM (the hypervisor runs other machines beside it) sets a floor above ' +
      'the target by itself';
    out.push(
      '',
      echoP99 > 1 && agentP99 <= 2 * echoP99
        ? `**p99 over 1 ms:** ${machine}; the agent stays within 2x of it, and its median near 0.1 ms. The ` +
            'collector is not the tail: young-generation collections under this load take 0.1–0.4 ms ' +
            "(`node --trace-gc`), and neither `--single-threaded-gc` nor a 64 MB semi-space moved the echo's p99 " +
            'beyond the noise (2026-11-26). The target can only be confirmed in a quiet window.'
        : echoP99 > 1
          ? `**p99 over 1 ms:** ${machine}, but the agent's tail is ${fmtRatio(agentP99 / echoP99)} of that ` +
            "floor: its own pauses add to the machine's (its event loop also runs the sync loop, the API and " +
            'logging); profile with `npm run bench -- dns --profile`.'
          : `**p99 over 1 ms while the echo floor stayed at ${num(echoP99)} ms:** the tail is the agent's own ` +
            '(its event loop also runs the sync loop, the API and logging); profile with ' +
            '`npm run bench -- dns --profile`.',
    );
  }
  if (qpsRatio < 0.85) {
    out.push(
      '',
      `**Throughput under 0.85x:** the target lies at Node's own floor on one core. A Node UDP echo server ` +
        `that does no DNS work reached ${fmtRatio(echoOfDnsmasq)} of dnsmasq in the same rounds, and the ` +
        `agent ${fmtRatio(ofEcho)} of that echo. The DNS work costs about 0.4 µs a query (Responder.respond ` +
        "in a loop, no sockets), Node's receive-callback-send path about 10 µs; a profile under dnsperf " +
        '(`--profile`) has three quarters of the time in the `sendmsg` system call. Node 20 offers no ' +
        '`recvmmsg`/`sendmmsg` batching and no `reusePort`, and more sockets or threads (`--dns-workers` on ' +
        'Node >= 22.12, the unpinned rows) need the second core, which dnsperf holds in the pinned method. Before/after: replies skip `dns.lookup` and its ' +
        '`nextTick` (a literal-address lookup on the socket), worth about 8 % on the echo floor ' +
        '(103k -> 111k qps side by side, 2026-11-26).',
    );
  }
  return out;
}
