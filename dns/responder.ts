// From query bytes to reply bytes, without sockets. Answers are encoded once per (name, type[, asker namespace])
// and catalog version, then copied and patched per query: dns-packet decode+encode costs ~4 µs a query, the
// patched copy ~0.3 µs (docs/dns.md, measurements in the shared DNS doc). In front of that, UDP replies that
// depend only on the query's bytes are kept whole by those bytes (ReplyCache): a repeated query is one copy.
import type { Clock } from '../agent/clock';
import type { DnsCatalog, MissingNameListener, PodRecord } from './catalog';
import { normalizeName } from './names';
import { buildRecordTable, type RecordTable } from './records';
import { RCODE, resolve } from './resolve';
import { ReplyCache } from './reply-cache';
import {
  MAX_MESSAGE,
  OPT_RR_LENGTH,
  encodeResponse,
  headerReply,
  instantiate,
  newParsedQuery,
  parseQuery,
  questionName,
  questionReply,
  udpLimit,
  type ParsedQuery,
  type ResponseSpec,
} from './wire';

export type Transport = 'udp' | 'tcp';

/** What the caller should do with a query. */
export type Reply =
  | { kind: 'drop' }
  | { kind: 'reply'; buf: Buffer }
  | {
      kind: 'forward';
      /** The parsed query, for building a failure reply later (questionReply). */
      query: ParsedQuery;
      /** Answer NODATA instead of NXDOMAIN, SERVFAIL or REFUSED (busybox search expansion of a local Service). */
      nodataOnFailure: boolean;
    };

export interface ResponderOptions {
  catalog: DnsCatalog;
  zone: string;
  clock: Clock;
  /** Sets RA on our answers (true when the server forwards). */
  recursionAvailable: boolean;
  onMissingName?: MissingNameListener;
  /** Bounds the answer cache so a flood of random names cannot grow it without limit. */
  maxCacheEntries?: number;
  /** Bounds the whole-reply cache in front of it (default 10 000). */
  maxReplyCacheEntries?: number;
}

interface LocalCached {
  kind: 'local';
  spec: ResponseSpec;
  full: Buffer;
  /** Truncated variants, by UDP size limit. */
  byLimit?: Map<number, Buffer>;
  missingName?: string;
}

interface ForwardCached {
  kind: 'forward';
  nodataOnFailure: boolean;
}

type Cached = LocalCached | ForwardCached;

interface Entry {
  shared?: Cached;
  /** Asker-dependent answers, by the asking pod's namespace ('' when the asker is no pod). */
  perNamespace?: Map<string, Cached>;
}

const DROP: Reply = { kind: 'drop' };
const DEFAULT_MAX_CACHE = 50_000;

export class Responder {
  private readonly q = newParsedQuery();
  private readonly cache = new Map<string, Map<number, Entry>>();
  private cacheSize = 0;
  private table: RecordTable | undefined;
  private version: number | undefined;
  private readonly maxCache: number;
  private readonly replies: ReplyCache;
  // Set by answer(): its reply depends only on the query's bytes and the catalog (a local answer shared by
  // every asker, with no missing name to report).
  private replayable = false;

  constructor(private readonly opts: ResponderOptions) {
    this.maxCache = opts.maxCacheEntries ?? DEFAULT_MAX_CACHE;
    this.replies = new ReplyCache(opts.maxReplyCacheEntries);
  }

  /** Cached answers held now (name and type pairs). */
  get cacheEntries(): number {
    return this.cacheSize;
  }

  /** Whole UDP replies held now (by query bytes). */
  get replyCacheEntries(): number {
    return this.replies.size;
  }

  /** The table for the catalog's current version, rebuilt (and the cache dropped) when the version moved. */
  currentTable(): RecordTable {
    const v = this.opts.catalog.version();
    if (!this.table || v !== this.version) {
      this.table = buildRecordTable(this.opts.catalog, {
        zone: this.opts.zone,
        serial: Math.floor((this.opts.catalog.changedAtMs?.() ?? this.opts.clock.now()) / 1000),
      });
      this.version = v;
      this.cache.clear();
      this.cacheSize = 0;
    }
    return this.table;
  }

  respond(msg: Buffer, sourceIp: string, transport: Transport): Reply {
    if (transport === 'tcp') return this.answer(msg, sourceIp, transport);
    const hit = this.replay(msg);
    if (hit) return { kind: 'reply', buf: Buffer.from(hit) }; // the cache's own buffer: see replay()
    return this.respondUncached(msg, sourceIp);
  }

  /**
   * The whole UDP reply kept for these query bytes, with msg's ID, or undefined (then respondUncached).
   * `replayedQtype` is its question's type. The buffer is the cache's own, rewritten by the next hit on it:
   * send it at once, and call replayHeld() if the send may still hold it.
   */
  replay(msg: Buffer): Buffer | undefined {
    return this.replies.get(msg, this.opts.catalog.version());
  }

  /** The buffer replay() last returned is held past the call (a queued send): the cache keeps a copy instead. */
  replayHeld(): void {
    this.replies.detach();
  }

  /** The QTYPE of the query replay() last answered. */
  get replayedQtype(): number {
    return this.replies.hitTag;
  }

