// DNS wire format, by hand: the query header/question/EDNS parse that runs on every packet, and a response
// encoder with name compression (dns-packet does not compress, and a 512-byte UDP answer then holds about a third
// of the records). Pure functions over Buffers.
import type { Rr } from './records';

export const FLAG_QR = 0x8000;
export const FLAG_AA = 0x0400;
export const FLAG_TC = 0x0200;
export const FLAG_RD = 0x0100;
export const FLAG_RA = 0x0080;
export const FLAG_CD = 0x0010;

/** The UDP payload size this server advertises in its OPT record (DNS flag day 2020 value). */
export const EDNS_PAYLOAD_SIZE = 1232;
export const OPT_RR_LENGTH = 11;
export const MAX_UDP_PLAIN = 512;
export const MAX_MESSAGE = 65535;

const TYPE_OPT = 41;
const TYPE_CODES = { A: 1, PTR: 12, TXT: 16, SRV: 33, SOA: 6 } as const;

/** What the hot path learns from a query. One instance is reused per server to avoid allocating per packet. */
export interface ParsedQuery {
  /** Offset just past the question name. */
  nameEnd: number;
  /** Offset just past QTYPE and QCLASS. */
  questionEnd: number;
  qtype: number;
  qclass: number;
  edns: boolean;
  ednsSize: number;
  ednsVersion: number;
  ednsDo: boolean;
}

/** drop: not worth an answer (no readable header, or a response); formerr/notimp: answer with that rcode. */
export type ParseStatus = 'ok' | 'drop' | 'formerr' | 'notimp';

export function newParsedQuery(): ParsedQuery {
  return {
    nameEnd: 0,
    questionEnd: 0,
    qtype: 0,
    qclass: 0,
    edns: false,
    ednsSize: 0,
    ednsVersion: 0,
    ednsDo: false,
  };
}

// Hot-path reads without Buffer's checking wrappers (they cost more than the parse); callers check bounds first.
const u8 = (b: Buffer, i: number): number => b[i] as number;
const u16 = (b: Buffer, i: number): number => ((b[i] as number) << 8) | (b[i + 1] as number);

// Returns the offset after an RR owner name in the additional section (pointers allowed), or -1.
function skipName(msg: Buffer, start: number): number {
  let p = start;
  for (let hops = 0; hops < 128; hops++) {
    if (p >= msg.length) return -1;
    const len = u8(msg, p);
    if (len === 0) return p + 1;
    if ((len & 0xc0) === 0xc0) return p + 2 <= msg.length ? p + 2 : -1;
    if (len & 0xc0) return -1;
    p += len + 1;
  }
  return -1;
}

function parseAdditional(msg: Buffer, start: number, count: number, out: ParsedQuery): boolean {
  let p = start;
  for (let i = 0; i < count; i++) {
    const nameStart = p;
    p = skipName(msg, p);
    if (p < 0 || p + 10 > msg.length) return false;
    const type = u16(msg, p);
    const rdlen = u16(msg, p + 8);
    if (p + 10 + rdlen > msg.length) return false;
    if (type === TYPE_OPT) {
      // Exactly one OPT, owned by the root (RFC 6891 6.1.1).
      if (out.edns || p !== nameStart + 1) return false;
      out.edns = true;
      out.ednsSize = u16(msg, p + 2);
      out.ednsVersion = u8(msg, p + 5);
      out.ednsDo = (u8(msg, p + 6) & 0x80) !== 0;
    }
    p += 10 + rdlen;
  }
  return true;
}

/**
 * Checks a query the way miekg/dns (CoreDNS's server) does: short or QR=1 → drop; opcode ≠ QUERY → NOTIMP;
 * QDCOUNT ≠ 1, answers/authorities present, more than 2 additionals or a body that does not parse → FORMERR.
 */
