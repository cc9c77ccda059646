// Serialized List bodies by request URL, valid for one resourceVersion. Every change in any store moves
// the resourceVersion, so a cached body is exactly what the store would give again; 50 clients polling the
// same PodList pay for one JSON.stringify per change instead of one per request (BENCHMARKS.md, API).

export interface ListCacheOptions {
  /** URLs kept at once; the oldest goes first (default 64). */
  maxEntries?: number;
}

export class ListCache {
  private readonly entries = new Map<string, { resourceVersion: string; body: string }>();
  private readonly maxEntries: number;

  constructor(opts: ListCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 64;
  }

  /** The body made for `url` at `resourceVersion`, or undefined. */
  get(url: string, resourceVersion: string): string | undefined {
    const e = this.entries.get(url);
    return e?.resourceVersion === resourceVersion ? e.body : undefined;
  }

  /** Serializes `list`, keeps it for `url` at `resourceVersion`, and returns it. */
  put(url: string, resourceVersion: string, list: unknown): string {
    const body = JSON.stringify(list);
    this.entries.delete(url); // re-inserted last: Map order is the eviction order
    this.entries.set(url, { resourceVersion, body });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return body;
  }

  get size(): number {
    return this.entries.size;
  }
}
