// The daemon under chaos: one data directory and port for its whole life, started again after every kill.
// Churn waits on `up()` while it is down, so writes go only to a daemon that can answer (or is killed under
// them).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { exitOf, outputTail, stopChild } from '../tools/child';
import { untilReady } from '../tools/until-ready';

const MAIN = join(__dirname, '..', 'daemon', 'main.js');

export class ChaosDaemon {
  private child: ChildProcess | undefined;
  private tailOf: () => string = () => '';
  private ready: Promise<void> = Promise.resolve();

  constructor(
    readonly url: string,
    private readonly args: readonly string[],
  ) {}

  /** Starts the daemon and waits until it is ready (bounded: fails with its last lines). */
  start(): Promise<void> {
    this.ready = this.launch();
    return this.ready;
  }

  /** Resolves once the daemon answers; rejects when its last start failed. */
  up(): Promise<void> {
    return this.ready;
  }

  /** SIGKILL, then start again at once; `up()` waits from the kill on. */
  killAndRestart(): Promise<void> {
    const child = this.child;
    this.ready = (async () => {
      if (child) {
        child.kill('SIGKILL');
        await exitOf(child);
      }
      await this.launch();
    })();
    return this.ready;
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
  }

  private launch(): Promise<void> {
    const child = spawn(process.execPath, [MAIN, ...this.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.tailOf = outputTail(child, 40);
    return untilReady(child, this.url, this.tailOf, 60_000);
  }

  tail(): string {
    return this.tailOf();
  }
}
