// The agent under test as a child process: the real daemon (dist/daemon/main.js) with its own data dir,
// an ephemeral API port, the bench network and a loopback DNS port, so its RSS and CPU are its own. Also a
// small API client and a pod watch that timestamps each pod's first Running and its removal.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePodSubnet } from '../tools/free-subnet';
import { BENCH_NETWORK, BENCH_POD_CIDRS, removeBenchNetwork, removeBenchPodContainers } from './engine';
import { waitClear } from './guard';
import { Waiters, eachJsonLine } from './json-lines';
import { alive, children, signalPid, sleep, stopPid } from './system';

export const MAIN = join(__dirname, '..', 'daemon', 'main.js');

/** MKB_BENCH_AGENT_LOG=FILE keeps every agent's log lines there, to explain a slow round afterwards. */
const AGENT_LOG = process.env.MKB_BENCH_AGENT_LOG;

export interface AgentStartOptions {
  /** Write a V8 CPU profile (node --cpu-prof) into this folder when the agent exits. */
  cpuProfDir?: string;
  resyncSeconds?: number;
  /** More daemon flags (a part comparing two settings). */
  flags?: string[];
  /** Another Node.js line (bench/node-line.ts): its binary and its copy of dist/daemon/main.js. */
  node?: { exec: string; main: string };
  /** Extra environment (e.g. DOCKER_HOST of a counting proxy). */
  env?: Record<string, string>;
  log: (s: string) => void;
}

/** How the daemon was started, so a restart starts it the same way. */
interface Spawn {
  exec: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
}

interface LogLine {
  message?: string;
  url?: string;
  host?: string;
  port?: number;
  level?: string;
}

export class AgentProcess {
  readonly pid: number;
  url = '';
  dnsPort = 0;
  /** performance.now() when its 'API listening' and 'ready' lines came. */
  listeningAt = NaN;
  readyAt = NaN;
  private tail: string[] = [];
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly dataDir: string,
    private readonly how: Spawn,
    private readonly log: (s: string) => void,
  ) {
    if (child.pid === undefined) throw new Error('agent did not start');
    this.pid = child.pid;
    children.add(this.pid);
    child.once('exit', () => {
      this.exited = true;
      children.delete(this.pid);
    });
  }

  static async start(o: AgentStartOptions): Promise<AgentProcess> {
    await waitClear(o.log); // its start would remove other agents' pods
    await removeBenchPodContainers(); // left over by an interrupted run
    const dataDir = mkdtempSync(join(tmpdir(), 'mkb-agent-'));
    const args = [
      ...(o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : []),
      o.node?.main ?? MAIN,
      '--data-dir',
      dataDir,
      '--listen',
      '127.0.0.1:0',
      '--network',
      BENCH_NETWORK,
      '--pod-cidr',
      freePodSubnet(BENCH_NETWORK, BENCH_POD_CIDRS, o.log),
      '--dns-listen',
      '127.0.0.1:0',
      '--proxy',
      'none', // the iptables chains are host-wide; the benchmarks do not need ClusterIP traffic
      '--log-format',
      'json',
      ...['--image-pull-default', 'offline'], // local images: no registry is asked, as before the flag
      ...(o.resyncSeconds ? ['--resync-seconds', String(o.resyncSeconds)] : []),
      ...(o.flags ?? []),
    ];
    return AgentProcess.spawn(
      { exec: o.node?.exec ?? process.execPath, args, env: { ...process.env, ...o.env } },
      dataDir,
      o.log,
    );
  }

  private static async spawn(how: Spawn, dataDir: string, log: (s: string) => void): Promise<AgentProcess> {
    const child = spawn(how.exec, how.args, { stdio: ['ignore', 'pipe', 'pipe'], env: how.env });
    const agent = new AgentProcess(child, dataDir, how, log);
    await agent.untilReady();
    return agent;
  }

  /** `kill -9`: no shutdown path runs, the pods keep running. Resolves once the process is gone. */
  async kill9(): Promise<void> {
    signalPid(this.pid, 'SIGKILL');
    for (let i = 0; i < 250 && alive(this.pid); i++) await sleep(20);
  }

  /**
   * A new daemon on the same data dir and flags (after kill9); it owns the data dir from now on.
   * `spawnedAt` is performance.now() right before the spawn. `node`: run it on another Node line this time
   * (and from then on); `env`: more environment for it.
   */
  async respawn(
    o: { node?: { exec: string; main: string }; env?: Record<string, string> } = {},
  ): Promise<{ agent: AgentProcess; spawnedAt: number }> {
    const main = this.how.args.find((a) => a.endsWith(join('daemon', 'main.js')));
    const how: Spawn = {
      exec: o.node?.exec ?? this.how.exec,
      args: o.node ? this.how.args.map((a) => (a === main ? (o.node?.main ?? a) : a)) : this.how.args,
      env: { ...this.how.env, ...o.env },
    };
    const spawnedAt = performance.now();
    return { agent: await AgentProcess.spawn(how, this.dataDir, this.log), spawnedAt };
  }

  private untilReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      let pending = '';
      const timer = setTimeout(() => fail(new Error('agent not ready within 30 s')), 30_000);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        reject(new Error(`${err.message}\n${this.tail.join('\n')}`));
      };
      const onLine = (line: string): void => {
        if (AGENT_LOG) appendFileSync(AGENT_LOG, line + '\n');
        this.tail.push(line);
        if (this.tail.length > 40) this.tail.shift();
        let msg: LogLine;
        try {
          msg = JSON.parse(line) as LogLine;
        } catch {
          return;
        }
        if (msg.message === 'API listening' && msg.url) {
          this.url = msg.url;
          this.listeningAt = performance.now();
        }
        if (msg.message === 'dns listening' && msg.host === '127.0.0.1' && msg.port) this.dnsPort = msg.port;
        if (msg.message === 'ready') {
          this.readyAt = performance.now();
          clearTimeout(timer);
          resolve();
        }
        if (msg.message === 'start-up failed') fail(new Error('agent start-up failed'));
      };
      const onData = (c: Buffer): void => {
        pending += c.toString('utf8');
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          onLine(pending.slice(0, nl));
          pending = pending.slice(nl + 1);
        }
      };
      this.child.stdout?.on('data', onData);
      this.child.stderr?.on('data', onData);
      this.child.once('exit', (code) => fail(new Error(`agent exited (${code})`)));
    });
  }

  /** The last lines the agent logged (for error messages). */
  output(): string {
    return this.tail.join('\n');
  }

  /** Stops the daemon by its PID (pods keep running), removes the bench pods' containers and its files. */
  async stop(): Promise<void> {
    try {
      if (!this.exited && alive(this.pid)) await stopPid(this.pid, 5_000);
      await removeBenchPodContainers();
      const left = await removeBenchNetwork();
      if (left) this.log(`  note: network ${BENCH_NETWORK} not removed: ${left}`);
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; json: unknown }> {
    const res = await fetch(this.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  async createPod(pod: object, namespace = 'default'): Promise<string> {
    const r = await this.request('POST', `/api/v1/namespaces/${namespace}/pods`, pod);
    if (r.status !== 201) throw new Error(`create pod: ${r.status} ${JSON.stringify(r.json)}`);
    return (r.json as { metadata: { uid: string } }).metadata.uid;
  }

  /** Deletes at once (grace 0: busybox `sleep` as PID 1 ignores SIGTERM). */
  async deletePod(name: string, namespace = 'default'): Promise<void> {
    const r = await this.request(
      'DELETE',
      `/api/v1/namespaces/${namespace}/pods/${name}?gracePeriodSeconds=0`,
    );
    if (r.status !== 200 && r.status !== 404) throw new Error(`delete pod ${name}: ${r.status}`);
  }

  /** Opens a watch on the pods of a namespace. */
  watch(namespace = 'default'): Promise<PodWatch> {
    return PodWatch.open(`${this.url}/api/v1/namespaces/${namespace}/pods?watch=true`);
  }
}

export interface WatchPod {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; containerID?: string; restartCount: number; state?: object }[];
  };
}

