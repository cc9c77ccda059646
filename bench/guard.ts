// Sharing the machine: other people's tests start agents (whose start removes every managed container of
// pods they do not know, on the whole engine), restart dockerd, and load the CPU. A repetition therefore
// starts only when no foreign agent, test runner or foreign pod is about, and is redone when one showed up
// while it ran (checked every second), so such a repetition is never counted.
import { readFileSync, readdirSync } from 'node:fs';
import { docker, foreignPods } from './engine';
import { children, sleep } from './system';

const FOREIGN = /dist\/(daemon|agent)\/main\.js|node_modules\/\.bin\/mocha|dist\/test\/|docker-compose/;
/**
 * Not in the way: `flock` itself (a run waiting for the Docker lock; once it holds it, its child shows up on
 * its own line), and unit suites, which never touch the engine (their CPU load is what waitQuiet waits out).
 */
const HARMLESS = /^(timeout \S+ )?flock |\.mocharc\.unit\.json|dist\/test\/unit\//;

/** Command lines of processes that are not this run's and look like an agent or a test run. */
export function foreignProcesses(): string[] {
  const out: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pid = Number(d);
    if (pid === process.pid || children.has(pid)) continue;
    let cmd = '';
    try {
      // `flock LOCK npx mocha ...` waiting for the Docker lock runs nothing yet (once it holds the lock,
      // its children show, as do `timeout`'s); counting it would make a bench holding the lock wait for its own queue
      if (/^(flock|timeout)$/.test(readFileSync(`/proc/${d}/comm`, 'utf8').trim())) continue;
      cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (FOREIGN.test(cmd) && !HARMLESS.test(cmd)) out.push(`${pid} ${cmd.slice(0, 80)}`);
  }
  return out;
}

function dockerdPid(): string {
  try {
    return readFileSync('/var/run/docker.pid', 'utf8').trim();
  } catch {
    return '';
  }
}

async function engineAnswers(): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** What stands in the way now (empty: clear). */
async function obstacles(): Promise<string[]> {
  const procs = foreignProcesses();
  if (procs.length) return [`other agents or tests running (${procs[0]})`];
  if (!(await engineAnswers())) return ['Docker engine not answering'];
  const pods = await foreignPods();
  if (pods.length) return [`another agent's pods on the engine (${pods.slice(0, 3).join(', ')})`];
  return [];
}

/** Waits (at most maxMs) until no foreign agent, test, or pod is about and the engine answers. */
export async function waitClear(log: (s: string) => void, maxMs = 600_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let told = 0;
  for (;;) {
    const o = await obstacles();
    if (!o.length) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${o.join('; ')}`);
    if (Date.now() - told > 30_000) {
      log(`  waiting: ${o.join('; ')}`);
      told = Date.now();
    }
    await sleep(1_000);
  }
}

/** Samples once a second whether anything foreign ran, or dockerd restarted, while a repetition ran. */
class Monitor {
  readonly seen = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly dockerd = dockerdPid();

  constructor() {
    this.timer = setInterval(() => this.sample(), 1_000);
  }

  private sample(): void {
    const p = foreignProcesses()[0];
    if (p) this.seen.add(`foreign process ${p}`);
    if (dockerdPid() !== this.dockerd) this.seen.add('dockerd restarted');
  }

  stop(): string[] {
    clearInterval(this.timer);
    this.sample();
    return [...this.seen];
  }
}

/**
 * Runs one repetition when the machine is clear; redoes it (at most `tries` times) when something foreign
 * ran meanwhile or it failed. `fn` must clean up after itself, also when it throws.
 */
export async function guarded<T>(
  what: string,
  log: (s: string) => void,
  fn: () => Promise<T>,
  tries = 3,
): Promise<T> {
  let last = '';
  for (let attempt = 1; attempt <= tries; attempt++) {
    await waitClear(log);
    const monitor = new Monitor();
    let result: T | undefined;
    let error: unknown;
    try {
      result = await fn();
    } catch (err) {
      error = err;
    }
    const seen = monitor.stop();
    if (!seen.length && error === undefined) return result as T;
    last = seen.length ? seen.join('; ') : error instanceof Error ? error.message : String(error);
    log(`  ${what}: not counted, ${attempt < tries ? 'again' : 'giving up'} (${last})`);
  }
  throw new Error(`${what}: ${last}`);
}

/** One side of a repetition: its ms go on the log line; a failure is noted there and in `failures`. */
export async function oneSide(
  side: string,
  rep: number,
  out: { line: string[]; failures: string[] },
  fn: () => Promise<number | undefined>,
): Promise<void> {
  try {
    const ms = await fn();
    if (ms !== undefined) out.line.push(`${side} ${ms.toFixed(0)}`);
  } catch (err) {
    out.failures.push(`${side} rep ${rep + 1}: ${err instanceof Error ? err.message : String(err)}`);
    out.line.push(`${side} FAILED`);
  }
}
