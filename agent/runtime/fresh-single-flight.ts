// One call shared by the callers that ask at about the same time, never one that began before a caller
// asked: callers of one event-loop turn share a call started after that turn; while a call is in flight,
// later callers wait for the next one, which starts when the current one ends and serves all of them. So
// concurrent askers cost at most one call at a time, and each gets an answer at least as new as its own
// request (a pod worker that just started a container sees it in the listing).
interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

export class FreshSingleFlight<T> {
  private busy = false;
  /** Callers not served by a call that has begun: the next call is theirs. */
  private waiting: Waiter<T>[] = [];

  constructor(private readonly call: () => Promise<T>) {}

  run(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (this.busy) return;
      this.busy = true;
      setImmediate(() => void this.launch()); // the rest of this turn's callers join
    });
  }

  private async launch(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      const value = await this.call();
      for (const w of batch) w.resolve(value);
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      if (this.waiting.length) void this.launch();
      else this.busy = false;
    }
  }
}
