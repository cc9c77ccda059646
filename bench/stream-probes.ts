// What the streams part waits on: a process that says on its output where it listens (kubectl port-forward,
// the baseline proxy), and one connection read to its end, or written to its end (and closed by the far side). Each wait has a deadline and says why it
// failed: a forward that never says "Forwarding from", or a transfer that stalls, must not hang the bench.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { children, stopPid } from './system';

/**
 * Starts a process and resolves once `pattern` shows on its output (its first group: the port); rejects,
 * with what it printed, when it exits or fails to start first, or after timeoutMs (the process is then stopped).
 */
export function startListening(
  cmd: string,
  args: string[],
  pattern: RegExp,
  env?: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (proc.pid !== undefined) children.add(proc.pid);
    let out = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`${cmd} ${why}: ${out}`));
    };
    const timer = setTimeout(() => {
      fail(`did not print ${String(pattern)} within ${timeoutMs} ms`);
      if (proc.pid !== undefined) void stopPid(proc.pid).finally(() => children.delete(proc.pid!));
    }, timeoutMs);
    const seen = (d: Buffer): void => {
      out += d.toString();
      const m = pattern.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ proc, port: Number(m[1]) });
    };
    proc.stdout?.on('data', seen);
    proc.stderr?.on('data', seen);
    proc.once('error', (err) => fail(`could not start (${err.message})`));
    proc.once('exit', () => fail('exited'));
  });
}

export interface Transfer {
  /** connect -> first byte, ms */
  setupMs: number;
  /** MB/s (10^6 bytes) over the whole transfer */
  mbps: number;
}

/** Reads everything one connection to 127.0.0.1:port gives; checks it was `expected` bytes. */
export function transfer(port: number, expected: number, idleMs = 30_000): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = 0;
    let bytes = 0;
    const s = connect({ host: '127.0.0.1', port });
    // a stalled forward would otherwise leave this connection, and the bench, waiting for ever
    s.setTimeout(idleMs, () => s.destroy(new Error(`no data for ${idleMs} ms after ${bytes} bytes`)));
    s.on('data', (d: Buffer) => {
      if (!first) first = performance.now();
      bytes += d.length;
    });
    s.on('error', reject);
    s.once('close', () => {
      const ms = performance.now() - t0;
      if (bytes !== expected) reject(new Error(`got ${bytes} bytes, not ${expected}`));
      else resolve({ setupMs: first - t0, mbps: bytes / 1e6 / (ms / 1000) });
    });
  });
}

/**
 * Writes `bytes` of zeros through one connection to 127.0.0.1:port and half-closes it; done when the far side
 * closes (the pod's reader got the end, so every byte went through). MB/s over connect -> close.
 */
export function upload(port: number, bytes: number, idleMs = 30_000): Promise<{ mbps: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const chunk = Buffer.alloc(1 << 20);
    let sent = 0;
    const s = connect({ host: '127.0.0.1', port });
    s.setTimeout(idleMs, () => s.destroy(new Error(`stalled for ${idleMs} ms after ${sent} bytes written`)));
    const pump = (): void => {
      while (sent < bytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += part.length;
        if (!s.write(part)) return void s.once('drain', pump);
      }
      s.end();
    };
    s.once('connect', pump);
    s.resume();
    s.on('error', reject);
    s.once('close', () => resolve({ mbps: bytes / 1e6 / ((performance.now() - t0) / 1000) }));
  });
}