export function parseQuery(msg: Buffer, out: ParsedQuery): ParseStatus {
  if (msg.length < 12) return 'drop';
  const flags = u16(msg, 2);
  if (flags & FLAG_QR) return 'drop';
  if ((flags >> 11) & 0xf) return 'notimp';
  if (u16(msg, 4) !== 1 || u16(msg, 6) !== 0 || u16(msg, 8) !== 0) return 'formerr';
  const arcount = u16(msg, 10);
  if (arcount > 2) return 'formerr';
  let p = 12;
  let total = 0;
  for (;;) {
    if (p >= msg.length) return 'formerr';
    const len = u8(msg, p);
    if (len === 0) break;
    // No compression pointers in a question (nothing precedes it to point at) and labels ≤ 63 octets.
    if (len & 0xc0) return 'formerr';
    total += len + 1;
    if (total > 254) return 'formerr';
    p += len + 1;
  }
  out.nameEnd = p + 1;
  out.questionEnd = p + 5;
  if (out.questionEnd > msg.length) return 'formerr';
  out.qtype = u16(msg, p + 1);
  out.qclass = u16(msg, p + 3);
  out.edns = false;
  out.ednsSize = 0;
  out.ednsVersion = 0;
  out.ednsDo = false;
  return parseAdditional(msg, out.questionEnd, arcount, out) ? 'ok' : 'formerr';
}

// One label as lowercase text; dots, backslashes and unprintable octets escaped (`\.`, `\\`, `\DDD`).
function labelText(msg: Buffer, start: number, len: number): string {
  let label = '';
  for (let i = start; i < start + len; i++) {
    const c = msg.readUInt8(i);
    if (c >= 0x41 && c <= 0x5a) label += String.fromCharCode(c + 0x20);
    else if (c === 0x2e || c === 0x5c) label += `\\${String.fromCharCode(c)}`;
    else if (c < 0x21 || c > 0x7e) label += `\\${String(c).padStart(3, '0')}`;
    else label += String.fromCharCode(c);
  }
  return label;
}

// The escaped label texts of a wire name starting at `start` and their offsets; stops at the root label.
function wireLabels(msg: Buffer, start: number): { texts: string[]; offsets: number[] } {
  const texts: string[] = [];
  const offsets: number[] = [];
  let p = start;
  while (p < msg.length && msg.readUInt8(p) !== 0) {
    const len = msg.readUInt8(p);
    offsets.push(p);
    texts.push(labelText(msg, p + 1, len));
    p += len + 1;
  }
  return { texts, offsets };
}

/** The question name as a lowercase dotted string (escaped as labelText does); '' for the root. */
export function questionName(msg: Buffer): string {
  return wireLabels(msg, 12).texts.join('.');
}

// Splits a dotted name at unescaped dots, keeping each label's escapes.
function splitEscaped(name: string): string[] {
  if (name === '') return [];
  const labels: string[] = [];
  let cur = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i] ?? '';
    if (ch === '\\') {
      cur += ch + (name[i + 1] ?? '');
      i++;
    } else if (ch === '.') {
      labels.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  labels.push(cur);
  return labels;
}

// One escaped label text back to its octets.
function labelBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c && /^\d{3}$/.test(text.slice(i + 1, i + 4))) {
      bytes.push(Number(text.slice(i + 1, i + 4)) & 0xff);
      i += 3;
    } else if (ch === 0x5c && i + 1 < text.length) {
      bytes.push(text.charCodeAt(++i) & 0xff);
    } else {
      bytes.push(ch & 0xff);
    }
  }
  return Buffer.from(bytes.slice(0, 63));
}

// Big enough for a 65535-byte message plus the one record that crosses the limit before it is rolled back.
const scratch = Buffer.allocUnsafe(MAX_MESSAGE + 4096);

class Writer {
  off = 0;
  private readonly dict = new Map<string, number>();
  private readonly added: string[] = [];

  constructor(private readonly buf: Buffer) {}

