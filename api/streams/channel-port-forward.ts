// Port-forward over the WebSocket channel protocol (the kubelet's portforward/websocket.go), what
// @kubernetes/client-node's PortForward speaks: the ports come in `?ports=`; port i has data channel 2i and
// error channel 2i+1; the first message on each channel carries the port (2 bytes, little-endian); after
// that every binary message is [channel, bytes...]. Each port is one TCP connection to the pod's port; the
// WebSocket closes when the last one ends, and closing it ends them all.
import { connect, type Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { errorMessage } from '../../agent/errors';
import type { Logger } from '../../agent/log';
import { CLOSE, frame } from './channel-protocol';
import type { ForwardTarget } from './port-forward';

/** Pauses a connection while this much is queued for the client. */
const HIGH_WATER_BYTES = 4 << 20;

/** The ports of `?ports=8080,9090` (or repeated), or undefined when one is not a port. */
export function channelPorts(query: unknown): number[] | undefined {
  const raw = Array.isArray(query) ? query.join(',') : typeof query === 'string' ? query : '';
  const ports = raw
    .split(',')
    .filter((p) => p.trim() !== '')
    .map(Number);
  return ports.length > 0 && ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)
    ? ports
    : undefined;
}

const portPrefix = (channel: number, port: number): Buffer =>
  frame(channel, Buffer.from([port & 0xff, port >> 8]));

export function serveChannelPortForward(
  ws: WebSocket,
  target: ForwardTarget,
  ports: number[],
  logger: Logger,
): void {
  let open = ports.length;
  // Pods whose socket holds more than its high-water mark: the WebSocket is not read until they drain (one
  // slow port holds the others back, as the kubelet's copy loop does).
  const blocked = new Set<Socket>();
  const sockets: Socket[] = ports.map((port, i) => {
    const data = 2 * i;
    const error = data + 1;
    ws.send(portPrefix(data, port));
    ws.send(portPrefix(error, port));
    const socket = connect({ host: target.host, port });
    socket.on('drain', () => {
      blocked.delete(socket);
      if (blocked.size === 0) ws.resume();
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      ws.send(frame(data, chunk));
      if (ws.bufferedAmount > HIGH_WATER_BYTES) {
        socket.pause();
        const drained = setInterval(() => {
          if (ws.bufferedAmount > HIGH_WATER_BYTES && ws.readyState === ws.OPEN) return;
          clearInterval(drained);
          socket.resume();
        }, 10);
      }
    });
    socket.on('error', (err) => {
      const why = `error forwarding port ${port} to pod ${target.podName}, uid ${target.podUid}: ${errorMessage(err)}`;
      if (ws.readyState === ws.OPEN) ws.send(frame(error, why));
    });
    socket.once('close', () => {
      if (blocked.delete(socket) && blocked.size === 0) ws.resume();
      if (--open === 0) ws.close(1000);
    });
    return socket;
  });
  ws.on('message', (msg: Buffer, isBinary: boolean) => {
    if (!isBinary || msg.length === 0) return;
    const channel = msg[0] ?? -1;
    if (channel === CLOSE) {
      sockets[(msg[1] ?? -1) / 2]?.end(); // v5: the client is done sending on that data channel
      return;
    }
    const socket = channel % 2 === 0 ? sockets[channel / 2] : undefined;
    if (socket && !socket.write(msg.subarray(1))) {
      blocked.add(socket);
      ws.pause();
    }
  });
  ws.once('close', () => {
    for (const s of sockets) s.destroy();
    logger.debug('channel port-forward closed', { ports });
  });
}
