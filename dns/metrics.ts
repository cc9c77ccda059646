// What the DNS server tells the metrics (CoreDNS's names: daemon/metrics/ makes the series), and the label
// values read from the packets, bounded as CoreDNS bounds them: known query types, else "other".

/** Ends a request with the reply sent. */
export type Answered = (reply: Buffer) => void;

export interface DnsMetrics {
  /** A query accepted for an answer; proto udp|tcp, family 1 (IPv4) or 2 (IPv6). */
  request(msg: Buffer, proto: 'udp' | 'tcp', family: '1' | '2'): Answered;
}

export const noDnsMetrics: DnsMetrics = { request: () => () => undefined };

const TYPES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  13: 'HINFO',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  35: 'NAPTR',
  43: 'DS',
  46: 'RRSIG',
  47: 'NSEC',
  48: 'DNSKEY',
  50: 'NSEC3',
  64: 'SVCB',
  65: 'HTTPS',
  251: 'IXFR',
  252: 'AXFR',
  255: 'ANY',
};

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

/** The first question's type, or "other" (unknown, or a packet too short to say). */
export function queryType(msg: Buffer): string {
  let off = 12;
  while (off < msg.length) {
    const len = msg[off] ?? 0;
    if (len === 0) break;
    if ((len & 0xc0) !== 0) return 'other'; // no compression in a question's first name
    off += len + 1;
  }
  if (off + 3 > msg.length) return 'other';
  return TYPES[msg.readUInt16BE(off + 1)] ?? 'other';
}

/** The reply's RCODE by name (the header's low 4 bits). */
export function rcodeName(reply: Buffer): string {
  if (reply.length < 4) return 'SERVFAIL';
  const code = (reply[3] ?? 0) & 0xf;
  return RCODES[code] ?? String(code);
}
