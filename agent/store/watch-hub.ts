// Fans store changes out to API watchers. Each change is snapshotted once into a ring of recent changes
// (replay from a resourceVersion; 410 Expired when older than the ring). Each watcher has a bounded queue
// that is filled on the store's call stack and drained later, off it: a slow or stuck client can never
// slow the sync loop; it is dropped instead, and reconnects as Kubernetes clients do.
import type { Clock } from '../clock';
import { badRequest, MiniKubeletError } from '../errors';
import type { Logger } from '../log';
import type { ChangeType, ObjectStore, ResourceVersions, StoredObject } from './object-store';

export type WatchEventType = ChangeType | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  object: StoredObject;
  /** The object as JSON, serialized once however many watchers send it. */
  json(): string;
}

/** One change as it was when it happened (the store mutates its objects; the snapshot does not change). */
class Entry {
  private cached: string | undefined;
  constructor(
    readonly rv: number,
    readonly kind: string,
    readonly type: ChangeType,
    readonly object: StoredObject,
    /** The object before this change, to tell ADDED/DELETED when a change moves it across a selector. */
    readonly prev: StoredObject | undefined,
  ) {}
  json(): string {
    return (this.cached ??= JSON.stringify(this.object));
  }
}

const plain = (type: WatchEventType, object: StoredObject): WatchEvent => {
  let cached: string | undefined;
  return { type, object, json: () => (cached ??= JSON.stringify(object)) };
};

export interface WatchRequest {
  kind: string;
  /** The kind's apiVersion, which its BOOKMARKs carry (client-go drops another group's); default v1. */
  apiVersion?: string;
  /** Events after this version. Absent or "0": the current objects first, as ADDED. */
  resourceVersion?: string;
  /** Namespace, label and field selectors, as one predicate. */
  match: (obj: StoredObject) => boolean;
  /** The current objects of the kind (for the initial ADDED events). */
  current: () => StoredObject[];
  bookmarks?: boolean;
  /** The initial ADDED events whatever the version, closed by a BOOKMARK marked initial-events-end. */
  sendInitialEvents?: boolean;
}

type Item = { entry: Entry } | { event: WatchEvent };

export class Watcher {
  private queue: Item[] = [];
  /** Set when the watcher is over: closed by the client, dropped for overflowing, or the hub stopped. */
  ended: 'closed' | 'overflow' | 'stopped' | undefined;
  /** Called (batched, off the store's stack) when events are waiting or the watcher ended. */
  onReady: (() => void) | undefined;

  constructor(
    private readonly hub: { wake(w: Watcher): void; drop(w: Watcher, reason: string): void },
    readonly request: WatchRequest,
    private readonly limit: number,
  ) {}

  /** Queued events that pass the watcher's selectors, typed as the watcher sees them. */
  take(): WatchEvent[] {
    const items = this.queue;
    this.queue = [];
    const out: WatchEvent[] = [];
    const match = this.request.match;
    for (const item of items) {
      if ('event' in item) {
        out.push(item.event);
        continue;
      }
      const e = item.entry;
      const now = match(e.object);
      let type: ChangeType | undefined;
      if (e.type === 'MODIFIED') {
        const before = e.prev ? match(e.prev) : now;
        type = now ? (before ? 'MODIFIED' : 'ADDED') : before ? 'DELETED' : undefined;
      } else if (now) type = e.type;
      if (type) out.push({ type, object: e.object, json: () => e.json() });
    }
    return out;
  }

  /** Stops delivering; the hub forgets the watcher. */
  close(reason: 'closed' | 'overflow' | 'stopped' = 'closed'): void {
    if (this.ended) return;
    this.ended = reason;
    this.queue = [];
    this.hub.drop(this, reason);
    this.hub.wake(this);
  }

  push(item: Item, bounded = true): void {
    if (this.ended) return;
    if (bounded && this.queue.length >= this.limit) {
      this.close('overflow');
      return;
    }
    this.queue.push(item);
    this.hub.wake(this);
  }

  get pending(): number {
    return this.queue.length;
  }
}

export interface WatchHubDeps {
  versions: ResourceVersions;
  clock: Clock;
  logger: Logger;
  /** Changes kept for replay (all kinds together). */
  ringSize?: number;
  /** Events a watcher may have waiting before it is dropped. */
  queueLimit?: number;
  /** How often watchers that asked for them get a BOOKMARK. */
  bookmarkMs?: number;
}

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';
/** How long a read from a version not reached yet waits for it (upstream's watch cache: blockTimeout). */
export const FUTURE_VERSION_WAIT_MS = 3000;
const FUTURE_VERSION_POLL_MS = 100;