  u8(v: number): void {
    this.off = this.buf.writeUInt8(v, this.off);
  }
  u16(v: number): void {
    this.off = this.buf.writeUInt16BE(v, this.off);
  }
  u32(v: number): void {
    this.off = this.buf.writeUInt32BE(v >>> 0, this.off);
  }
  bytes(b: Buffer): void {
    this.off += b.copy(this.buf, this.off);
  }

  private remember(suffix: string, at: number): void {
    if (at < 0x4000 && !this.dict.has(suffix)) {
      this.dict.set(suffix, at);
      this.added.push(suffix);
    }
  }

  /** Copies the question and registers its name so answers can point at it, keeping the asker's case. */
  question(q: Buffer): void {
    const { texts, offsets } = wireLabels(q, 0);
    for (let i = 0; i < texts.length; i++) this.remember(texts.slice(i).join('.'), 12 + (offsets[i] ?? 0));
    this.bytes(q);
  }

  name(name: string, compress: boolean): void {
    const texts = splitEscaped(name.toLowerCase());
    for (let i = 0; i < texts.length; i++) {
      const suffix = texts.slice(i).join('.');
      const at = this.dict.get(suffix);
      if (compress && at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      this.remember(suffix, this.off);
      const label = labelBytes(texts[i] ?? '');
      this.u8(label.length);
      this.bytes(label);
    }
    this.u8(0);
  }

  mark(): { off: number; added: number } {
    return { off: this.off, added: this.added.length };
  }

  rollback(m: { off: number; added: number }): void {
    this.off = m.off;
    for (const suffix of this.added.splice(m.added)) this.dict.delete(suffix);
  }
}

function writeRdata(w: Writer, rr: Rr): void {
  switch (rr.type) {
    case 'A':
      for (const part of rr.data.split('.')) w.u8(Number(part) & 0xff);
      return;
    case 'PTR':
      w.name(rr.data, true);
      return;
    case 'SRV':
      w.u16(rr.data.priority);
      w.u16(rr.data.weight);
      w.u16(rr.data.port);
      // RFC 2782: the SRV target is never compressed.
      w.name(rr.data.target, false);
      return;
    case 'TXT':
      for (const s of rr.data) {
        const b = Buffer.from(s, 'utf8').subarray(0, 255);
        w.u8(b.length);
        w.bytes(b);
      }
      return;
    case 'SOA':
      w.name(rr.data.mname, true);
      w.name(rr.data.rname, true);
      w.u32(rr.data.serial);
      w.u32(rr.data.refresh);
      w.u32(rr.data.retry);
      w.u32(rr.data.expire);
      w.u32(rr.data.minimum);
      return;
  }
}

function writeRr(w: Writer, rr: Rr): void {
  w.name(rr.name, true);
  w.u16(TYPE_CODES[rr.type]);
  w.u16(1);
  w.u32(rr.ttl);
  const lenAt = w.off;
  w.u16(0);
  writeRdata(w, rr);
  scratch.writeUInt16BE(w.off - lenAt - 2, lenAt);
}

export interface ResponseSpec {
  /** The query's question bytes: name, QTYPE, QCLASS. */
  question: Buffer;
  rcode: number;
  aa: boolean;
  ra: boolean;
  answers: readonly Rr[];
  authorities: readonly Rr[];
  additionals: readonly Rr[];
}

/**
 * Encodes a response with ID 0 and RD/CD clear (instantiate() patches them per query). Records that would push
 * the message past `limit` are left out; TC is set when an answer or authority record had to go.
 */
export function encodeResponse(spec: ResponseSpec, limit: number): Buffer {
  const w = new Writer(scratch);
  w.off = 12;
  w.question(spec.question);
  const counts = [0, 0, 0];
  let truncated = false;
  const sections = [spec.answers, spec.authorities, spec.additionals];
  outer: for (let s = 0; s < sections.length; s++) {
    for (const rr of sections[s] ?? []) {
      const m = w.mark();
      writeRr(w, rr);
      if (w.off > limit) {
        w.rollback(m);
        truncated = s < 2;
        break outer;
      }
      counts[s] = (counts[s] ?? 0) + 1;
    }
  }
  const flags =
    FLAG_QR |
    (spec.aa ? FLAG_AA : 0) |
    (spec.ra ? FLAG_RA : 0) |
    (truncated ? FLAG_TC : 0) |
    (spec.rcode & 0xf);
  scratch.writeUInt16BE(0, 0);
  scratch.writeUInt16BE(flags, 2);
  scratch.writeUInt16BE(1, 4);
  scratch.writeUInt16BE(counts[0] ?? 0, 6);
  scratch.writeUInt16BE(counts[1] ?? 0, 8);
  scratch.writeUInt16BE(counts[2] ?? 0, 10);
  return Buffer.from(scratch.subarray(0, w.off));
}

function writeOpt(out: Buffer, at: number, dnssecOk: boolean, extRcode: number): void {
  out.writeUInt8(0, at);
  out.writeUInt16BE(TYPE_OPT, at + 1);
  out.writeUInt16BE(EDNS_PAYLOAD_SIZE, at + 3);
  out.writeUInt8(extRcode, at + 5);
  out.writeUInt8(0, at + 6);
  out.writeUInt16BE(dnssecOk ? 0x8000 : 0, at + 7);
  out.writeUInt16BE(0, at + 9);
}

/** The largest reply this query may receive over UDP: 512 without EDNS, else the advertised size (≥ 512). */
export function udpLimit(q: ParsedQuery): number {
  return q.edns ? Math.min(Math.max(q.ednsSize, MAX_UDP_PLAIN), MAX_MESSAGE) : MAX_UDP_PLAIN;
}

/**
 * A cached response made into the reply to `msg`: its ID, RD and CD, its question bytes (so the asker's 0x20
 * case survives) and an OPT record when the query had one.
 */
export function instantiate(template: Buffer, msg: Buffer, q: ParsedQuery): Buffer {
  const optLen = q.edns ? OPT_RR_LENGTH : 0;
  const out = Buffer.allocUnsafe(template.length + optLen);
  out.set(template, 0);
  // Byte loops: Buffer#copy's argument checks cost more than copying an ID and a ~40-byte question.
  out[0] = u8(msg, 0);
  out[1] = u8(msg, 1);
  for (let i = 12; i < q.questionEnd; i++) out[i] = u8(msg, i);
  out[2] = u8(template, 2) | (u8(msg, 2) & 0x01);
  out[3] = u8(template, 3) | (u8(msg, 3) & 0x10);
  if (optLen) {
    writeOpt(out, template.length, q.ednsDo, 0);
    out.writeUInt16BE(u16(template, 10) + 1, 10);
  }
  return out;
}

/** A reply with only the header (FORMERR, NOTIMP): ID, opcode and RD echoed, every section empty. */
export function headerReply(msg: Buffer, rcode: number): Buffer {
  const out = Buffer.alloc(12);
  msg.copy(out, 0, 0, 2);
  out.writeUInt8(0x80 | (msg.readUInt8(2) & 0x79), 2);
  out.writeUInt8(rcode & 0xf, 3);
  return out;
}

/** A reply with the question and no records (REFUSED, SERVFAIL, BADVERS, NODATA without authority). */
export function questionReply(
  msg: Buffer,
  q: ParsedQuery,
  rcode: number,
  opts: { ra: boolean; extRcode?: number },
): Buffer {
  const optLen = q.edns ? OPT_RR_LENGTH : 0;
  const out = Buffer.alloc(q.questionEnd + optLen);
  msg.copy(out, 0, 0, q.questionEnd);
  const flags =
    FLAG_QR | (msg.readUInt16BE(2) & (FLAG_RD | FLAG_CD)) | (opts.ra ? FLAG_RA : 0) | (rcode & 0xf);
  out.writeUInt16BE(flags, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(0, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(optLen ? 1 : 0, 10);
  if (optLen) writeOpt(out, q.questionEnd, q.ednsDo, opts.extRcode ?? 0);
  return out;
}
