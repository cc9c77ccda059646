// SPDY/3 framing (the SPDY/3 draft, the protocol spdystream speaks for kubectl's port-forward and its
// pre-WebSocket exec): frame parsing and encoding, and the header blocks (zlib with the spec's dictionary).
// Only what a server for kubectl needs: no flow control (spdystream neither sends nor honours
// WINDOW_UPDATE), no server push. No npm package fits: spdy-transport (2018, last release) pulls in
// readable-stream 3, hpack.js and friends for HTTP/2 features never used here.
import { constants, createInflate, type Inflate } from 'node:zlib';

export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const PING = 6;
export const GOAWAY = 7;
export const HEADERS = 8;
export const WINDOW_UPDATE = 9;
export const FLAG_FIN = 0x01;

/** RST_STREAM status codes used here. */
export const RST_PROTOCOL_ERROR = 1;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;

/** The largest frame accepted: more is a protocol error (spdystream's data frames are 32 KiB). */
export const MAX_FRAME_BYTES = 1 << 20;

export type Frame =
  | { control: false; streamId: number; flags: number; data: Buffer }
  | { control: true; version: number; type: number; flags: number; data: Buffer };

export class SpdyProtocolError extends Error {}

/**
 * Cuts a byte stream into frames, however it arrives. Frames whole inside a chunk are views of it; only a
 * frame cut across chunks is copied, once, when its last byte comes (not the whole chunk each time: at
 * upload rates that was a copy and a new Buffer per read).
 */
export class FrameParser {
  /** The start of a frame cut across chunks, and its total size once its head is in (0 before). */
  private parts: Buffer[] = [];
  private partBytes = 0;
  private partTotal = 0;

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let rest = chunk;
    while (this.partBytes > 0 && rest.length > 0) {
      const want = (this.partTotal || 8) - this.partBytes;
      const take = rest.subarray(0, want);
      rest = rest.subarray(take.length);
      this.parts.push(take);
      this.partBytes += take.length;
      if (this.partBytes < (this.partTotal || 8)) break;
      const gathered = Buffer.concat(this.parts, this.partBytes);
      if (!this.partTotal) {
        this.partTotal = frameSize(gathered);
        this.parts = [gathered];
        if (this.partTotal > 8) continue;
      }
      frames.push(readFrame(gathered));
      this.parts = [];
      this.partBytes = this.partTotal = 0;
    }
    while (rest.length >= 8) {
      const size = frameSize(rest);
      if (rest.length < size) break;
      frames.push(readFrame(rest.subarray(0, size)));
      rest = rest.subarray(size);
    }
    if (rest.length > 0 && this.partBytes === 0) {
      this.parts = [rest];
      this.partBytes = rest.length;
      this.partTotal = rest.length >= 8 ? frameSize(rest) : 0;
    }
    return frames;
  }
}

/** A frame's size, head included, from its first 8 bytes; a protocol error past MAX_FRAME_BYTES. */
function frameSize(head: Buffer): number {
  const length = head.readUInt32BE(4) & 0xffffff;
  if (length > MAX_FRAME_BYTES) throw new SpdyProtocolError(`frame of ${length} bytes is too large`);
  return 8 + length;
}

/** One whole frame: its data a view of `bytes`. */
function readFrame(bytes: Buffer): Frame {
  const first = bytes.readUInt32BE(0);
  const flags = bytes[4] ?? 0;
  const data = bytes.subarray(8);
  if (first & 0x80000000)
    return { control: true, version: (first >>> 16) & 0x7fff, type: first & 0xffff, flags, data };
  return { control: false, streamId: first & 0x7fffffff, flags, data };
}

function control(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE((0x8000 | 3) * 0x10000 + type, 0);
  head.writeUInt32BE((((flags & 0xff) << 24) >>> 0) | body.length, 4);
  return Buffer.concat([head, body]);
}

const u32 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
};

/** A data frame's 8-byte head: written before the payload, which is not copied. */
export function dataHead(streamId: number, length: number, fin = false): Buffer {
  const head = Buffer.allocUnsafe(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE((((fin ? FLAG_FIN : 0) << 24) >>> 0) | length, 4);
  return head;
}

export function dataFrame(streamId: number, data: Buffer, fin = false): Buffer {
  return Buffer.concat([dataHead(streamId, data.length, fin), data]);
}

export const rstStreamFrame = (streamId: number, status: number): Buffer =>
  control(RST_STREAM, 0, u32(streamId & 0x7fffffff, status));
export const pingFrame = (id: number): Buffer => control(PING, 0, u32(id));
export const goAwayFrame = (lastGoodStreamId: number, status = 0): Buffer =>
  control(GOAWAY, 0, u32(lastGoodStreamId, status));
export const synReplyFrame = (streamId: number, headerBlock: Buffer, fin = false): Buffer =>
  control(SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId & 0x7fffffff), headerBlock]));