/** Upstream's storage.NewTooLargeResourceVersionError: a 504 Timeout the client retries after a second. */
export const tooLargeResourceVersion = (asked: number, current: number): MiniKubeletError =>
  new MiniKubeletError('Timeout', `Timeout: Too large resource version: ${asked}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version', field: '' }],
    retryAfterSeconds: 1,
  });
/** Changes kept for replay by default (all kinds together). */
export const WATCH_RING_SIZE = 4096;

export class WatchHub {
  private readonly ring: (Entry | undefined)[];
  private head = 0;
  private count = 0;
  /** Every change with a version above this one is in the ring. */
  private floor: number;
  private readonly latest = new Map<string, StoredObject>();
  private readonly byKind = new Map<string, Set<Watcher>>();
  private readonly ready = new Set<Watcher>();
  private flushing = false;
  private cancelBookmarks: (() => void) | undefined;
  private readonly queueLimit: number;

  constructor(private readonly deps: WatchHubDeps) {
    this.ring = new Array<Entry | undefined>(deps.ringSize ?? WATCH_RING_SIZE);
    this.queueLimit = deps.queueLimit ?? 1000;
    this.floor = Number(deps.versions.current);
  }

  /** Follows a store's changes. */
  track<T extends StoredObject>(store: ObjectStore<T>): () => void {
    return store.onChange(({ type, object }) => this.publish(type, object));
  }

  /** Records one change and queues it for the watchers of its kind. */
  publish(type: ChangeType, object: StoredObject): void {
    const snapshot = structuredClone(object);
    const m = snapshot.metadata;
    const key = `${snapshot.kind}/${m.namespace}/${m.name}`;
    const entry = new Entry(Number(m.resourceVersion), snapshot.kind, type, snapshot, this.latest.get(key));
    if (type === 'DELETED') this.latest.delete(key);
    else this.latest.set(key, snapshot);
    const size = this.ring.length;
    const slot = (this.head + this.count) % size;
    if (this.count === size) {
      this.floor = this.ring[this.head]?.rv ?? this.floor;
      this.head = (this.head + 1) % size;
    } else this.count++;
    this.ring[slot] = entry;
    for (const w of this.byKind.get(entry.kind) ?? []) w.push({ entry });
  }

  /** Starts a watch; throws Gone when the version is older than what the ring still holds. */
  watch(request: WatchRequest): Watcher {
    const rvText = request.resourceVersion ?? '';
    const fromStart = rvText === '' || rvText === '0';
    const rv = fromStart ? 0 : Number(rvText);
    if (!Number.isSafeInteger(rv) || rv < 0) throw badRequest(`resourceVersion: Invalid value: "${rvText}"`);
    if (!fromStart && rv < this.floor) {
      throw new MiniKubeletError('Gone', `too old resource version: ${rv} (${this.floor})`);
    }
    const w = new Watcher(
      { wake: (x) => this.wake(x), drop: (x, reason) => this.drop(x, reason) },
      request,
      this.queueLimit,
    );
    if (fromStart || request.sendInitialEvents) {
      for (const obj of request.current()) {
        if (request.match(obj)) w.push({ event: plain('ADDED', structuredClone(obj)) }, false);
      }
      if (request.sendInitialEvents && request.bookmarks) {
        w.push(
          { event: this.bookmarkEvent(request.kind, request.apiVersion, { [INITIAL_EVENTS_END]: 'true' }) },
          false,
        );
      }
    }
    if (!fromStart) {
      for (let i = 0; i < this.count; i++) {
        const e = this.ring[(this.head + i) % this.ring.length];
        if (e && e.rv > rv && e.kind === request.kind) w.push({ entry: e }, false);
      }
    }
    let set = this.byKind.get(request.kind);
    if (!set) this.byKind.set(request.kind, (set = new Set()));
    set.add(w);
    return w;
  }

  /**
   * Resolves once the store has reached `resourceVersion` (at once for none, "0", a malformed one: the caller
   * refuses those); throws Too large resource version when it has not within FUTURE_VERSION_WAIT_MS.
   */
  async reach(resourceVersion: string | undefined): Promise<void> {
    const asked = Number(resourceVersion ?? '');
    const current = (): number => Number(this.deps.versions.current);
    if (!resourceVersion || !Number.isSafeInteger(asked) || asked <= current()) return;
    const clock = this.deps.clock;
    const start = clock.now();
    await new Promise<void>((resolve, reject) => {
      const poll = (): void => {
        if (asked <= current()) resolve();
        else if (clock.now() - start >= FUTURE_VERSION_WAIT_MS)
          reject(tooLargeResourceVersion(asked, current()));
        else clock.setTimer(poll, FUTURE_VERSION_POLL_MS);
      };
      clock.setTimer(poll, FUTURE_VERSION_POLL_MS);
    });
  }

  /** Sends a BOOKMARK with the current version to every watcher that asked for bookmarks. */
  bookmark(): void {
    for (const set of this.byKind.values()) {
      for (const w of set)
        if (w.request.bookmarks) w.push({ event: this.bookmarkEvent(w.request.kind, w.request.apiVersion) });
    }
  }

  bookmarkEvent(kind: string, apiVersion = 'v1', annotations?: Record<string, string>): WatchEvent {
    const metadata = { resourceVersion: this.deps.versions.current, ...(annotations ? { annotations } : {}) };
    return plain('BOOKMARK', { kind, apiVersion, metadata } as unknown as StoredObject);
  }

  get watcherCount(): number {
    let n = 0;
    for (const set of this.byKind.values()) n += set.size;
    return n;
  }

  start(): void {
    const every = this.deps.bookmarkMs ?? 60_000;
    const tick = (): void => {
      this.bookmark();
      this.cancelBookmarks = this.deps.clock.setTimer(tick, every);
    };
    this.cancelBookmarks?.();
    this.cancelBookmarks = this.deps.clock.setTimer(tick, every);
  }

  /** Ends every watch (their streams close) and the bookmark timer. */
  stop(): void {
    this.cancelBookmarks?.();
    this.cancelBookmarks = undefined;
    for (const set of [...this.byKind.values()]) for (const w of [...set]) w.close('stopped');
  }

  private drop(w: Watcher, reason: string): void {
    this.byKind.get(w.request.kind)?.delete(w);
    if (reason === 'overflow')
      this.deps.logger.warn('dropped a watcher that did not keep up', { kind: w.request.kind });
  }

  private wake(w: Watcher): void {
    this.ready.add(w);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      const batch = [...this.ready];
      this.ready.clear();
      for (const x of batch) x.onReady?.();
    });
  }
}
