// Time is injected so back-off and status timing can be tested without sleeping.

export interface Clock {
  now(): number;
  /** Calls fn after ms; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** The longest delay setTimeout holds; a longer one fires after 1 ms (a yearly CronJob's next run would spin). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const due = Date.now() + ms;
    let t: NodeJS.Timeout;
    const arm = (left: number): void => {
      t = setTimeout(
        () => {
          const rest = due - Date.now();
          if (rest > 0 && left > MAX_TIMEOUT_MS) arm(rest);
          else fn();
        },
        Math.min(left, MAX_TIMEOUT_MS),
      );
      t.unref();
    };
    arm(ms);
    return () => clearTimeout(t);
  },
};

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(private current = Date.parse('2026-01-01T00:00:00Z')) {}

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.current + ms, fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  advance(ms: number): void {
    this.current += ms;
    const due = this.timers.filter((t) => t.at <= this.current).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.at > this.current);
    for (const t of due) t.fn();
  }
}

export const isoTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
