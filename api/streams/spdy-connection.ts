// A SPDY/3 server connection over any byte stream (an upgraded socket, or a WebSocket carrying SPDY as
// kubectl 1.31+ tunnels port-forward): the peer opens streams (SYN_STREAM with headers), each is answered
// with a SYN_REPLY and handed over as a Duplex. A frame that makes no sense ends the connection with a
// GOAWAY; it never throws out of here. Closing the connection destroys every stream.
import { Duplex } from 'node:stream';
import { errorMessage } from '../../agent/errors';
import type { Logger } from '../../agent/log';
import {
  FLAG_FIN,
  FrameParser,
  GOAWAY,
  HeaderDeflater,
  HeaderInflater,
  PING,
  RST_CANCEL,
  RST_PROTOCOL_ERROR,
  RST_REFUSED_STREAM,
  RST_STREAM,
  SYN_STREAM,
  dataHead,
  goAwayFrame,
  pingFrame,
  readId,
  readSynStream,
  rstStreamFrame,
  synReplyFrame,
} from './spdy-frames';

/** Data frames sent are cut to this size (spdystream reads any size up to 16 MiB; fewer frames, less work). */
const MAX_DATA = 512 * 1024;
/** What a stream buffers each way before it pushes back (the default 16 KiB costs a round per chunk). */
const STREAM_HIGH_WATER = 256 * 1024;
/** Streams one connection may hold open; more are refused. */
export const MAX_SPDY_STREAMS = 1000;

export class SpdyStream extends Duplex {
  constructor(
    readonly id: number,
    readonly headers: Map<string, string>,
    private readonly conn: SpdyConnection,
  ) {
    super({
      allowHalfOpen: true,
      readableHighWaterMark: STREAM_HIGH_WATER,
      writableHighWaterMark: STREAM_HIGH_WATER,
    });
  }

  override _read(): void {
    this.conn.resumeInput();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.conn.sendData(this.id, chunk, false, done);
  }

  /**
   * Sends a chunk the caller lends (a reused read buffer): `returned` once the transport no longer holds it.
   * It goes out at once, past the stream's write buffer, so it must not be mixed with write(); end() after
   * it keeps the order. Backpressure is the caller's: a lender waits for its chunks to come back.
   */
  sendLent(chunk: Buffer, returned: () => void): void {
    this.conn.sendData(this.id, chunk, false, undefined, returned);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.conn.sendData(this.id, Buffer.alloc(0), true, done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.conn.forget(this.id, !this.writableFinished || !this.readableEnded);
    done(err);
  }
}

export class SpdyConnection {
  private readonly parser = new FrameParser();
  private readonly inflater = new HeaderInflater();
  private readonly deflater = new HeaderDeflater();
  private readonly streams = new Map<number, SpdyStream>();
  /** Frames are handled one after another: a SYN_STREAM's headers inflate before its data is routed. */
  private queue: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private closed = false;

  constructor(
    private readonly io: Duplex,
    private readonly onStream: (stream: SpdyStream) => void,
    private readonly logger: Logger,
    private readonly onClose: () => void = () => undefined,
  ) {
    io.on('data', (chunk: Buffer) => this.input(chunk));
    io.on('error', () => this.close());
    io.on('close', () => this.close());
    io.on('end', () => this.close());
  }

  get streamCount(): number {
    return this.streams.size;
  }

  private input(chunk: Buffer): void {
    let frames;
    try {
      frames = this.parser.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const frame of frames)
      this.queue = this.queue.then(() => this.handle(frame)).catch((err: unknown) => this.fail(err));
  }

