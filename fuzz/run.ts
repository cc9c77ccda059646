// `npm run fuzz [-- --count N --memory-count N --dns-packets N --seed S --max-seconds T]`: hostile input at
// a live agent, bounded in count and time, deterministic for a seed (SECURITY.md).
//  1. engine: an in-process agent on the real DockerRuntime, over real HTTP, gets N (default 10 000)
//     generated invalid manifests, hostile bodies and hostile requests. No 5xx, no invalid manifest
//     accepted, no crash, and `docker ps -a` shows no container of this agent or of any fuzz pod after it.
//  2. memory: the same generator with a few valid pods present (PATCH/PUT/logs against real objects), on
//     the memory runtime, over real HTTP.
//  3. dns: the engine agent's DNS server gets 100 000 hostile packets (fuzz/dns-packets.ts) over UDP and
//     TCP, then must answer; and one source is held to the per-source rate limit.
// Memory (RSS, and heap after a full GC) is measured before and after each part. Exits 1 on any failure.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { systemClock } from '../agent/clock';
import { type LogFields, type Logger, nopLogger } from '../agent/log';
import { DockerRuntime } from '../agent/runtime/docker-runtime';
import { MemoryRuntime } from '../agent/runtime/memory-runtime';
import { DnsServer } from '../dns/server';
import { freePodSubnet } from '../tools/free-subnet';
import { runMain } from '../tools/run-main';
import { type FuzzTarget, startFuzzTarget } from './agent';
import { fuzzCases } from './cases';
import { dnsFuzzPackets, wireQuery } from './dns-packets';
import { type FuzzStats, httpSender, runCases } from './engine';
import { type ServedKind, servedKinds } from './served-kinds';
import { kindsWithoutBody } from './structural';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name}: expected a number`);
  return v;
}

const COUNT = arg('count', 10_000);
const MEMORY_COUNT = arg('memory-count', 3_000);
const DNS_PACKETS = arg('dns-packets', 100_000);
const SEED = arg('seed', 20261126);
const MAX_SECONDS = arg('max-seconds', 900);
const DEADLINE = Date.now() + MAX_SECONDS * 1000;
const INSTANCE = `fuzz-${randomBytes(4).toString('hex')}`;
const NETWORK = 'mk-fuzz';
/** Tried in order (tools/free-subnet.ts); not the daemon's default (10.244), nor the soak's, bench's or tests'. */
const POD_CIDRS = ['10.246.0.0/16', '10.243.0.0/16', '10.242.0.0/16'];

/** Keeps error lines only (a logger that kept every request's debug line would itself grow). */
class ErrorLog {
  readonly errors: { message: string; fields: LogFields }[] = [];
  logger(base: LogFields = {}): Logger {
    const keep = (message: string, fields?: LogFields): void => {
      if (this.errors.length < 100) this.errors.push({ message, fields: { ...base, ...fields } });
    };
    return { ...nopLogger, error: keep, child: (f) => this.logger({ ...base, ...f }) };
  }
}

const failures: string[] = [];
let crashes = 0;
process.on('uncaughtException', (err) => {
  crashes++;
  console.log(`CRASH (uncaught exception): ${err.stack ?? String(err)}`);
});
process.on('unhandledRejection', (err) => {
  crashes++;
  console.log(`CRASH (unhandled rejection): ${String(err)}`);
});

interface Memory {
  rssMb: number;
  heapMb: number;
}
function memory(): Memory {
  gc();
  const m = process.memoryUsage();
  return { rssMb: Math.round(m.rss / 1e5) / 10, heapMb: Math.round(m.heapUsed / 1e5) / 10 };
}
const memText = (a: Memory, b: Memory): string =>
  `rss ${a.rssMb} -> ${b.rssMb} MB, heap after GC ${a.heapMb} -> ${b.heapMb} MB`;

const docker = (args: string[]): string =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
/** Containers of this run's agent, and containers of any pod named fz-* (what the generator names pods). */
function fuzzContainers(): string[] {
  const mine = docker(['ps', '-aq', '--filter', `label=io.minikubelet.instance=${INSTANCE}`]);
  const named = docker(['ps', '-a', '--format', '{{.ID}} {{.Label "io.kubernetes.pod.name"}}'])
    .split('\n')
    .filter((l) => / fz-/.test(l));
  return [...mine.split('\n').filter((l) => l), ...named];
}

function report(name: string, stats: FuzzStats, took: number): void {
  const statuses = Object.entries(stats.byStatus)
    .sort()
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
  console.log(
    `${name}: ${stats.cases} cases in ${(took / 1000).toFixed(1)} s (${Object.entries(stats.byFamily)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ')}); statuses ${statuses}`,
  );
  console.log(
    `${name}: 5xx ${stats.serverErrorCount}, invalid accepted ${stats.acceptedCount}, no answer ${stats.noAnswerCount}, unexpected status ${stats.unexpectedCount}, error not a Status ${stats.nonStatusCount}${stats.timedOut ? ' (stopped at the time limit)' : ''}`,
  );
  for (const [what, list] of [
    ['5xx', stats.serverErrors],
    ['accepted', stats.accepted],
    ['no answer', stats.noAnswer],
    ['unexpected status', stats.unexpected],
    ['not a Status', stats.nonStatus],
  ] as const) {
    for (const x of list.slice(0, 5))
      console.log(
        `  ${what}: #${x.case.id} ${x.case.method} ${x.case.path.slice(0, 100)} (${x.case.what}) -> ${x.outcome.status} ${x.outcome.error ?? ''}`,
      );
  }
  if (stats.serverErrorCount) failures.push(`${name}: ${stats.serverErrorCount} answers were 5xx`);
  if (stats.acceptedCount) failures.push(`${name}: ${stats.acceptedCount} invalid manifests were accepted`);
  if (stats.noAnswerCount) failures.push(`${name}: ${stats.noAnswerCount} requests got no answer`);
  if (stats.unexpectedCount)
    failures.push(`${name}: ${stats.unexpectedCount} answers had another status than expected`);
  if (stats.nonStatusCount) failures.push(`${name}: ${stats.nonStatusCount} error answers were not a Status`);
}

