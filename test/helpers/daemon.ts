// The real daemon as a child process (node dist/daemon/main.js) on the test network, for tests of start,
// stop, restart and crashes.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../../agent/model/pod';
import { unmountUnder } from '../../agent/volumes/tmpfs';

export const MAIN = join(__dirname, '..', '..', 'daemon', 'main.js');

export interface Daemon {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDaemon(dataDir: string, port: number, env: Record<string, string> = {}): Daemon {
  let out = '';
  const proc = spawn(process.execPath, [MAIN, '--log-format', 'json'], {
    env: {
      ...process.env,
      MINIKUBELET_LISTEN: `127.0.0.1:${port}`,
      MINIKUBELET_DATA_DIR: dataDir,
      MINIKUBELET_DNS_LISTEN: '127.0.0.1:0',
      MINIKUBELET_NETWORK: 'mk-test',
      MINIKUBELET_POD_CIDR: '10.245.0.0/16',
      MINIKUBELET_IMAGE_PULL_DEFAULT: 'offline', // local test images: no registry is asked
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits for the daemon's /readyz; on a timeout (or an early exit) the error carries the end of its output, so a
 * start that hangs or fails in CI says why.
 */
export async function untilReady(d: Daemon, timeoutMs = 20_000): Promise<Daemon> {
  const exited = (): boolean => d.proc.exitCode !== null || d.proc.signalCode !== null;
  let why = 'timed out waiting for daemon ready';
  try {
    await until('daemon ready', async () => exited() || (await fetch(`${d.url}/readyz`)).ok, timeoutMs);
    if (exited()) why = `the daemon exited (${d.proc.exitCode ?? d.proc.signalCode}) before it was ready`;
    else return d;
  } catch {
    // timed out: said below with the daemon's output
  }
  throw new Error(`${why}; its output ends:\n${d.output().slice(-3000)}`);
}

export const randomPort = (): number => 18000 + Math.floor(Math.random() * 2000);

export async function getPod(d: Daemon, name: string): Promise<Pod | undefined> {
  const res = await fetch(`${d.url}/pods/${name}`);
  return res.ok ? ((await res.json()) as Pod) : undefined;
}

/**
 * Removes a daemon's data dir after the test: first the tmpfs mounts of pods it left running (every pod's
 * kube-api-access token volume, Secret volumes), which rmSync cannot remove (EBUSY).
 */
export function removeDataDir(dataDir: string): void {
  unmountUnder(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
}
