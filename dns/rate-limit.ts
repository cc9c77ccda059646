// Per-source token buckets for the DNS server: each source address may send `ratePerSecond` queries a
// second on average, in bursts up to `burst`. The table of sources is bounded, so a flood from many
// addresses cannot grow it: full buckets (idle sources) go first, then, if still too many, all of them.
import type { Clock } from '../agent/clock';

export interface RateLimiterOptions {
  ratePerSecond: number;
  /** Bucket size (default: one second's worth). */
  burst?: number;
  clock: Clock;
  /** Sources tracked at once (default 10 000). */
  maxSources?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxSources: number;
  /** Queries refused since start. */
  limited = 0;

  constructor(private readonly opts: RateLimiterOptions) {
    this.perMs = opts.ratePerSecond / 1000;
    this.burst = Math.max(1, opts.burst ?? opts.ratePerSecond);
    this.maxSources = opts.maxSources ?? 10_000;
  }

  /** Sources with a bucket now. */
  get sources(): number {
    return this.buckets.size;
  }

  /** Takes a token for one query from `source`; false when its bucket is empty. */
  allow(source: string): boolean {
    const now = this.opts.clock.now();
    let b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= this.maxSources) this.prune(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(source, b);
    } else if (now > b.at) {
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perMs);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    this.limited++;
    return false;
  }

  private prune(now: number): void {
    const refillMs = this.burst / this.perMs;
    for (const [k, b] of this.buckets) if (now - b.at >= refillMs) this.buckets.delete(k);
    if (this.buckets.size >= this.maxSources) this.buckets.clear();
  }
}
