// Port-forward reads the pod's bytes into reused buffers (api/streams/lent-reads.ts): a buffer must never be
// read into again while a transport still holds it, or the client gets later bytes in place of earlier ones.
// So: the pool pauses the socket when every buffer is lent and resumes it when one comes back, and a forwarded
// connection read slowly (the transport backed up, many chunks queued) is byte-exact over SPDY on the socket
// and over SPDY tunnelled in a WebSocket, where the buffer comes back only once ws has written it.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { Logger } from '../../../agent/log';
import { type LentChunk, lentReads } from '../../../api/streams/lent-reads';
import { portForwarder } from '../../../api/streams/port-forward';
import { SpdyConnection } from '../../../api/streams/spdy-connection';
import { FLAG_FIN, FrameParser } from '../../../api/streams/spdy-frames';
import { webSocketDuplex } from '../../../api/streams/ws-duplex';
import { clientDeflater, synStream } from '../../helpers/stream-clients';

const quiet = { debug: () => undefined } as unknown as Logger;

/** Bytes that differ from chunk to chunk (a counter), so a reused buffer sent twice shows. */
function pattern(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) b.writeUInt32LE(i, i);
  return b;
}
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}
const until = async (what: string, cond: () => boolean, ms = 5000): Promise<void> => {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
};

describe('api/streams/lent-reads', () => {
  const body = pattern(24 << 20); // more than loopback's socket buffers hold: the transport backs up
  let source: Server;
  let sourcePort: number;
  before(async () => {
    source = createServer((s) => s.end(body));
    sourcePort = await listen(source);
  });
  after(() => source.close());

  /** Reads the source with lent reads: at most 4 lent, growing to `readBytes`. */
  const readSource = (consume: LentChunk, readBytes: number): Socket => {
    const socket: Socket = connect({
      host: '127.0.0.1',
      port: sourcePort,
      onread: lentReads(() => socket, consume, 4, readBytes),
    });
    return socket;
  };

  it('pauses when every buffer is lent, resumes when one comes back, and reuses at most maxLent + 1', async () => {
    const held: { chunk: Buffer; copy: Buffer; giveBack: () => void }[] = [];
    let overwritten = 0;
    const giveBack = (h: (typeof held)[number] | undefined): void => {
      if (h && !h.chunk.equals(h.copy)) overwritten++; // read into while lent
      h?.giveBack();
    };
    const seen = new Set<ArrayBufferLike>();
    const copies: Buffer[] = [];
    let ended = false;
    const socket = readSource((chunk, lentBack) => {
      seen.add(chunk.buffer);
      const copy = Buffer.from(chunk);
      copies.push(copy);
      held.push({ chunk, copy, giveBack: lentBack });
    }, 16 * 1024);
    socket.on('end', () => (ended = true));
    await until('4 chunks lent', () => held.length === 4);
    await new Promise((r) => setTimeout(r, 100));
    expect(held.length, 'no read while all 4 are lent').to.equal(4);
    for (const end = Date.now() + 5000; !ended && Date.now() < end;) {
      const first = held.shift();
      giveBack(first);
      first?.giveBack(); // a second give-back of the same chunk must not count twice
      await new Promise((r) => setImmediate(r));
      giveBack(held.shift());
      await new Promise((r) => setImmediate(r));
      if (held.length === 0) await new Promise((r) => setTimeout(r, 1));
    }
    socket.destroy();
    expect(ended, 'read to its end').to.equal(true);
    expect(overwritten, 'chunks read into while lent').to.equal(0);
    expect(sha(Buffer.concat(copies))).to.equal(sha(body));
    expect(seen.size).to.be.at.most(5);
  });

  it('reads 64 KiB at a time until a read fills its buffer, then the larger size', async () => {
    const sizes: number[] = [];
    const socket = readSource((chunk, giveBack) => {
      sizes.push(chunk.buffer.byteLength);
      giveBack();
    }, 256 * 1024);
    await new Promise((r) => socket.once('end', r));
    socket.destroy();
    expect(sizes[0]).to.equal(64 * 1024);
    expect(new Set(sizes)).to.deep.equal(new Set([64 * 1024, 256 * 1024]));
  });

  /** A client's end of a SPDY connection: a socket, or a WebSocket carrying SPDY. */
  interface Client {
    send(bytes: Buffer): void;
    onData(f: (bytes: Buffer) => void): void;
    pause(): void;
    resume(): void;
    close(): void;
  }
  const forwarder = (): ReturnType<typeof portForwarder> =>
    portForwarder({ host: '127.0.0.1', podName: 'p', podUid: 'u' }, quiet);

  /** Forwards one connection to the source and reads it slowly: the client must get the source's bytes. */
  async function expectSlowReadExact(c: Client): Promise<void> {
    const deflate = clientDeflater();
    const headers = { port: String(sourcePort), requestid: '0' };
    c.send(synStream(1, await deflate({ ...headers, streamtype: 'error' }), true));
    c.send(synStream(3, await deflate({ ...headers, streamtype: 'data' }), true));
    const parser = new FrameParser();
    const got: Buffer[] = [];
    let frames = 0;
    await new Promise<void>((resolve) =>
      c.onData((bytes) => {
        for (const f of parser.push(bytes)) {
          if (f.control || f.streamId !== 3) continue;
          got.push(Buffer.from(f.data));
          if (++frames % 64 === 1) {
            c.pause(); // the client lags: the server's transport backs up
            setTimeout(() => c.resume(), 100);
          }
          if (f.flags & FLAG_FIN) resolve();
        }
      }),
    );
    c.close();
    const all = Buffer.concat(got);
    expect(all.length).to.equal(body.length);
    expect(sha(all)).to.equal(sha(body));
  }

  it('a forwarded connection read slowly is byte-exact over SPDY on the socket', async () => {
    const server = createServer((s) => new SpdyConnection(s, forwarder(), quiet));
    const port = await listen(server);
    try {
      const s = connect(port, '127.0.0.1');
      await expectSlowReadExact({
        send: (b) => s.write(b),
        onData: (f) => s.on('data', f),
        pause: () => s.pause(),
        resume: () => s.resume(),
        close: () => s.destroy(),
      });
    } finally {
      server.close();
    }
  });

  it('a forwarded connection read slowly is byte-exact over SPDY tunnelled in a WebSocket', async () => {
    const http = createHttpServer();
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    wss.on('connection', (ws) => new SpdyConnection(webSocketDuplex(ws), forwarder(), quiet));
    const port = await new Promise<number>((r) =>
      http.listen(0, '127.0.0.1', () => r((http.address() as AddressInfo).port)),
    );
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      await expectSlowReadExact({
        send: (b) => ws.send(b),
        onData: (f) => ws.on('message', (d: Buffer) => f(d)),
        pause: () => ws.pause(),
        resume: () => ws.resume(),
        close: () => ws.terminate(),
      });
    } finally {
      wss.close();
      http.close();
    }
  });
});