  /** A UDP query replay() had no reply for: answered, and the reply kept when only the bytes decide it. */
  respondUncached(msg: Buffer, sourceIp: string): Reply {
    const reply = this.answer(msg, sourceIp, 'udp');
    if (this.replayable)
      this.replies.set(msg, (reply as { buf: Buffer }).buf, this.opts.catalog.version(), this.q.qtype);
    return reply;
  }

  private answer(msg: Buffer, sourceIp: string, transport: Transport): Reply {
    this.replayable = false;
    const q = this.q;
    switch (parseQuery(msg, q)) {
      case 'drop':
        return DROP;
      case 'formerr':
        return { kind: 'reply', buf: headerReply(msg, RCODE.FORMERR) };
      case 'notimp':
        return { kind: 'reply', buf: headerReply(msg, RCODE.NOTIMP) };
      case 'ok':
        break;
    }
    const ra = this.opts.recursionAvailable;
    if (q.qclass !== 1) return { kind: 'reply', buf: questionReply(msg, q, RCODE.REFUSED, { ra }) };
    // BADVERS is extended rcode 16: 0 in the header, 1 in the OPT record.
    if (q.edns && q.ednsVersion !== 0) {
      return { kind: 'reply', buf: questionReply(msg, q, 0, { ra, extRcode: 1 }) };
    }

    const table = this.currentTable();
    const { cached, asker, shared } = this.lookup(table, msg, q, sourceIp);
    if (cached.kind === 'forward') {
      return { kind: 'forward', query: { ...q }, nodataOnFailure: cached.nodataOnFailure };
    }
    if (cached.missingName !== undefined) this.notifyMissing(cached.missingName, asker, sourceIp);
    else this.replayable = shared;
    return { kind: 'reply', buf: this.fit(cached, msg, q, transport) };
  }

  // The cached answer for this question (and asker, if it matters), made and stored on a miss. The asker is
  // looked up only when the answer may depend on it.
  private lookup(
    table: RecordTable,
    msg: Buffer,
    q: ParsedQuery,
    sourceIp: string,
  ): { cached: Cached; asker: PodRecord | undefined; shared: boolean } {
    const key = msg.toString('latin1', 12, q.nameEnd).toLowerCase();
    let entry = this.cache.get(key)?.get(q.qtype);
    if (entry?.shared) return { cached: entry.shared, asker: undefined, shared: true };
    const asker = this.opts.catalog.podByIp(sourceIp);
    const ns = asker ? normalizeName(asker.namespace) : '';
    const hit = entry?.perNamespace?.get(ns);
    if (hit) return { cached: hit, asker, shared: false };
    const { cached, askerDependent } = this.build(table, msg, q, asker);
    if (!entry) {
      if (this.cacheSize >= this.maxCache) {
        this.cache.clear();
        this.cacheSize = 0;
      }
      let byType = this.cache.get(key);
      if (!byType) this.cache.set(key, (byType = new Map<number, Entry>()));
      byType.set(q.qtype, (entry = {}));
      this.cacheSize++;
    }
    if (askerDependent) (entry.perNamespace ??= new Map<string, Cached>()).set(ns, cached);
    else entry.shared = cached;
    return { cached, asker, shared: !askerDependent };
  }

  private build(
    table: RecordTable,
    msg: Buffer,
    q: ParsedQuery,
    asker: PodRecord | undefined,
  ): { cached: Cached; askerDependent: boolean } {
    const res = resolve(table, { name: questionName(msg), type: q.qtype }, asker);
    if (res.kind === 'forward') {
      return {
        cached: { kind: 'forward', nodataOnFailure: res.localServiceExpansion },
        askerDependent: res.askerDependent,
      };
    }
    const spec: ResponseSpec = {
      // A copy: the packet may be a slice of a large TCP read buffer that must not stay alive.
      question: Buffer.from(msg.subarray(12, q.questionEnd)),
      rcode: res.rcode,
      aa: true,
      ra: this.opts.recursionAvailable,
      answers: res.answers,
      authorities: res.authorities,
      additionals: res.additionals,
    };
    const cached: LocalCached = { kind: 'local', spec, full: encodeResponse(spec, MAX_MESSAGE) };
    if (res.missingName !== undefined) cached.missingName = res.missingName;
    return { cached, askerDependent: res.askerDependent };
  }

  // The full answer when it fits the transport's limit, else the truncated one (TC set), made once per limit.
  private fit(cached: LocalCached, msg: Buffer, q: ParsedQuery, transport: Transport): Buffer {
    const optLen = q.edns ? OPT_RR_LENGTH : 0;
    const limit = transport === 'tcp' ? MAX_MESSAGE : udpLimit(q);
    if (cached.full.length + optLen <= limit) return instantiate(cached.full, msg, q);
    const byLimit = (cached.byLimit ??= new Map<number, Buffer>());
    let template = byLimit.get(limit);
    if (!template) {
      template = encodeResponse(cached.spec, limit - optLen);
      byLimit.set(limit, template);
    }
    return instantiate(template, msg, q);
  }

  private notifyMissing(name: string, asker: PodRecord | undefined, sourceIp: string): void {
    const listener = this.opts.onMissingName;
    if (!listener) return;
    const pod = asker ?? this.opts.catalog.podByIp(sourceIp);
    if (pod) listener(pod, name);
  }
}