/** The kinds the agent serves, from its discovery; a kind the structural fuzzer has no body for fails the run. */
async function kindsOf(name: string, port: number): Promise<ServedKind[]> {
  const kinds = await servedKinds(async (path) => (await fetch(`http://127.0.0.1:${port}${path}`)).json());
  const missing = kindsWithoutBody(kinds);
  console.log(`${name}: ${kinds.length} kinds served, structural bodies for all but ${missing.length}`);
  if (missing.length)
    failures.push(`${name}: no structural body (fuzz/structural.ts) for ${missing.join(', ')}`);
  return kinds;
}

async function listen(h: FuzzTarget): Promise<number> {
  await h.agent.api.listen({ host: '127.0.0.1', port: 0 });
  return (h.agent.api.server.address() as AddressInfo).port;
}

async function engineRun(log: ErrorLog): Promise<FuzzTarget> {
  const runtime = new DockerRuntime({ logger: log.logger(), instance: INSTANCE });
  await runtime.ping();
  const h = await startFuzzTarget({
    runtime,
    logger: log.logger(),
    flags: [
      '--network',
      NETWORK,
      '--pod-cidr',
      freePodSubnet(NETWORK, POD_CIDRS, (l) => console.log(`fuzz: ${l}`)),
    ],
  });
  const before = fuzzContainers();
  const port = await listen(h);
  const client = httpSender({ host: '127.0.0.1', port, timeoutMs: 30_000 });
  try {
    // A warm-up (every parser, the YAML thread, the router) before the first measurement.
    const kinds = await kindsOf('engine', port);
    await runCases(fuzzCases(SEED + 1, 300, { kinds }), client.send, DEADLINE);
    const m0 = memory();
    const t0 = Date.now();
    let next = 2_000;
    const stats = await runCases(fuzzCases(SEED, COUNT, { kinds }), client.send, DEADLINE, (_c, _o, s) => {
      if (s.cases >= next) {
        const m = memory();
        console.log(
          `  engine: ${s.cases} cases, 5xx ${s.serverErrorCount}, rss ${m.rssMb} MB, heap ${m.heapMb} MB`,
        );
        next += 2_000;
      }
    });
    const took = Date.now() - t0;
    const m1 = memory();
    report('engine', stats, took);
    const after = fuzzContainers();
    const created = after.filter((id) => !before.includes(id));
    console.log(
      `engine: containers of this agent or of fz-* pods: before ${before.length}, after ${after.length}, created ${created.length}`,
    );
    if (created.length)
      failures.push(`engine: ${created.length} containers were created: ${created.join(', ')}`);
    if (h.agent.pods.list().length) failures.push(`engine: ${h.agent.pods.list().length} pods were stored`);
    console.log(`engine: memory ${memText(m0, m1)}`);
    if (m1.heapMb - m0.heapMb > 32)
      failures.push(`engine: heap grew ${(m1.heapMb - m0.heapMb).toFixed(1)} MB`);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    if (!health.ok) failures.push('engine: /healthz no longer answers');
    return h;
  } finally {
    client.close();
  }
}

