// Whole UDP replies by the query's bytes after its 2-byte ID (flags, question, EDNS): a hit is the stored reply
// with the query's ID written in, with no parse, no name key and no patching (issue 18: DNS at Node's limit).
// Only answers that are a function of those bytes and the catalog are stored (the Responder decides): never a
// forwarded one, one that depends on the asker, or one that reports a missing name. The whole cache goes
// when the catalog's version moves, and when it is full, by entries or bytes (a flood of random names cannot
// grow it).
//
// A hit allocates nothing (BENCHMARKS.md, "DNS: hit path without allocations"): the key is a hash of a few
// bytes per label read in place (a string of the query's bytes and a Map lookup cost about three times as
// much), checked against the stored query byte by byte; and the reply handed out is the entry's own buffer.
// Whoever passes it to something that may keep it past the call (a queued UDP send) calls detach().

/** Longer queries are not stored. */
const MAX_KEY_BYTES = 300;
/** A question with the root name (1 byte) and its type and class: shorter packets are never stored. */
const MIN_KEY_BYTES = 17;
const DEFAULT_MAX_ENTRIES = 10_000;
/** Keys and replies together (a reply may be a few KiB: a big headless Service under EDNS). */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** Hash slots (a power of two, above the default entry bound). */
const SLOTS = 16_384;
/**
 * Entries per slot. The hash reads a few bytes per label, so colliding queries can be made on purpose: a
 * full slot drops its oldest entry, and a lookup compares at most this many keys.
 */
const MAX_CHAIN = 4;

interface Entry {
  /** The query it answers (its ID bytes are not compared), then the reply: one allocation, adjacent bytes. */
  key: Buffer;
  keyLength: number;
  /** The reply (at first a view into `key`), sent as it is once the query's ID is written in. */
  wire: Buffer;
  /** What the caller stored with it (the Responder: the QTYPE, so a hit needs no parse for the metrics). */
  tag: number;
  next: Entry | undefined;
}

const mix = (h: number, v: number): number => Math.imul(h ^ v, 0x01000193);

/**
 * A hash of the query after its ID: its length, each label's length with its first and last byte, and the
 * bytes right after the name (type and class). -1 when the name is not a plain one that ends in the packet.
 */
export function queryHash(msg: Buffer): number {
  const n = msg.length;
  let h = mix(0x811c9dc5, n | (msg[2]! << 16) | (msg[3]! << 24));
  let off = 12;
  for (;;) {
    if (off >= n) return -1;
    const len = msg[off]!;
    if (len === 0) break;
    if (len > 63 || off + len >= n) return -1; // compression or a label past the end: not stored
    h = mix(h, len | (msg[off + 1]! << 8) | (msg[off + len]! << 16));
    off += len + 1;
  }
  if (off + 4 >= n) return -1;
  h = mix(h, msg[off + 1]! | (msg[off + 2]! << 8) | (msg[off + 4]! << 16));
  return (h ^ (h >>> 15)) & (SLOTS - 1);
}

function sameQuery(e: Entry, msg: Buffer): boolean {
  const n = msg.length;
  if (e.keyLength !== n) return false;
  const key = e.key;
  for (let i = 2; i < n; i++) if (key[i] !== msg[i]) return false;
  return true;
}

export class ReplyCache {
  private readonly slots: (Entry | undefined)[] = new Array<Entry | undefined>(SLOTS).fill(undefined);
  private entries = 0;
  private version: number | undefined;
  private bytes = 0;
  private last: Entry | undefined;
  /** The tag stored with the reply the last successful get() returned. */
  hitTag = 0;

  constructor(
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  get size(): number {
    return this.entries;
  }

  /**
   * The stored reply with msg's ID written in, or undefined; drops everything when `version` moved. The buffer
   * stays the cache's: the next hit on the same entry writes its own ID into it, unless detach() was called.
   */
  get(msg: Buffer, version: number): Buffer | undefined {
    if (version !== this.version) {
      this.clear();
      this.version = version;
      return undefined;
    }
    if (msg.length > MAX_KEY_BYTES || msg.length < MIN_KEY_BYTES) return undefined;
    const slot = queryHash(msg);
    if (slot < 0) return undefined;
    for (let e = this.slots[slot]; e !== undefined; e = e.next) {
      if (!sameQuery(e, msg)) continue;
      this.last = e;
      this.hitTag = e.tag;
      const out = e.wire;
      out[0] = msg[0]!;
      out[1] = msg[1]!;
      return out;
    }
    return undefined;
  }

  /**
   * The buffer the last get() returned is now someone else's (a send still queued holds it): its entry gets a
   * copy, so no later hit writes into it.
   */
  detach(): void {
    const e = this.last;
    if (e) e.wire = Buffer.from(e.wire);
  }

  /** Stores `reply` (copied) for queries with msg's bytes after the ID, at the version get() last saw. */
  set(msg: Buffer, reply: Buffer, version: number, tag = 0): void {
    if (version !== this.version || msg.length > MAX_KEY_BYTES || msg.length < MIN_KEY_BYTES) return;
    const slot = queryHash(msg);
    if (slot < 0) return;
    const size = msg.length + reply.length;
    if (this.entries >= this.maxEntries || this.bytes + size > this.maxBytes) this.clear();
    const key = Buffer.allocUnsafe(size);
    key.set(msg);
    key.set(reply, msg.length);
    const wire = key.subarray(msg.length);
    const head: Entry = { key, keyLength: msg.length, wire, tag, next: this.slots[slot] };
    this.slots[slot] = head;
    this.entries++;
    this.bytes += size;
    // Bounded chains: the oldest entry past MAX_CHAIN goes (and a duplicate of this query, if any, with it).
    let prev = head;
    for (let depth = 1, e = head.next; e !== undefined; e = e.next) {
      if (depth >= MAX_CHAIN || sameQuery(e, msg)) {
        prev.next = e.next;
        this.entries--;
        this.bytes -= e.key.length;
        continue;
      }
      prev = e;
      depth++;
    }
  }

  private clear(): void {
    this.slots.fill(undefined);
    this.entries = 0;
    this.bytes = 0;
    this.last = undefined;
  }
}
