// Serialized List bodies by request URL, for the current resourceVersion only. Every change in any store
// moves the one resourceVersion, so a body made at that version is exactly what the store would give again,
// and bodies of older versions can never be served again (they are dropped at the first newer one). 50
// clients polling the same PodList pay for one JSON.stringify per change instead of one per request
// (BENCHMARKS.md, API).

export interface ListCacheOptions {
  /** URLs kept at once; the oldest goes first (default 64). */
  maxEntries?: number;
  /** Characters of JSON kept at once (default 16 Mi): a few large lists must not hold much memory. */
  maxChars?: number;
}

export class ListCache {
  private readonly bodies = new Map<string, string>();
  private version: string | undefined;
  private chars = 0;
  private readonly maxEntries: number;
  private readonly maxChars: number;

  constructor(opts: ListCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 64;
    this.maxChars = opts.maxChars ?? 16 * 1024 * 1024;
  }

  /** The body made for `url` at `resourceVersion`, or undefined. */
  get(url: string, resourceVersion: string): string | undefined {
    return resourceVersion === this.version ? this.bodies.get(url) : undefined;
  }

  /** Serializes `list`, keeps it for `url` at `resourceVersion`, and returns it. */
  put(url: string, resourceVersion: string, list: unknown): string {
    const body = JSON.stringify(list);
    if (resourceVersion !== this.version) {
      this.bodies.clear();
      this.chars = 0;
      this.version = resourceVersion;
    }
    this.chars -= this.bodies.get(url)?.length ?? 0;
    this.bodies.delete(url); // re-inserted last: Map order is the eviction order
    this.bodies.set(url, body);
    this.chars += body.length;
    for (const [oldest, b] of this.bodies) {
      if (this.bodies.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.bodies.delete(oldest);
      this.chars -= b.length;
    }
    return body;
  }

  /** Bodies kept now. */
  get size(): number {
    return this.bodies.size;
  }
}