async function memoryRun(): Promise<void> {
  const runtime = new MemoryRuntime(systemClock);
  const h = await startFuzzTarget({ runtime, logger: nopLogger });
  const existing = ['fz-a', 'fz-b', 'fz-c', 'fz-d'];
  for (const name of existing) {
    const payload = {
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    };
    const res = await h.agent.api.inject({ method: 'POST', url: '/pods', payload });
    if (res.statusCode !== 201) throw new Error(`create ${name} failed: ${res.statusCode} ${res.body}`);
  }
  const port = await listen(h);
  const client = httpSender({ host: '127.0.0.1', port, timeoutMs: 30_000 });
  try {
    const kinds = await kindsOf('memory', port);
    const containers = (await runtime.listContainers()).length;
    const m0 = memory();
    const t0 = Date.now();
    const stats = await runCases(
      fuzzCases(SEED + 2, MEMORY_COUNT, { existingPods: existing, kinds }),
      client.send,
      DEADLINE,
    );
    const m1 = memory();
    report('memory', stats, Date.now() - t0);
    const extra = h.agent.pods.list().filter((p) => !existing.includes(p.metadata.name));
    if (extra.length) failures.push(`memory: ${extra.length} pods were stored from invalid manifests`);
    const now = (await runtime.listContainers()).length;
    console.log(
      `memory: pods kept ${h.agent.pods.list().length}/${existing.length}, runtime containers ${containers} -> ${now}; ${memText(m0, m1)}`,
    );
    if (now > containers) failures.push(`memory: ${now - containers} containers were created`);
  } finally {
    client.close();
    await h.stop();
  }
}

async function dnsRun(h: FuzzTarget, log: ErrorLog): Promise<void> {
  const addr = h.agent.dns.addresses()[0];
  if (!addr) throw new Error('the agent serves no DNS');
  const { port } = addr;
  const socket = dgram.createSocket('udp4');
  let replies = 0;
  socket.on('message', () => replies++);
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  // Two passes of the same packets: the first fills the answer cache (bounded at 50 000 entries, about
  // 40 MB), the second must then leave memory flat.
  const pass = async (): Promise<{ sent: number; tcp: number; kinds: Map<string, number>; ms: number }> => {
    const t0 = Date.now();
    const kinds = new Map<string, number>();
    const frames: Buffer[] = [];
    let sent = 0;
    for (const { kind, packet } of dnsFuzzPackets(DNS_PACKETS, SEED)) {
      if (Date.now() > DEADLINE) break;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      await new Promise<void>((resolve) => socket.send(packet, port, '127.0.0.1', () => resolve()));
      sent++;
      // Client and server share this process: let the server read before its buffer fills.
      if (sent % 64 === 0) await new Promise((r) => setImmediate(r));
      if (sent % 10 === 0)
        frames.push(Buffer.concat([Buffer.from([packet.length >> 8, packet.length & 0xff]), packet]));
    }
    // TCP: every tenth packet framed, in chunks over a few connections, then a frame longer than its data.
    for (let i = 0; i < frames.length; i += 2_000)
      await tcpSend(port, Buffer.concat(frames.slice(i, i + 2_000)));
    await tcpSend(port, Buffer.from([0xff, 0xff, ...randomBytes(1000)]));
    await new Promise((r) => setTimeout(r, 500));
    return { sent, tcp: frames.length, kinds, ms: Date.now() - t0 };
  };
  const m0 = memory();
  const first = await pass();
  const m1 = memory();
  const cache1 = h.agent.dns.cacheEntries;
  const second = await pass();
  const m2 = memory();
  const answered = await udpQuery(port, wireQuery('kubernetes.default.svc.cluster.local', 1, 4242));
  const errors = log.errors.filter((r) => r.fields['component'] === 'dns');
  console.log(
    `dns: ${first.sent} packets over UDP (+${first.tcp} over TCP) in ${(first.ms / 1000).toFixed(1)} s, twice; ${replies} UDP replies in all; kinds ${[...first.kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`,
  );
  console.log(`dns: first pass ${memText(m0, m1)}; answer cache ${cache1} entries (at most 50 000)`);
  console.log(`dns: second pass ${memText(m1, m2)}; answer cache ${h.agent.dns.cacheEntries} entries`);
  console.log(`dns: answers afterwards: ${answered ? 'yes' : 'NO'}; errors logged ${errors.length}`);
  if (errors.length) failures.push(`dns: ${errors.length} errors logged`);
  if (!answered) failures.push('dns: no answer after the flood');
  // UDP drops some packets when the socket buffer is full, so the second pass still caches a few names the
  // first never got: memory may grow by the cache's share (under 1 KB an answer), and nothing else.
  const cacheGrowthMb = ((h.agent.dns.cacheEntries - cache1) * 1024) / 1e6;
  const unexplained = m2.heapMb - m1.heapMb - Math.max(0, cacheGrowthMb);
  console.log(`dns: second-pass heap growth beyond the answer cache: ${unexplained.toFixed(1)} MB`);
  if (second.sent && unexplained > 4)
    failures.push(`dns: heap grew ${unexplained.toFixed(1)} MB beyond the answer cache in the second pass`);
  await new Promise<void>((r) => socket.close(() => r()));
  await rateLimitFigures();
}

