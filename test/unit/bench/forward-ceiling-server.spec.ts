// The ceiling server behind kubectl in the streams bench: each forwarded connection's data stream must carry
// exactly the bytes asked for and then end (a short or endless stream would make the ceiling row a lie or hang
// the bench), and the error stream must end with it, empty, as kubectl expects of a connection that worked.
import { expect } from 'chai';
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';
import { zerosServer } from '../../../bench/forward-ceiling-server';
import type { Logger } from '../../../agent/log';
import { SpdyConnection } from '../../../api/streams/spdy-connection';
import { FLAG_FIN, FrameParser } from '../../../api/streams/spdy-frames';
import { clientDeflater, synStream } from '../../helpers/stream-clients';

const quiet = { debug: () => undefined } as unknown as Logger;

describe('bench forward-ceiling-server: zerosServer', () => {
  it('sends exactly the bytes asked for on the data stream, all zeros, then FIN on both streams', async () => {
    const size = 3 * 64 * 1024 + 123; // not a multiple of the server's chunk
    const server = createServer((s) => new SpdyConnection(s, zerosServer(size), quiet));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client: Socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      const deflate = clientDeflater();
      const headers = { port: '9000', requestid: '0' };
      client.write(synStream(1, await deflate({ ...headers, streamtype: 'error' }), true));
      client.write(synStream(3, await deflate({ ...headers, streamtype: 'data' }), true));
      const parser = new FrameParser();
      const got = { data: 0, nonZero: 0, fins: new Set<number>(), errorBytes: 0 };
      await new Promise<void>((resolve, reject) => {
        client.on('error', reject);
        client.on('data', (chunk: Buffer) => {
          for (const f of parser.push(chunk)) {
            if (f.control) continue;
            if (f.streamId === 3) {
              got.data += f.data.length;
              got.nonZero += f.data.filter((b) => b !== 0).length;
            } else got.errorBytes += f.data.length;
            if (f.flags & FLAG_FIN) got.fins.add(f.streamId);
          }
          if (got.fins.size === 2) resolve();
        });
      });
      expect(got).to.deep.equal({ data: size, nonZero: 0, fins: new Set([1, 3]), errorBytes: 0 });
    } finally {
      client.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
