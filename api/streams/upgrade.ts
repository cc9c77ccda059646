// Upgrade requests (WebSocket) go through fastify like any other request: the same onRequest hooks (the
// token, api/auth.ts; the URL checks, api/params.ts), routing, and Status errors before any upgrade. Node
// hands such requests to the server's 'upgrade' event instead of 'request'; this routes them into the app
// with a response bound to the socket, so a refusal is an ordinary HTTP answer. A route that accepts the
// upgrade takes the socket with upgradeOf(). Upgraded sockets are closed with the server.
import { type IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';

export interface Upgrade {
  socket: Duplex;
  head: Buffer;
}

const upgrades = new WeakMap<IncomingMessage, Upgrade>();

/** The socket and first bytes of an upgrade request; undefined for a plain request. */
export const upgradeOf = (req: IncomingMessage): Upgrade | undefined => upgrades.get(req);

export function routeUpgrades(app: FastifyInstance): void {
  const open = new Set<Duplex>();
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // a stream's small frames (the exit status, a keystroke's echo) go out at once, not after an ACK
    if (socket instanceof Socket) socket.setNoDelay(true);
    upgrades.set(req, { socket, head });
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.assignSocket(socket as never);
    // An ordinary answer (a refusal, an error): the connection ends with it.
    res.once('finish', () => socket.end());
    app.routing(req, res);
  });
  app.addHook('onClose', (_app, done) => {
    for (const s of open) s.destroy();
    done();
  });
}

/** A header's comma-separated values (repeated headers joined). */
export const listOf = (h: string | string[] | undefined): string[] =>
  (Array.isArray(h) ? h.join(',') : (h ?? '')).split(',').map((p) => p.trim());

/** Answers a SPDY/3.1 upgrade with 101 and the chosen subprotocol; the socket then speaks SPDY. */
export function acceptSpdy(up: Upgrade, protocol: string): void {
  up.socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
  );
  if (up.head.length) up.socket.unshift(up.head);
}