/** One source at the default limit (5 000 qps, loopback not exempt here) sending 20 000 queries at once. */
async function rateLimitFigures(): Promise<void> {
  const server = new DnsServer({
    catalog: { version: () => 1, services: () => [], pods: () => [], podByIp: () => undefined },
    logger: nopLogger,
    zone: 'cluster.local',
    upstreams: [],
    forwardTimeoutMs: 500,
    rateLimit: { qpsPerSource: 5_000 },
  });
  const { udpPort } = await server.listen('127.0.0.1', 0);
  const socket = dgram.createSocket('udp4');
  let replies = 0;
  socket.on('message', () => replies++);
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const t0 = Date.now();
  for (let i = 0; i < 20_000; i++) {
    await new Promise<void>((resolve) =>
      socket.send(wireQuery('x.default.svc.cluster.local', 1, i & 0xffff), udpPort, '127.0.0.1', () =>
        resolve(),
      ),
    );
    if (i % 64 === 63) await new Promise((r) => setImmediate(r));
  }
  const took = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 300));
  console.log(
    `dns rate limit: 20000 queries from one source in ${took} ms at a limit of 5000 qps (burst 5000): ${replies} answered, ${server.refused.rate} dropped`,
  );
  await new Promise<void>((r) => socket.close(() => r()));
  await server.close();
}

function tcpSend(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(bytes));
    s.on('data', () => undefined);
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.setTimeout(5_000, () => s.destroy());
  });
}

function udpQuery(port: number, q: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(false);
    }, 2_000);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m.readUInt16BE(0) === q.readUInt16BE(0));
    });
    s.send(q, port, '127.0.0.1');
  });
}

async function main(): Promise<void> {
  console.log(
    `fuzz: seed ${SEED}, ${COUNT} cases on the engine, ${MEMORY_COUNT} on the memory runtime, ${DNS_PACKETS} DNS packets, at most ${MAX_SECONDS} s`,
  );
  const log = new ErrorLog();
  const start = memory();
  const h = await engineRun(log);
  try {
    await dnsRun(h, log);
  } finally {
    await h.stop();
    try {
      docker(['network', 'rm', NETWORK]);
    } catch {
      // still in use by someone else's containers, or already gone
    }
  }
  await memoryRun();
  const end = memory();
  console.log(
    `fuzz: whole run ${memText(start, end)}; crashes ${crashes}; errors logged ${log.errors.length}`,
  );
  for (const e of log.errors.slice(0, 5)) console.log(`  error: ${e.message} ${JSON.stringify(e.fields)}`);
  if (crashes) failures.push(`${crashes} uncaught errors`);
  if (({} as Record<string, unknown>)['polluted'] !== undefined || Object.keys(Object.prototype).length)
    failures.push('Object.prototype was changed');
  console.log(failures.length ? `fuzz: FAILED\n  ${failures.join('\n  ')}` : 'fuzz: ok (0 failures)');
  process.exitCode = failures.length ? 1 : 0;
}

void runMain('fuzz', main);
