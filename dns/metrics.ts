// What the DNS server tells the metrics (CoreDNS's names: daemon/metrics/ makes the series), and the label
// values read from the packets, bounded as CoreDNS bounds them: known query types, else "other".
//
// Per query the server only bumps numbers in DnsCounts (no label objects, no closures, no prom-client call):
// label hashing per query cost more than answering it. The sink reads the counts when it is scraped; DNS
// worker threads post theirs to the main thread in batches (DnsCountBatch is structured-cloneable).

/** Query types with a label of their own; every other type is "other" (the last index). */
export const QUERY_TYPES: readonly string[] = [
  'A',
  'NS',
  'CNAME',
  'SOA',
  'PTR',
  'HINFO',
  'MX',
  'TXT',
  'AAAA',
  'SRV',
  'NAPTR',
  'DS',
  'RRSIG',
  'NSEC',
  'DNSKEY',
  'NSEC3',
  'SVCB',
  'HTTPS',
  'IXFR',
  'AXFR',
  'ANY',
  'other',
];
const TYPE_CODES = [1, 2, 5, 6, 12, 13, 15, 16, 28, 33, 35, 43, 46, 47, 48, 50, 64, 65, 251, 252, 255];
const OTHER = QUERY_TYPES.length - 1;
const TYPE_INDEX = new Map<number, number>(TYPE_CODES.map((code, i) => [code, i]));

const RCODES = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
];

/** The duration histogram's upper bounds (seconds): CoreDNS's exponential buckets, 0.25 ms doubling 16 times. */
export const DURATION_BUCKETS: readonly number[] = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

const PROTOS = ['udp', 'tcp'] as const;
const FAMILIES = ['1', '2'] as const;
const NT = QUERY_TYPES.length;
const NB = DURATION_BUCKETS.length + 1; // + the +Inf bucket

/** Counts since the last drain, as plain arrays (indices: see DnsCounts). */
export interface DnsCountBatch {
  /** [type][proto][family], flattened. */
  requests: number[];
  /** By rcode 0..15. */
  responses: number[];
  /** [type][bucket], flattened; bucket NB-1 is +Inf. */
  buckets: number[];
  /** Sum of durations by type, in seconds. */
  sums: number[];
}

/** One labelled sample of a batch, for the sink. */
export interface RequestSample {
  proto: 'udp' | 'tcp';
  family: '1' | '2';
  type: string;
  n: number;
}

/** The index of a query's type label; `qtype` is the numeric QTYPE, or -1 when unreadable. */
export const typeIndex = (qtype: number): number => TYPE_INDEX.get(qtype) ?? OTHER;

/** The first question's type index ("other" when unknown or the packet is too short to say). */
export function queryTypeIndex(msg: Buffer): number {
  let off = 12;
  while (off < msg.length) {
    const len = msg[off] ?? 0;
    if (len === 0) break;
    if ((len & 0xc0) !== 0) return OTHER; // no compression in a question's first name
    off += len + 1;
  }
  if (off + 3 > msg.length) return OTHER;
  return typeIndex(((msg[off + 1] as number) << 8) | (msg[off + 2] as number));
}

/** The RCODE label of a code (the header's low 4 bits). */
export const rcodeLabel = (code: number): string => RCODES[code] ?? String(code);

function bucketOf(seconds: number): number {
  let b = 0;
  while (b < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[b] as number)) b++;
  return b;
}

// DnsCounts' sections in its one array (one object and a few adjacent cache lines per query, not four arrays).
const REQUESTS = 0;
const RESPONSES = REQUESTS + NT * 4;
const BUCKETS = RESPONSES + 16;
const SUMS = BUCKETS + NT * NB;
const COUNTS_LENGTH = SUMS + NT;

/** The per-query counters one server (or worker) bumps; drained by whoever reports them. */
export class DnsCounts {
  private readonly n = new Float64Array(COUNTS_LENGTH);
  private dirty = false;

  /** A query accepted for an answer. */
  request(type: number, tcp: boolean, ipv6: boolean): void {
    this.n[REQUESTS + type * 4 + (tcp ? 2 : 0) + (ipv6 ? 1 : 0)]! += 1;
    this.dirty = true;
  }

  /** Its reply sent: `reply`'s rcode, and the time since request() in seconds. */
  answered(type: number, reply: Buffer, seconds: number): void {
    const rcode = reply.length < 4 ? 2 : (reply[3] as number) & 0xf; // unreadable → SERVFAIL
    const n = this.n;
    n[RESPONSES + rcode]! += 1;
    n[BUCKETS + type * NB + bucketOf(seconds)]! += 1;
    n[SUMS + type]! += seconds;
  }

  /** Adds another counter's batch (a worker's). */
  merge(batch: DnsCountBatch): void {
    const add = (at: number, size: number, from: number[]): void => {
      for (let i = 0; i < size && i < from.length; i++) this.n[at + i]! += from[i] ?? 0;
    };
    add(REQUESTS, RESPONSES - REQUESTS, batch.requests);
    add(RESPONSES, BUCKETS - RESPONSES, batch.responses);
    add(BUCKETS, SUMS - BUCKETS, batch.buckets);
    add(SUMS, COUNTS_LENGTH - SUMS, batch.sums);
    this.dirty = true;
  }

  /** The counts since the last drain (undefined when nothing happened), and zero again. */
  drain(): DnsCountBatch | undefined {
    if (!this.dirty) return undefined;
    const section = (from: number, to: number): number[] => Array.from(this.n.subarray(from, to));
    const batch: DnsCountBatch = {
      requests: section(REQUESTS, RESPONSES),
      responses: section(RESPONSES, BUCKETS),
      buckets: section(BUCKETS, SUMS),
      sums: section(SUMS, COUNTS_LENGTH),
    };
    this.n.fill(0);
    this.dirty = false;
    return batch;
  }
}

/** The labelled request counts of a batch (non-zero ones). */
export function requestSamples(batch: DnsCountBatch): RequestSample[] {
  const out: RequestSample[] = [];
  batch.requests.forEach((n, i) => {
    if (!n) return;
    const type = QUERY_TYPES[Math.floor(i / 4)] as string;
    out.push({ type, proto: PROTOS[(i >> 1) & 1] as 'udp' | 'tcp', family: FAMILIES[i & 1] as '1' | '2', n });
  });
  return out;
}

/** Where the counts go: the sink reads every attached counter when it reports (a scrape). */
export interface DnsMetrics {
  attach(counts: DnsCounts): void;
}

export const noDnsMetrics: DnsMetrics = { attach: () => undefined };
