// Durations of work too short to time every time. Reading the clock twice (two performance.now() calls,
// 0.06-0.1 µs each here) cost about as much as a whole reply-cache hit, so the DNS server times one hit in
// `every` and observes the others with that measurement (issue 18: DNS at Node's limit).

export class SampledTimer {
  private left = 0; // due: the next start() reads the clock
  private lastSeconds = 0;

  constructor(
    private readonly every: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /**
   * Before the work: a start time when a measurement is due, else -1. Work that is then not finished with
   * seconds() (a cache miss) leaves the measurement due.
   */
  start(): number {
    if (this.left > 0) {
      this.left--;
      return -1;
    }
    return this.nowMs();
  }

  /** After the work: seconds it took when start() gave a time, else the last measured duration. */
  seconds(started: number): number {
    if (started >= 0) {
      this.lastSeconds = (this.nowMs() - started) / 1000;
      this.left = this.every - 1;
    }
    return this.lastSeconds;
  }
}
