// SPDY/3 framing (api/streams/spdy-frames.ts) and port-forward over it, against a small SPDY client written
// in test/helpers/stream-clients.ts (zlib with the spec dictionary, as Go's spdystream compresses): frames cut anywhere, header blocks
// across frames, malformed input, a closed port on one connection while another keeps working.
import { expect } from 'chai';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { constants, inflateSync } from 'node:zlib';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import {
  FrameParser,
  HEADER_DICTIONARY,
  HeaderDeflater,
  HeaderInflater,
  SYN_REPLY,
  SpdyProtocolError,
  dataFrame,
  encodeHeaderPairs,
} from '../../../api/streams/spdy-frames';
import { Harness } from '../../helpers/harness';
import { clientDeflater, synStream } from '../../helpers/stream-clients';

describe('api/streams/spdy-frames', () => {
  it('builds the 1423-byte SPDY/3 dictionary', () => {
    expect(HEADER_DICTIONARY.length).to.equal(1423);
    expect(HEADER_DICTIONARY.subarray(0, 11).toString('latin1')).to.equal('\0\0\0\u0007options');
    expect(HEADER_DICTIONARY.subarray(-6).toString()).to.equal('enq=0.');
  });

  it('cuts frames however the bytes arrive, and refuses a huge one', () => {
    const bytes = Buffer.concat([dataFrame(1, Buffer.from('abc')), dataFrame(3, Buffer.alloc(0), true)]);
    const parser = new FrameParser();
    const frames = [...bytes].flatMap((b) => parser.push(Buffer.from([b])));
    expect(frames).to.deep.equal([
      { control: false, streamId: 1, flags: 0, data: Buffer.from('abc') },
      { control: false, streamId: 3, flags: 1, data: Buffer.alloc(0) },
    ]);
    const huge = Buffer.from([0, 0, 0, 1, 0, 0xff, 0xff, 0xff]);
    expect(() => new FrameParser().push(huge)).to.throw(SpdyProtocolError, /too large/);
  });

  it('gives the same frames for any cutting of the stream into chunks (seeded cuts, frames of 0 to 70 KiB)', () => {
    let seed = 7;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const sent = Array.from({ length: 60 }, (_, i) =>
      dataFrame(2 * i + 1, Buffer.alloc(rand(4) === 0 ? 0 : rand(70 * 1024), i), i % 5 === 0),
    );
    const bytes = Buffer.concat(sent);
    for (let round = 0; round < 20; round++) {
      const parser = new FrameParser();
      const got: Buffer[] = [];
      for (let off = 0; off < bytes.length;) {
        const n = 1 + rand(round < 10 ? 16 : 128 * 1024);
        for (const f of parser.push(bytes.subarray(off, off + n)))
          got.push(dataFrame(f.control ? -1 : f.streamId, f.data, (f.flags & 1) === 1));
        off += n;
      }
      expect(got.length, `round ${round}`).to.equal(sent.length);
      expect(Buffer.concat(got).equals(bytes), `round ${round}`).to.equal(true);
    }
  });

  it('reads header blocks compressed across frames with the dictionary', async () => {
    const deflate = clientDeflater();
    const inflater = new HeaderInflater();
    expect([...(await inflater.headers(await deflate({ streamType: 'data', port: '80' })))]).to.deep.equal([
      ['streamtype', 'data'],
      ['port', '80'],
    ]);
    expect([
      ...(await inflater.headers(await deflate({ streamtype: 'error', requestid: '0' }))),
    ]).to.deep.equal([
      ['streamtype', 'error'],
      ['requestid', '0'],
    ]);
    inflater.close();
  });

  it('fails, without throwing out, on a corrupt or truncated header block', async () => {
    const inflater = new HeaderInflater();
    let err: unknown;
    await inflater.headers(Buffer.from('garbage-not-zlib')).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(SpdyProtocolError);
    inflater.close();
  });

  it('writes header blocks any inflater reads as one continuing stream', () => {
    const d = new HeaderDeflater();
    const blocks = Buffer.concat([d.block({}), d.block({ a: 'b' })]);
    expect(inflateSync(blocks, { finishFlush: constants.Z_SYNC_FLUSH })).to.deep.equal(
      Buffer.concat([encodeHeaderPairs({}), encodeHeaderPairs({ a: 'b' })]),
    );
  });
});

