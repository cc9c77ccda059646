// A fixed number of slots for early image pulls: a pull past the limit waits for one to free, first come
// first served, so a pod with many images (or many pods at once) never opens more pulls than asked.
export class PullSlots {
  private busy = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Runs `task` in a slot; the slot frees when it settles, whatever the outcome. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.busy >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.busy++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next)
        next(); // the slot passes on as it is
      else this.busy--;
    }
  }
}
