// The engine's container events (create, start, die) with their nanosecond times, on one stream opened
// before a repetition: the raw floors wait for `die` on it as the agent does, and every side's phases are
// timed from it (the engine's own clock, the same wall clock as the bench's).
import type { Readable } from 'node:stream';
import { docker } from './engine';
import { Waiters, eachJsonLine } from './json-lines';

export interface ContainerEvents {
  create?: number;
  start?: number;
  die?: number;
  exitCode?: number;
}

interface EngineEvent {
  id?: string;
  Action?: string;
  timeNano?: number;
  Actor?: { Attributes?: Record<string, string> };
}

/** Wall-clock ms (fractional) of a performance.now() reading. */
export const wallMs = (perf: number): number => performance.timeOrigin + perf;

export class EngineEvents {
  private readonly seen = new Map<string, ContainerEvents>();
  private readonly waiters = new Waiters();

  /** `stream`: the engine's events as newline-delimited JSON (open() asks the engine for it). */
  constructor(private readonly stream: Readable) {
    eachJsonLine(
      stream,
      (value) => this.onEvent(value as EngineEvent),
      () => this.waiters.poke(),
    );
    this.waiters.follow(stream);
  }

  /** Subscribes to container create/start/die events (all containers: the callers pick theirs by id). */
  static async open(): Promise<EngineEvents> {
    const stream = (await docker.getEvents({
      filters: { type: ['container'], event: ['create', 'start', 'die'] },
    })) as unknown as Readable;
    return new EngineEvents(stream);
  }

  private onEvent(e: EngineEvent): void {
    const action = e.Action as keyof ContainerEvents | undefined;
    if (!e.id || (action !== 'create' && action !== 'start' && action !== 'die')) return;
    const entry = this.seen.get(e.id) ?? {};
    entry[action] = (e.timeNano ?? 0) / 1e6;
    if (action === 'die') entry.exitCode = Number(e.Actor?.Attributes?.['exitCode'] ?? -1);
    this.seen.set(e.id, entry);
  }

  /** What the stream has told of one container so far. */
  of(id: string): ContainerEvents {
    return this.seen.get(id) ?? {};
  }

  /** The exit code from the container's `die` event (at once when it came already). */
  async waitDie(id: string, timeoutMs = 30_000): Promise<number> {
    await this.waiters.until(
      `the die event of ${id.slice(0, 12)}`,
      () => this.seen.get(id)?.exitCode !== undefined,
      timeoutMs,
    );
    return this.seen.get(id)?.exitCode ?? -1;
  }

  /** Waits until the stream has caught up with events the engine has already sent (a short grace). */
  async settle(ids: readonly string[], timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (ids.some((id) => this.of(id).start === undefined) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
  }

  close(): void {
    this.stream.destroy();
  }
}