/** First-Running, first-Ready and removal times (performance.now()) of each pod, from one watch stream. */
export class PodWatch {
  readonly runningAt = new Map<string, number>();
  readonly readyAt = new Map<string, number>();
  /** Pods Ready in their last published status. */
  readonly readyNow = new Set<string>();
  /** Pods whose deletion has begun (deletionTimestamp seen). */
  readonly terminating = new Set<string>();
  /** Called with each event after it is recorded (a check on every published status). */
  onChange: ((type: string, name: string) => void) | undefined;
  readonly goneAt = new Map<string, number>();
  readonly uids = new Map<string, string>();
  /** The last published object of each pod. */
  readonly latest = new Map<string, WatchPod>();
  private readonly waiters = new Waiters();
  private req: http.ClientRequest | undefined;

  static open(url: string): Promise<PodWatch> {
    const w = new PodWatch();
    return new Promise((resolve, reject) => {
      w.req = http.get(url, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        eachJsonLine(
          res,
          (e) => w.onEvent(e as { type: string; object: WatchPod }),
          () => w.waiters.poke(),
        );
        res.on('end', () => {
          w.waiters.ended = true;
          w.waiters.poke();
        });
        resolve(w);
      });
      w.req.on('error', (err) => {
        w.waiters.ended = true;
        reject(err);
      });
    });
  }

  private onEvent(e: { type: string; object: WatchPod }): void {
    const now = performance.now();
    const name = e.object.metadata?.name;
    if (!name) return;
    if (e.type === 'DELETED') {
      this.goneAt.set(name, now);
      this.readyNow.delete(name);
      this.latest.delete(name);
      this.onChange?.(e.type, name);
      return;
    }
    this.uids.set(name, e.object.metadata.uid);
    this.latest.set(name, e.object);
    if (e.object.status?.phase === 'Running' && !this.runningAt.has(name)) this.runningAt.set(name, now);
    const ready = e.object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (ready && !this.readyAt.has(name)) this.readyAt.set(name, now);
    if (ready) this.readyNow.add(name);
    else this.readyNow.delete(name);
    if (e.object.metadata.deletionTimestamp) this.terminating.add(name);
    this.onChange?.(e.type, name);
  }

  /** Resolves when pred() holds (checked on every watch chunk); rejects after timeoutMs. */
  until(what: string, pred: () => boolean, timeoutMs: number): Promise<void> {
    return this.waiters.until(what, pred, timeoutMs);
  }

  allRunning(names: readonly string[], timeoutMs: number): Promise<void> {
    return this.until(
      `${names.length} pods Running`,
      () => names.every((n) => this.runningAt.has(n)),
      timeoutMs,
    );
  }

  allGone(names: readonly string[], timeoutMs: number): Promise<void> {
    return this.until(
      `${names.length} pods removed`,
      () => names.every((n) => this.goneAt.has(n)),
      timeoutMs,
    );
  }

  close(): void {
    this.req?.destroy();
  }
}

/** Deletes pods through the agent and waits until the agent has removed them (not timed). */
export async function deletePods(agent: AgentProcess, w: PodWatch, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((n) => agent.deletePod(n)));
  await w.allGone(names, 120_000);
  await sleep(200);
}
