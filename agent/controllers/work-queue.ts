// The controllers' queue: keys (namespace/name) queued from store events are reconciled on the next turn of
// the event loop (milliseconds, not a resync period), each key once however many events named it; a key can
// ask to come back later (minReadySeconds, progress deadlines); a periodic resync queues every key as a
// backstop. One reconcile at a time, so a controller never races itself.
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import type { Logger } from '../log';

export interface WorkQueueDeps {
  clock: Clock;
  logger: Logger;
  /** Reconciles one key; returns ms after which to look again, or undefined. */
  reconcile: (key: string) => number | undefined;
  /** Every key, for the resync. */
  keys: () => string[];
  resyncMs: number;
}

export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled: NodeJS.Immediate | undefined;
  private readonly later = new Map<string, () => void>();
  private cancelResync: (() => void) | undefined;
  private running = false;

  constructor(private readonly deps: WorkQueueDeps) {}

  start(): void {
    this.running = true;
    for (const key of this.deps.keys()) this.add(key);
    const resync = (): void => {
      for (const key of this.deps.keys()) this.add(key);
      this.cancelResync = this.deps.clock.setTimer(resync, this.deps.resyncMs);
    };
    this.cancelResync = this.deps.clock.setTimer(resync, this.deps.resyncMs);
  }

  stop(): void {
    this.running = false;
    this.cancelResync?.();
    for (const cancel of this.later.values()) cancel();
    this.later.clear();
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.pending.clear();
  }

  add(key: string): void {
    if (!this.running) return;
    this.pending.add(key);
    this.scheduled ??= setImmediate(() => this.drain());
  }

  /** Reconciles every queued key now (tests; the event loop does it otherwise). */
  drain(): void {
    this.scheduled = undefined;
    // Keys a reconcile queues (its own writes) come round again in this same drain, up to a bound.
    for (let round = 0; round < 50 && this.pending.size; round++) {
      const keys = [...this.pending];
      this.pending.clear();
      for (const key of keys) this.run(key);
    }
    if (this.pending.size) this.scheduled ??= setImmediate(() => this.drain());
  }

  private run(key: string): void {
    let again: number | undefined;
    try {
      again = this.deps.reconcile(key);
    } catch (err) {
      this.deps.logger.warn('reconcile failed', { key, error: errorMessage(err) });
      again = 1000;
    }
    if (again === undefined || !this.running) return;
    this.later.get(key)?.();
    this.later.set(
      key,
      this.deps.clock.setTimer(() => {
        this.later.delete(key);
        this.add(key);
      }, again),
    );
  }
}
