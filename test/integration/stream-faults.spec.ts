// Faults and limits of exec on the real engine, against the daemon as a process of its own (so its
// descriptors and memory are counted alone, as soak/run.ts counts them): 120 sessions cut off at random
// points leave no exec'd process, no running exec and no descriptor behind; malformed frames, unknown
// channels, a resize flood and 100 concurrent sessions neither crash the daemon nor stall its sync loop (a
// pod created meanwhile reaches Running); 512 MiB of stdin stream through with the daemon's memory bounded;
// one client address holds at most MAX_STREAMS_PER_CLIENT streams.
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { MAX_STREAMS_PER_CLIENT } from '../../api/streams/client-limit';
import { type Daemon, randomPort, startDaemon, until, removeDataDir } from '../helpers/daemon';
import { installKubectl } from '../helpers/kubectl';
import { type RawSession, execPath, spdyExec, wsExec } from '../helpers/stream-clients';

const docker = new Docker();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MARK = 'fault-census';
/** Commands whose processes the census looks for in the container. */
const COMMANDS = {
  upgrade: ['sleep', '4242'],
  // a line every 20 ms without forking: `read -t` on a FIFO nobody writes is the shell's own sleep
  output: [
    'sh',
    '-c',
    `mkfifo /tmp/f$$; exec 3<>/tmp/f$$; while :; do echo ${MARK}; read -t 0.02 -u 3 x; done`,
  ],
  stdin: ['sed', `s/${MARK}//`],
} as const;
type Point = keyof typeof COMMANDS;
const LEFTOVER = new RegExp(`${MARK}|sleep 424[23]`);

const pod = (name: string, command: string[]): object => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'busybox:latest', command }] },
});

