// Child processes of the command-line tools (soak, bench, fuzz): waiting for one to end, and keeping the
// last lines it printed so a failure can say why.
import type { ChildProcess } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Resolves when the child has exited; at once when it already has (its 'exit' event is emitted only once). */
export function exitOf(child: ChildProcess): Promise<ChildExit> {
  if (hasExited(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** SIGTERM, SIGKILL after graceMs; resolves once the child has exited (at once when it already had). */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<ChildExit> {
  const exit = exitOf(child);
  if (hasExited(child)) return exit;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exit;
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps the last `max` lines of a child's stdout and stderr (both must be pipes). */
export function outputTail(child: ChildProcess, max = 30): () => string {
  const lines: string[] = [];
  let pending = '';
  const onData = (c: Buffer): void => {
    pending += c.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > max) lines.splice(0, lines.length - max);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return () => [...lines, pending].filter((l) => l.trim()).join('\n');
}

/** How a child's exit reads in a message: `code 1` or `signal SIGKILL`. */
export const describeExit = (e: ChildExit): string =>
  e.signal ? `signal ${e.signal}` : `code ${String(e.code)}`;
