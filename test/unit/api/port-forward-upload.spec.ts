// Bytes a client sends through port-forward go to the pod's socket. Over the WebSocket channel protocol
// (client-node), each message is written to that socket: a pod that reads slowly must push back on the
// WebSocket, not grow the daemon's memory. (Over SPDY the data stream is piped into the socket: a pipe
// pushes back by itself.)
import { expect } from 'chai';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { Logger } from '../../../agent/log';
import { serveChannelPortForward } from '../../../api/streams/channel-port-forward';

const quiet = { debug: () => undefined } as unknown as Logger;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** A pod port that counts what it reads, and reads nothing until resume(). */
function slowPod(): { server: Server; received: () => number; resume: () => void } {
  let received = 0;
  let conn: Socket | undefined;
  const server = createServer((s) => {
    conn = s;
    s.pause();
    s.on('data', (c: Buffer) => (received += c.length));
  });
  return { server, received: () => received, resume: () => conn?.resume() };
}

describe('api/streams: port-forward uploads', () => {
  it('over the WebSocket channel protocol, a pod that does not read pushes back on the WebSocket', async () => {
    const pod = slowPod();
    const podPort = await listen(pod.server);
    const http = createHttpServer();
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    let serverWs: WebSocket | undefined;
    wss.on('connection', (ws) => {
      serverWs = ws;
      serveChannelPortForward(ws, { host: '127.0.0.1', podName: 'p', podUid: 'u' }, [podPort], quiet);
    });
    const port = await listen(http);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    try {
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      const size = 256 * 1024;
      const message = Buffer.concat([Buffer.from([0]), Buffer.alloc(size, 1)]);
      // Up to 64 MiB, as fast as the client's socket takes it: with push-back the server stops reading, the
      // client's own buffer grows, and the loop stops offering.
      let sent = 0;
      for (; sent < 256 && ws.bufferedAmount < 16 << 20; sent++) {
        ws.send(message);
        await new Promise((r) => setImmediate(r));
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(serverWs?.isPaused, `server WebSocket paused after ${sent} messages`).to.equal(true);
      pod.resume();
      for (const end = Date.now() + 10_000; pod.received() < sent * size && Date.now() < end;)
        await new Promise((r) => setTimeout(r, 10));
      expect(pod.received(), 'every byte reached the pod once it read').to.equal(sent * size);
      expect(serverWs?.isPaused, 'reading again').to.equal(false);
    } finally {
      ws.terminate();
      wss.close();
      http.close();
      pod.server.close();
    }
  });
});
