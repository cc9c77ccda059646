// A reply-cache hit is sent from the cache's own buffer (no allocation per hit): safe only while no send
// that holds it is queued in the socket, so a queued send leaves that buffer to the socket.
import { expect } from 'chai';
import type * as dgram from 'node:dgram';
import { query, rcodeOf, startServer, udpAsk } from './fixtures';

const NAME = 'web.default.svc.cluster.local';

describe('dns/server: replies from the reply cache', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  /** The server's UDP socket, with the buffers it sends recorded and its send queue count set by the test. */
  async function observed(): Promise<{ port: number; sent: Buffer[]; queued: { count: number } }> {
    const { server, port } = await startServer(cleanup);
    const socket = (server as unknown as { udpSockets: dgram.Socket[] }).udpSockets[0]!;
    const sent: Buffer[] = [];
    const queued = { count: 0 };
    const send = socket.send.bind(socket) as (buf: Buffer, port: number, address: string) => void;
    (socket as unknown as { send: typeof send }).send = (buf, p, address) => {
      sent.push(buf);
      send(buf, p, address);
    };
    socket.getSendQueueCount = () => queued.count;
    return { port, sent, queued };
  }

  it('sends every hit with its own ID, from one buffer while the socket queues nothing', async () => {
    const { port, sent } = await observed();
    for (let id = 1; id <= 5; id++) {
      const reply = await udpAsk(port, query(NAME, 'A', { id }));
      expect(reply.readUInt16BE(0)).to.equal(id);
    }
    // The first is the miss that filled the cache; the hits after it share the entry's buffer.
    expect(new Set(sent.slice(1)).size).to.equal(1);
  });

  it('never writes into a buffer that a queued send may still hold', async () => {
    const { port, sent, queued } = await observed();
    await udpAsk(port, query(NAME, 'A', { id: 1 }));
    queued.count = 1;
    for (let id = 2; id <= 5; id++) await udpAsk(port, query(NAME, 'A', { id }));
    const hits = sent.slice(1);
    expect(new Set(hits).size).to.equal(hits.length);
    expect(hits.map((b) => b.readUInt16BE(0))).to.deep.equal([2, 3, 4, 5]);
  });

  it('answers a first query from any source when there is no policy (even an empty address)', async () => {
    const { server } = await startServer(cleanup);
    const sent: Buffer[] = [];
    const route = { send: (buf: Buffer) => sent.push(buf), held: () => false };
    const handle = (server as unknown as { handle: (...args: unknown[]) => void }).handle.bind(server);
    handle(query(NAME, 'A', { id: 7 }), '', 'tcp', route, undefined);
    expect(sent.map((b) => [b.readUInt16BE(0), rcodeOf(b)])).to.deep.equal([[7, 0]]); // not REFUSED
  });
});