/** The ids and header block of a SYN_STREAM. */
export function readSynStream(data: Buffer): { streamId: number; associated: number; headerBlock: Buffer } {
  if (data.length < 10) throw new SpdyProtocolError('short SYN_STREAM');
  return {
    streamId: data.readUInt32BE(0) & 0x7fffffff,
    associated: data.readUInt32BE(4) & 0x7fffffff,
    headerBlock: data.subarray(10),
  };
}

/** The stream id first in RST_STREAM, WINDOW_UPDATE, HEADERS and SYN_REPLY; PING's id. */
export function readId(data: Buffer): number {
  if (data.length < 4) throw new SpdyProtocolError('short control frame');
  return data.readUInt32BE(0) & 0x7fffffff;
}

/** SPDY/3's header compression dictionary (draft 3, section 2.6.10.1): length-prefixed words, then text. */
const DICTIONARY_WORDS = (
  'options head post put delete trace accept accept-charset accept-encoding accept-language ' +
  'accept-ranges age allow authorization cache-control connection content-base content-encoding ' +
  'content-language content-length content-location content-md5 content-range content-type date etag ' +
  'expect expires from host if-match if-modified-since if-none-match if-range if-unmodified-since ' +
  'last-modified location max-forwards pragma proxy-authenticate proxy-authorization range referer ' +
  'retry-after server te trailer transfer-encoding upgrade user-agent vary via warning ' +
  'www-authenticate method get status 200_OK version HTTP/1.1 url public set-cookie keep-alive origin'
)
  .split(' ')
  .map((w) => w.replace('_', ' '));
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
export const HEADER_DICTIONARY = Buffer.concat([
  ...DICTIONARY_WORDS.map((w) => Buffer.concat([u32(w.length), Buffer.from(w, 'latin1')])),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
]);

/** A header block's name/value pairs: count, then length-prefixed names and values (values may hold NULs). */
export function parseHeaderPairs(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  let off = 0;
  const take = (): Buffer => {
    if (off + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    const n = block.readUInt32BE(off);
    off += 4;
    if (off + n > block.length) throw new SpdyProtocolError('truncated header block');
    const v = block.subarray(off, off + n);
    off += n;
    return v;
  };
  if (block.length < 4) throw new SpdyProtocolError('truncated header block');
  const count = block.readUInt32BE(0);
  off = 4;
  if (count > 1000) throw new SpdyProtocolError('too many headers');
  for (let i = 0; i < count; i++) {
    const name = take().toString('latin1').toLowerCase();
    headers.set(name, take().toString('latin1'));
  }
  return headers;
}

export function encodeHeaderPairs(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [u32(Object.keys(headers).length)];
  for (const [k, v] of Object.entries(headers)) {
    const name = Buffer.from(k.toLowerCase(), 'latin1');
    const value = Buffer.from(v, 'latin1');
    parts.push(u32(name.length), name, u32(value.length), value);
  }
  return Buffer.concat(parts);
}

/**
 * The receiving side's header decompressor: one zlib stream (with the dictionary) across all the peer's
 * header blocks, each ended by a sync flush. Blocks must be given in order (the caller serialises).
 */
export class HeaderInflater {
  private readonly inflate: Inflate = createInflate({ dictionary: HEADER_DICTIONARY });
  private failed: Error | undefined;

  constructor() {
    this.inflate.on('error', (err) => (this.failed = err));
  }

  private check(): void {
    if (this.failed) throw new SpdyProtocolError(`header block: ${this.failed.message}`);
  }

  async headers(block: Buffer): Promise<Map<string, string>> {
    this.check();
    await new Promise<void>((resolve) => {
      // a corrupt block fails the stream, and then the flush never completes
      const failed = (): void => resolve();
      this.inflate.once('error', failed);
      this.inflate.write(block);
      this.inflate.flush(constants.Z_SYNC_FLUSH, () => {
        this.inflate.off('error', failed);
        resolve();
      });
    });
    this.check();
    const parts: Buffer[] = [];
    for (let c = this.inflate.read() as Buffer | null; c; c = this.inflate.read() as Buffer | null)
      parts.push(c);
    return parseHeaderPairs(Buffer.concat(parts));
  }

  close(): void {
    this.inflate.destroy();
  }
}

/**
 * The sending side's header compressor, without compressing: zlib stored blocks continue one stream that
 * any inflater reads (no dictionary needed), and there is no state to keep but whether the zlib header went.
 */
const SYNC_FLUSH_MARK = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

export class HeaderDeflater {
  private started = false;

  block(headers: Record<string, string>): Buffer {
    const raw = encodeHeaderPairs(headers);
    const stored = Buffer.alloc(5);
    stored[0] = 0; // BFINAL 0, BTYPE 00 (stored), padded to the byte
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    const head = this.started ? Buffer.alloc(0) : Buffer.from([0x78, 0x01]);
    this.started = true;
    // ended as a sync flush does, by an empty stored block: an inflater hands the block's bytes over
    // without reading ahead into the next frame (Go's does read ahead otherwise, and fails)
    return Buffer.concat([head, stored, raw, SYNC_FLUSH_MARK]);
  }
}
