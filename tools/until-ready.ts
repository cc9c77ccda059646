// Waiting for a daemon the tool started (soak, chaos): /readyz answers 200, bounded; a daemon that exits
// first fails the wait at once, with its last lines, instead of the wait running out.
import type { ChildProcess } from 'node:child_process';
import { describeExit } from './child';

export async function untilReady(
  daemon: ChildProcess,
  url: string,
  tail: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (daemon.exitCode !== null || daemon.signalCode !== null) {
      const how = describeExit({ code: daemon.exitCode, signal: daemon.signalCode });
      throw new Error(`the daemon exited (${how}) before it was ready; its last lines:\n${tail()}`);
    }
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline)
      throw new Error(`the daemon was not ready within ${timeoutMs / 1000} s; its last lines:\n${tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
