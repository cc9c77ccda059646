// The controllers' work queue: keys (namespace/name) marked dirty by store events are synced once per burst
// (on the next turn of the event loop, so a sync starts milliseconds after the change), each key at most
// once per drain; a key can also ask to come back at a time (back-off, deadlines, schedules).
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import type { Logger } from '../log';

export interface SyncQueueDeps {
  clock: Clock;
  logger: Logger;
  sync: (key: string) => void;
}

export class SyncQueue {
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; cancel: () => void }>();
  private drainScheduled: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(private readonly deps: SyncQueueDeps) {}

  add(key: string): void {
    if (this.stopped) return;
    this.dirty.add(key);
    this.drainScheduled ??= setImmediate(() => this.drain());
  }

  /** Sync the key at `at` (the earliest of the times asked for wins). */
  addAt(key: string, at: number): void {
    const old = this.timers.get(key);
    if (this.stopped || (old && old.at <= at)) return;
    old?.cancel();
    const cancel = this.deps.clock.setTimer(
      () => {
        this.timers.delete(key);
        this.add(key);
      },
      Math.max(0, at - this.deps.clock.now()),
    );
    this.timers.set(key, { at, cancel });
  }

  forget(key: string): void {
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
    this.dirty.delete(key);
  }

  /** Syncs every dirty key now (tests; the scheduled drain calls it too). */
  drain(): void {
    if (this.drainScheduled) clearImmediate(this.drainScheduled);
    this.drainScheduled = undefined;
    const keys = [...this.dirty];
    this.dirty.clear();
    for (const key of keys) {
      try {
        this.deps.sync(key);
      } catch (err) {
        // A bad object never stops the controller: log it, and the next event or resync tries again.
        this.deps.logger.error('sync failed', { key, error: errorMessage(err) });
      }
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.drainScheduled) clearImmediate(this.drainScheduled);
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.dirty.clear();
  }
}

export const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;

export function splitKey(key: string): [namespace: string, name: string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
