// A WebSocket as a byte stream, for SPDY tunnelled in binary messages (kubectl 1.31+ port-forward): bytes
// written go out as binary messages (a corked batch, such as a frame head and its payload, as one message
// in fragments, not copied), and the messages read are the bytes read. Unlike ws's createWebSocketStream,
// a write is done once ws has queued it, unless the socket is backed up: several chunks are in flight, not
// one per round trip.
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Bytes ws may hold unsent before writes wait for the socket. */
const HIGH_WATER = 1 << 20;

export function webSocketDuplex(ws: WebSocket): Duplex {
  /** Sends the parts as one message (fragments: no copy); done at once unless ws is backed up. */
  const send = (parts: Buffer[], done: (err?: Error | null) => void): void => {
    if (ws.readyState !== ws.OPEN) {
      done();
      return;
    }
    let waiting = false;
    parts.forEach((part, i) => {
      const fin = i === parts.length - 1;
      ws.send(part, { binary: true, fin }, (err) => {
        if (fin && waiting) done(err ?? null);
      });
    });
    if (ws.bufferedAmount >= HIGH_WATER) waiting = true;
    else done();
  };
  const io = new Duplex({
    allowHalfOpen: false,
    readableHighWaterMark: HIGH_WATER,
    writableHighWaterMark: HIGH_WATER,
    read: () => ws.resume(),
    write: (chunk: Buffer, _enc, done) => send([chunk], done),
    writev: (chunks, done) =>
      send(
        chunks.map((c) => c.chunk as Buffer),
        done,
      ),
    final: (done) => {
      ws.close(1000);
      done();
    },
    destroy: (err, done) => {
      ws.terminate();
      done(err);
    },
  });
  ws.on('message', (data: Buffer) => {
    if (!io.push(data)) ws.pause();
  });
  ws.once('close', () => {
    io.push(null);
    io.destroy();
  });
  ws.on('error', (err) => io.destroy(err));
  return io;
}
