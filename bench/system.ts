// Machine-level helpers for the benchmarks: child processes (bounded in time, ended by PID), /proc readings
// (CPU ticks, RSS, machine busy time), waiting for a quiet machine, and a description of the machine.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';

export { freePort } from '../tools/free-port';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  input?: NodeJS.ReadableStream;
  /**
   * Write stdout to this file instead of a pipe (the result's stdout is then empty). For a measuring tool's
   * large output: a pipe this process reads blocks the tool whenever the reader falls behind, and the reading
   * takes CPU beside the measured server (dnsperf -v: the agent's p99 read 42 ms instead of under 10).
   */
  stdoutFile?: string;
}

/** Runs a command to its end (killed by PID at the timeout, default 120 s). Never throws on exit codes. */
export function run(cmd: string, args: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let child: ChildProcess;
    let fd: number | undefined;
    try {
      fd = o.stdoutFile === undefined ? undefined : openSync(o.stdoutFile, 'w');
      child = spawn(cmd, args, {
        env: o.env ?? process.env,
        stdio: [o.input ? 'pipe' : 'ignore', fd ?? 'pipe', 'pipe'],
      });
    } catch (err) {
      resolve({ code: -1, stdout: '', stderr: String(err), ms: 0 });
      return;
    } finally {
      if (fd !== undefined) closeSync(fd); // the child has its own copy
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    if (o.input && child.stdin) o.input.pipe(child.stdin);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, o.timeoutMs ?? 120_000);
    child.on('error', (e) => err.push(Buffer.from(String(e))));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - t0,
      });
    });
  });
}

/** Whether an executable is on the PATH. */
export async function which(cmd: string): Promise<string | undefined> {
  const r = await run('sh', ['-c', `command -v ${cmd}`], { timeoutMs: 5_000 });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Sends a signal to one process by its PID; false when it is already gone. */
export function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
export async function stopPid(pid: number, graceMs = 3_000): Promise<void> {
  if (!signalPid(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) signalPid(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(20);
}

let clkTck = 0;
/** Clock ticks per second (USER_HZ) for /proc/<pid>/stat times. */
export async function ticksPerSecond(): Promise<number> {
  if (!clkTck) {
    const r = await run('getconf', ['CLK_TCK'], { timeoutMs: 5_000 });
    clkTck = Number(r.stdout.trim()) || 100;
  }
  return clkTck;
}

/** utime and stime of a process in clock ticks (its own threads; children are not counted). */
export function cpuSplit(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

/** utime + stime of a process in clock ticks. */
export function cpuTicks(pid: number): number {
  const t = cpuSplit(pid);
  return t.user + t.system;
}

/** VmRSS and VmHWM (peak) in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function cpuTimes(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

/** Fraction of the whole machine (all cores) that was busy during the next `ms`. */
export async function machineBusy(ms: number): Promise<number> {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/**
 * Waits (at most maxMs) until the machine was at most `threshold` busy for 500 ms, so a repetition does
 * not start in the middle of someone else's burst. Returns the last busy fraction seen.
 */
export async function waitQuiet(maxMs = 5_000, threshold = 0.15): Promise<number> {
  const deadline = Date.now() + maxMs;
  let busy = 1;
  do {
    busy = await machineBusy(500);
  } while (busy > threshold && Date.now() < deadline);
  return busy;
}

/** One line per fact about the machine, for the report. */
export async function machineInfo(dockerVersion: string): Promise<string> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const mem = (os.totalmem() / 2 ** 30).toFixed(1);
  const distro = /^PRETTY_NAME="?([^"\n]+)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  const cgroup = (await run('stat', ['-fc', '%T', '/sys/fs/cgroup'], { timeoutMs: 5_000 })).stdout.trim();
  return [
    `${distro}, kernel ${os.release()}, ${os.cpus().length} vCPU (${cpu}), ${mem} GiB`,
    `cgroup fs ${cgroup === 'cgroup2fs' ? 'v2' : 'v1'}, Docker engine ${dockerVersion}, Node ${process.version}`,
    `load average at start ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  ].join('; ');
}

/** Runs fn over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (x: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Long-lived processes the benchmarks started, so an interrupted run can end them (by PID). */
export const children = new Set<number>();