describe('exec faults and limits (real engine, the daemon as a process)', function () {
  this.timeout(900_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-faults-'));
  let d: Daemon;
  let api: URL;
  let pid = 0;
  let container = '';
  let containerPid = 0;
  let kubectl35 = '';
  let kubectl29 = '';

  const request = async (method: string, path: string, body?: object): Promise<Response> =>
    fetch(`${d.url}${path}`, {
      method,
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
  const phase = async (name: string): Promise<string | undefined> => {
    const res = await request('GET', `/api/v1/namespaces/default/pods/${name}`);
    return res.ok ? ((await res.json()) as { status?: { phase?: string } }).status?.phase : undefined;
  };
  /** The daemon's open descriptors, and how many are sockets. */
  const descriptors = (): { fds: number; sockets: number } => {
    const all = readdirSync(`/proc/${pid}/fd`);
    let sockets = 0;
    for (const fd of all) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
      } catch {
        // closed meanwhile
      }
    }
    return { fds: all.length, sockets };
  };
  const rssMiB = (): number =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  /**
   * Processes of the container that the sessions started, seen from the host (those in the container's PID
   * namespace): a `docker exec ps` would itself wait behind the engine's records of the exits it checks.
   */
  const containerProcesses = (): string[] => {
    const ns = readlinkSync(`/proc/${containerPid}/ns/pid`);
    const found: string[] = [];
    for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      try {
        if (readlinkSync(`/proc/${p}/ns/pid`) !== ns) continue;
        const args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim();
        if (LEFTOVER.test(args)) found.push(`${p} ${args}`);
      } catch {
        // ended meanwhile
      }
    }
    return found;
  };
  /**
   * Processes left by the sessions in the container, and execs the engine still runs (each with its host
   * PID and whether that process is still there: the engine records an exit some time after it).
   */
  const leftovers = async (): Promise<{ processes: string[]; running: string[] }> => {
    const processes = containerProcesses();
    const info = await docker.getContainer(container).inspect();
    const running: string[] = [];
    for (const id of info.ExecIDs ?? []) {
      const e = await docker
        .getExec(id)
        .inspect()
        .catch(() => undefined);
      if (!e?.Running) continue;
      const alive = existsSync(`/proc/${e.Pid}`) ? 'alive' : 'gone';
      running.push(
        `${e.ProcessConfig.entrypoint} ${e.ProcessConfig.arguments.join(' ')} (pid ${e.Pid} ${alive})`,
      );
    }
    return { processes, running };
  };
  /**
   * Waits until nothing is left, up to 30 s, and logs how it drained, second by second: execs the engine
   * still reports running (whose process is alive / already gone) and processes left in the container.
   */
  const clean = async (what: string): Promise<{ processes: string[]; running: string[] }> => {
    let last = { processes: [] as string[], running: [] as string[] };
    const t0 = Date.now();
    const trace: string[] = [];
    let second = -1;
    await until(
      'no exec left',
      async () => {
        last = await leftovers();
        const now = Math.floor((Date.now() - t0) / 1000);
        if (now > second) {
          second = now;
          const gone = last.running.filter((r) => r.endsWith('gone)')).length;
          trace.push(`${now}s ${last.running.length - gone}a/${gone}g/${last.processes.length}p`);
        }
        return last.processes.length === 0 && last.running.length === 0;
      },
      30_000,
    ).catch(() => undefined);
    const ms = Date.now() - t0;
    console.log(
      `      ${what} drained in ${ms} ms (running execs alive/gone, processes): ${trace.join(', ')}`,
    );
    return last;
  };
  /** Waits for the descriptors to come back to at most `limit` (idle keep-alive sockets time out). */
  const settledFds = async (limit: number): Promise<{ fds: number; sockets: number }> => {
    let now = descriptors();
    for (let i = 0; i < 60 && now.fds > limit; i++) {
      await sleep(500);
      now = descriptors();
    }
    return now;
  };

  before(async () => {
    kubectl35 = installKubectl('35');
    kubectl29 = installKubectl('29');
    d = startDaemon(dataDir, randomPort());
    pid = d.proc.pid ?? 0;
    api = new URL(d.url);
    await until('the daemon to answer', async () => (await fetch(`${d.url}/readyz`)).ok, 60_000);
    const created = await request(
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('faults', ['sleep', '3600']),
    );
    expect(created.status, d.output()).to.equal(201);
    await until('faults running', async () => (await phase('faults')) === 'Running', 120_000);
    const [c] = await docker.listContainers({
      filters: { label: ['io.kubernetes.pod.name=faults', 'io.kubernetes.container.name=app'] },
    });
    container = c?.Id ?? '';
    expect(container).to.not.equal('');
    containerPid = (await docker.getContainer(container).inspect()).State.Pid;
  });

  afterEach(function () {
    // a failure says what the daemon said last, and whether it is still alive
    if (this.currentTest?.state !== 'failed') return;
    const how = d.proc.exitCode ?? d.proc.signalCode;
    console.log(`daemon ${how === null ? 'still running' : `exited (${how})`}; its last lines:`);
    console.log(d.output().split('\n').slice(-30).join('\n'));
  });

  after(async () => {
    if (d?.proc.exitCode === null) d.proc.kill('SIGKILL');
    for (const c of await docker.listContainers({
      all: true,
      filters: { label: ['io.kubernetes.pod.name'] },
    }))
      if (/^(faults|during-flood)$/.test(c.Labels['io.kubernetes.pod.name'] ?? ''))
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined);
    removeDataDir(dataDir);
  });

  /** kubectl exec, killed after `ms`; `-i` with stdin fed until then. */
  const kubectlSession = (bin: string, point: Point, ms: number): Promise<void> => {
    const args = ['exec', ...(point === 'stdin' ? ['-i'] : []), 'faults', '--', ...COMMANDS[point]];
    const child: ChildProcess = spawn(bin, args, {
      env: { ...process.env, KUBECONFIG: join(dataDir, 'kubeconfig') },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.stdin?.on('error', () => undefined);
    const feed = setInterval(() => child.stdin?.write(`${MARK}\n`.repeat(100)), 5);
    return new Promise((done) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      child.once('exit', () => {
        clearTimeout(timer);
        clearInterval(feed);
        done();
      });
    });
  };

  /** A raw client, cut off at its point: during the upgrade, mid-output, or mid-stdin. */
  const rawSession = async (open: typeof wsExec, point: Point, ms: number): Promise<void> => {
    const s = open(api, execPath('faults', [...COMMANDS[point]], { stdin: 'true', stdout: 'true' }));
    const timeout = sleep(10_000);
    if (point === 'upgrade') await sleep(ms % 20);
    else if (point === 'output') await Promise.race([s.firstOutput.then(() => sleep(ms % 300)), timeout]);
    else {
      await Promise.race([s.upgraded, timeout]);
      const end = Date.now() + (ms % 300);
      while (Date.now() < end) {
        if (!s.sendStdin(Buffer.from(`${MARK}\n`.repeat(1000)))) await s.drained();
        await sleep(1);
      }
    }
    s.kill();
    await s.closed;
  };

  // "Nothing left" means within 30 s of the last client leaving (clean()): the engine records a container's
  // exec exits one at a time, each once its copy of the command's output to the agent has ended (2 s at most);
  // with that output read to its end and the command's process group killed, the copy ends at once, and
  // drains took 0.02 to 4 s in runs of this file. A failure lists what is left (running execs with PIDs).
  it('120 sessions cut off at random points leave no process, exec, socket or descriptor behind', async () => {
    await rawSession(wsExec, 'output', 10); // warm up: the engine connection and lazy handles exist
    await clean('warm-up');
    const before = await settledFds(0);
    const kinds = ['kubectl35', 'kubectl29', 'ws', 'ws', 'ws', 'ws', 'spdy', 'spdy', 'spdy', 'spdy'];
    const points: Point[] = ['upgrade', 'output', 'stdin'];
    // 120: every kind meets every cut point several times (the soak runs thousands)
    const jobs = Array.from({ length: 120 }, (_, i) => ({
      kind: kinds[i % kinds.length] ?? 'ws',
      point: points[Math.floor(Math.random() * 3)] ?? 'output',
      ms: Math.floor(Math.random() * 1500),
    }));
    const counts: Record<string, number> = {};
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let job = jobs[next++]; job; job = jobs[next++]) {
        counts[`${job.kind}/${job.point}`] = (counts[`${job.kind}/${job.point}`] ?? 0) + 1;
        if (job.kind === 'kubectl35') await kubectlSession(kubectl35, job.point, 100 + job.ms);
        else if (job.kind === 'kubectl29') await kubectlSession(kubectl29, job.point, 100 + job.ms);
        else await rawSession(job.kind === 'ws' ? wsExec : spdyExec, job.point, job.ms);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const left = await clean('census');
    expect(left.processes, 'processes left in the container').to.deep.equal([]);
    expect(left.running, 'execs the engine still runs').to.deep.equal([]);
    const after = await settledFds(before.fds);
    console.log(
      `      census: ${JSON.stringify(counts)}; fds ${before.fds} -> ${after.fds}, sockets ${before.sockets} -> ${after.sockets}`,
    );
    expect(after.fds, 'descriptors of the daemon').to.be.at.most(before.fds);
    expect(after.sockets, 'sockets of the daemon').to.be.at.most(before.sockets);
    expect(await phase('faults')).to.equal('Running');
  });
  it("a command's children (a sleep under sh) end with it when its client goes away", async () => {
    const s = wsExec(
      api,
      execPath('faults', ['sh', '-c', 'sleep 4243 & sleep 4242; wait'], { stdout: 'true' }),
    );
    await s.upgraded;
    await until('both sleeps to run', async () => containerProcesses().length === 3, 10_000);
    s.kill();
    await s.closed;
    const left = await clean('children');
    expect(left.processes, 'processes left in the container').to.deep.equal([]);
    expect(left.running, 'execs the engine still runs').to.deep.equal([]);
  });
  it('malformed frames, unknown channels, a resize flood and 100 concurrent sessions: no crash, no stall', async () => {
    const before = await settledFds(Number.MAX_SAFE_INTEGER);
    const flood: RawSession[] = [];
    // 100 sessions from two client addresses (the per-client bound is 64), half WebSocket, half SPDY
    for (let i = 0; i < 100; i++) {
      const open = i % 2 ? spdyExec : wsExec;
      const from = i < 50 ? '127.0.0.2' : '127.0.0.3';
      flood.push(
        open(api, execPath('faults', [...COMMANDS.output], { stdout: 'true', stdin: 'true' }), from),
      );
    }
    // a pod created now must reach Running while they run
    const created = await request(
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('during-flood', ['sleep', '3600']),
    );
    expect(created.status).to.equal(201);
    const tty = wsExec(
      api,
      execPath('faults', ['sleep', '4242'], { stdin: 'true', stdout: 'true', tty: 'true' }),
    );
    const spdyBad = spdyExec(api, execPath('faults', ['sleep', '4242'], { stdin: 'true', stdout: 'true' }));
    await Promise.all([tty.upgraded, spdyBad.upgraded]);
    // WebSocket: empty, unknown channels, a bad close, bad resizes, then a flood of 10 000 resizes
    for (const m of [[], [9, 1, 2], [3, 0], [255], [255, 1, 2], [4, 0x7b], [4]]) tty.sendRaw(Buffer.from(m));
    tty.sendRaw(Buffer.from('\x04{"Width":-1,"Height":1e9}'));
    for (let i = 0; i < 10_000; i++)
      tty.sendRaw(Buffer.from(`\x04{"Width":${80 + (i % 50)},"Height":${20 + (i % 30)}}`));
    // SPDY: data for a stream never opened, a control frame of an unknown type, then garbage
    spdyBad.sendRaw(Buffer.from([0, 0, 0, 99, 0, 0, 0, 3, 1, 2, 3]));
    spdyBad.sendRaw(Buffer.from([0x80, 3, 0, 77, 0, 0, 0, 0]));
    spdyBad.sendRaw(Buffer.from('not a frame at all, and longer than eight bytes: ' + 'x'.repeat(4000)));
    await spdyBad.closed; // refused with GOAWAY, the connection ends
    await until(
      'the pod created during the flood to run',
      async () => (await phase('during-flood')) === 'Running',
      120_000,
    );
    await Promise.all(flood.map((f) => Promise.race([f.firstOutput, sleep(60_000)])));
    const flowing = flood.filter((f) => f.received() > 0).length;
    expect(flowing, 'sessions with output').to.equal(100);
    expect((await request('GET', '/api/v1/namespaces/default/pods')).status).to.equal(200);
    for (const f of [...flood, tty]) f.kill();
    await Promise.all([...flood, tty].map((f) => f.closed));
    const left = await clean('flood');
    expect(left.processes).to.deep.equal([]);
    expect(left.running, 'execs the engine still runs').to.deep.equal([]);
    const after = await settledFds(before.fds);
    expect(after.fds).to.be.at.most(before.fds);
    expect(d.proc.exitCode).to.equal(null);
  });

  for (const [name, open] of [
    ['WebSocket', wsExec],
    ['SPDY', spdyExec],
  ] as const)
    it(`streams 512 MiB of stdin over ${name} with the daemon's memory bounded`, async () => {
      // 512 MiB: over three times the growth allowed, so any buffering of what is sent shows
      const SIZE = 512 << 20;
      const s = open(api, execPath('faults', ['wc', '-c'], { stdin: 'true', stdout: 'true' }));
      await s.upgraded;
      const rss0 = rssMiB();
      let peak = rss0;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMiB())), 100);
      const chunk = Buffer.alloc(256 << 10, 0x61);
      const t0 = Date.now();
      for (let sent = 0; sent < SIZE; sent += chunk.length) if (!s.sendStdin(chunk)) await s.drained();
      s.closeStdin();
      await until('wc to report', async () => s.text().includes(String(SIZE)), 300_000);
      clearInterval(sampler);
      console.log(
        `      512 MiB over ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s, daemon RSS ${rss0.toFixed(0)} -> peak ${peak.toFixed(0)} MiB`,
      );
      expect(peak - rss0, 'RSS growth (MiB)').to.be.below(150);
      s.kill();
      await s.closed;
    });

  it(`holds one client address to ${MAX_STREAMS_PER_CLIENT} streams, and frees a slot when one ends`, async () => {
    const held = Array.from({ length: MAX_STREAMS_PER_CLIENT }, () =>
      wsExec(api, execPath('faults', ['sleep', '4242'], { stdout: 'true' }), '127.0.0.4'),
    );
    await Promise.all(held.map((h) => h.upgraded));
    const refused = wsExec(api, execPath('faults', ['sleep', '4242'], { stdout: 'true' }), '127.0.0.4');
    expect(await refused.status).to.equal(429);
    const other = wsExec(api, execPath('faults', ['sleep', '4242'], { stdout: 'true' }), '127.0.0.5');
    await other.upgraded;
    held[0]?.kill();
    await held[0]?.closed;
    await sleep(200);
    const again = wsExec(api, execPath('faults', ['sleep', '4242'], { stdout: 'true' }), '127.0.0.4');
    await again.upgraded;
    for (const h of [...held, other, again]) h.kill();
    await Promise.all([...held, other, again].map((h) => h.closed));
    const left = await clean('limit');
    expect(left.processes).to.deep.equal([]);
  });
});