describe('port-forward over SPDY/3.1 (memory runtime, a hostNetwork pod: its ports are on 127.0.0.1)', function () {
  this.timeout(20_000);
  let h: Harness;
  let echo: Server;
  let echoPort: number;
  let api: number;

  before(async () => {
    echo = createServer((s) => s.pipe(s)).listen(0, '127.0.0.1');
    await new Promise((r) => echo.once('listening', r));
    echoPort = (echo.address() as AddressInfo).port;
    const clock = new ManualClock();
    h = await new Harness({
      runtime: new MemoryRuntime(clock),
      clock,
      flags: ['--allow-privileged'],
    }).start();
    await h.api.listen({ host: '127.0.0.1', port: 0 });
    api = (h.api.server.address() as AddressInfo).port;
    await h.createPod({
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox' }] },
    });
    await h.waitFor('p running', () => h.pod('p')?.status.phase === 'Running');
  });
  after(async () => {
    await h.stop();
    echo.close();
  });

  /** An upgraded SPDY connection: frames received so far, and a closed flag. */
  const open = async (): Promise<{
    socket: Socket;
    frames: ReturnType<FrameParser['push']>;
    closed: () => boolean;
  }> => {
    const socket = connect(api, '127.0.0.1');
    socket.write(
      'POST /api/v1/namespaces/default/pods/p/portforward HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n' +
        'Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\nContent-Length: 0\r\n\r\n',
    );
    const parser = new FrameParser();
    const frames: ReturnType<FrameParser['push']> = [];
    let head = '';
    let closed = false;
    await new Promise<void>((done) => {
      socket.on('data', (d: Buffer) => {
        if (!head.includes('\r\n\r\n')) {
          head += d.toString('latin1');
          const at = head.indexOf('\r\n\r\n');
          if (at < 0) return;
          expect(head).to.match(/^HTTP\/1\.1 101 /);
          done();
          frames.push(...parser.push(Buffer.from(head.slice(at + 4), 'latin1')));
          return;
        }
        frames.push(...parser.push(d));
      });
    });
    socket.on('close', () => (closed = true));
    return { socket, frames, closed: () => closed };
  };
  const dataOn = (frames: ReturnType<FrameParser['push']>, id: number): string =>
    frames
      .filter((f) => !f.control && f.streamId === id)
      .map((f) => f.data.toString())
      .join('');

  it('joins data streams to the port; a closed port errors on its own stream only', async () => {
    const c = await open();
    const deflate = clientDeflater();
    const pair = async (first: number, port: number, request: string): Promise<void> => {
      c.socket.write(
        synStream(first, await deflate({ streamtype: 'error', port: String(port), requestid: request })),
      );
      c.socket.write(
        synStream(first + 2, await deflate({ streamtype: 'data', port: String(port), requestid: request })),
      );
    };
    await pair(1, echoPort, '0');
    await pair(5, 1, '1'); // nothing listens on port 1
    await h.waitFor('replies', () => c.frames.filter((f) => f.control && f.type === SYN_REPLY).length === 4);
    c.socket.write(dataFrame(3, Buffer.from('ping')));
    await h.waitFor('the echo', () => dataOn(c.frames, 3) === 'ping');
    await h.waitFor('the error', () => dataOn(c.frames, 5).includes('error forwarding port 1 to pod p'));
    c.socket.write(dataFrame(3, Buffer.from('-again')));
    await h.waitFor('the echo again', () => dataOn(c.frames, 3) === 'ping-again');
    c.socket.destroy();
  });

  it('ends the connection on malformed frames, and keeps serving others', async () => {
    const bad = [
      Buffer.from([0x80, 3, 0, 1, 0, 0, 0, 2, 0, 0]), // SYN_STREAM too short
      synStream(1, Buffer.from('not zlib at all')),
      Buffer.from([0, 0, 0, 1, 0, 0xff, 0xff, 0xff]), // a data frame of 16 MiB
    ];
    for (const frame of bad) {
      const c = await open();
      c.socket.write(frame);
      await h.waitFor('the connection to end', () => c.closed());
    }
    const c = await open();
    const deflate = clientDeflater();
    c.socket.write(
      synStream(1, await deflate({ streamtype: 'error', port: String(echoPort), requestid: '0' })),
    );
    c.socket.write(
      synStream(3, await deflate({ streamtype: 'data', port: String(echoPort), requestid: '0' })),
    );
    c.socket.write(Buffer.from([0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1])); // PING 1: echoed back
    c.socket.write(dataFrame(3, Buffer.from('still')));
    await h.waitFor('the echo', () => dataOn(c.frames, 3) === 'still');
    expect(c.frames.some((f) => f.control && f.type === 6)).to.equal(true);
    c.socket.destroy();
  });
});
