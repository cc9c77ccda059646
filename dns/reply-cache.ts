// Whole UDP replies by the query's bytes after its 2-byte ID (flags, question, EDNS): a hit is a copy with the
// query's ID written in, with no parse, no name key and no patching (issue 18: DNS at Node's limit). Only
// answers that are a function of those bytes and the catalog are stored (the Responder decides): never a
// forwarded one, one that depends on the asker, or one that reports a missing name. The whole cache goes
// when the catalog's version moves, and when it is full, by entries or bytes (a flood of random names cannot
// grow it).

/** Longer queries are not stored (a key is a string of the query's bytes). */
const MAX_KEY_BYTES = 300;
const DEFAULT_MAX_ENTRIES = 10_000;
/** Keys and replies together (a reply may be a few KiB: a big headless Service under EDNS). */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

interface Stored {
  reply: Buffer;
  /** What the caller stored with it (the Responder: the QTYPE, so a hit needs no parse for the metrics). */
  tag: number;
}

export class ReplyCache {
  private readonly replies = new Map<string, Stored>();
  private version: number | undefined;
  private bytes = 0;
  /** The tag stored with the reply the last successful get() returned. */
  hitTag = 0;

  constructor(
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  get size(): number {
    return this.replies.size;
  }

  /** A copy of the stored reply with msg's ID, or undefined; drops everything when `version` moved. */
  get(msg: Buffer, version: number): Buffer | undefined {
    if (version !== this.version) {
      this.clear();
      this.version = version;
      return undefined;
    }
    if (msg.length > MAX_KEY_BYTES || msg.length < 12) return undefined;
    const stored = this.replies.get(msg.toString('latin1', 2));
    if (!stored) return undefined;
    this.hitTag = stored.tag;
    const out = Buffer.allocUnsafe(stored.reply.length);
    out.set(stored.reply);
    out[0] = msg[0]!;
    out[1] = msg[1]!;
    return out;
  }

  /** Stores `reply` (copied) for queries with msg's bytes after the ID, at the version get() last saw. */
  set(msg: Buffer, reply: Buffer, version: number, tag = 0): void {
    if (version !== this.version || msg.length > MAX_KEY_BYTES || msg.length < 12) return;
    const size = msg.length + reply.length;
    if (this.replies.size >= this.maxEntries || this.bytes + size > this.maxBytes) this.clear();
    this.replies.set(msg.toString('latin1', 2), { reply: Buffer.from(reply), tag });
    this.bytes += size;
  }

  private clear(): void {
    this.replies.clear();
    this.bytes = 0;
  }
}
