// A WebSocket as a byte stream, for SPDY tunnelled in binary messages (kubectl 1.31+ port-forward): bytes
// written go out as binary messages (a corked batch, such as a frame head and its payload, as one message
// in fragments, not copied), and the messages read are the bytes read. As with a socket, a write is done
// when ws has written it: until then ws holds the caller's buffer (a lent read buffer must not be reused
// sooner). Writes made meanwhile wait in the stream's buffer and go as one batch, so many are in flight.
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Bytes buffered before writes report backpressure. */
const HIGH_WATER = 1 << 20;

export function webSocketDuplex(ws: WebSocket): Duplex {
  /** Sends the parts as one message (fragments: no copy); done once ws has written the last. */
  const send = (parts: Buffer[], done: (err?: Error | null) => void): void => {
    if (ws.readyState !== ws.OPEN) {
      done();
      return;
    }
    parts.forEach((part, i) => {
      const fin = i === parts.length - 1;
      ws.send(part, { binary: true, fin }, fin ? (err) => done(err ?? null) : undefined);
    });
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