  private async handle(frame: ReturnType<FrameParser['push']>[number]): Promise<void> {
    if (this.closed) return;
    if (!frame.control) {
      const stream = this.streams.get(frame.streamId);
      if (!stream) return; // data for a stream already gone: dropped, as spdystream does
      if (frame.data.length && !stream.push(frame.data)) this.io.pause();
      if (frame.flags & FLAG_FIN) stream.push(null);
      return;
    }
    switch (frame.type) {
      case SYN_STREAM: {
        const syn = readSynStream(frame.data);
        const headers = await this.inflater.headers(syn.headerBlock);
        if (syn.streamId <= this.lastStreamId || syn.streamId % 2 === 0) {
          this.send(rstStreamFrame(syn.streamId, RST_PROTOCOL_ERROR));
          return;
        }
        this.lastStreamId = syn.streamId;
        if (this.streams.size >= MAX_SPDY_STREAMS) {
          this.send(rstStreamFrame(syn.streamId, RST_REFUSED_STREAM));
          return;
        }
        const stream = new SpdyStream(syn.streamId, headers, this);
        stream.on('error', () => undefined);
        this.streams.set(syn.streamId, stream);
        this.send(synReplyFrame(syn.streamId, this.deflater.block({})));
        if (frame.flags & FLAG_FIN) stream.push(null);
        this.onStream(stream);
        return;
      }
      case RST_STREAM: {
        const stream = this.streams.get(readId(frame.data));
        this.streams.delete(readId(frame.data));
        stream?.destroy();
        return;
      }
      case PING:
        this.send(pingFrame(readId(frame.data)));
        return;
      case GOAWAY:
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, HEADERS, NOOP: nothing to do (no flow control, as spdystream)
        return;
    }
  }

  private send(frame: Buffer, done?: (err?: Error | null) => void): void {
    if (this.closed || this.io.destroyed) {
      done?.();
      return;
    }
    this.io.write(frame, done ? (err) => done(err ?? null) : undefined);
  }

  /**
   * Called by a stream: its data, cut into frames, each head and payload written apart (a socket gathers
   * them in one writev; the payload is not copied). Done at once while the transport takes more, else at
   * its drain: waiting for each write's flush would allow one chunk in flight and cost a round trip each.
   * `written`, if given, once the transport has written the data (or dropped it): its buffer is free again;
   * a lent chunk has no `done` (its lender waits for `written` instead).
   */
  sendData(
    id: number,
    data: Buffer,
    fin: boolean,
    done: ((err?: Error | null) => void) | undefined,
    written?: () => void,
  ): void {
    if (!this.streams.has(id) || this.closed || this.io.destroyed) {
      done?.();
      written?.();
      return;
    }
    this.io.cork();
    let more = true;
    for (let off = 0; off < data.length || off === 0; off += MAX_DATA) {
      const part = data.subarray(off, off + MAX_DATA);
      const last = off + MAX_DATA >= data.length;
      this.io.write(dataHead(id, part.length, fin && last));
      if (part.length) more = this.io.write(part, last ? written : undefined);
      if (data.length === 0) break;
    }
    if (data.length === 0) written?.();
    process.nextTick(() => this.io.uncork());
    if (!done) return;
    if (more) done();
    else this.whenDrained(done);
  }

  private whenDrained(done: (err?: Error | null) => void): void {
    const go = (): void => {
      this.io.off('drain', go);
      this.io.off('close', go);
      done();
    };
    this.io.on('drain', go);
    this.io.on('close', go);
  }

  /** A stream was destroyed: forget it, and reset it at the peer unless both sides had finished. */
  forget(id: number, reset: boolean): void {
    if (!this.streams.delete(id)) return;
    if (reset) this.send(rstStreamFrame(id, RST_CANCEL));
  }

  resumeInput(): void {
    if (this.io.isPaused()) this.io.resume();
  }

  private fail(err: unknown): void {
    this.logger.debug('SPDY connection failed', { error: errorMessage(err) });
    this.send(goAwayFrame(this.lastStreamId, 1));
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.destroy();
    this.streams.clear();
    this.inflater.close();
    this.onClose();
    // the GOAWAY (if any) goes out with the end; a peer that never closes its side is cut off soon after
    this.io.end();
    setTimeout(() => this.io.destroy(), 1000).unref();
  }
}
