// Relays queries for names outside the cluster to the upstream resolvers over UDP. Each attempt gets a fresh
// random ID (so answers cannot be matched by guessing the client's) and the upstream's answer goes back with the
// client's ID. Upstreams are tried in order within one overall timeout.
import { randomInt } from 'node:crypto';
import * as dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Clock } from '../agent/clock';
import type { Logger } from '../agent/log';

export interface Upstream {
  host: string;
  port: number;
}

export interface ForwarderOptions {
  upstreams: readonly Upstream[];
  /** Total time for one query over all upstreams; then the caller answers SERVFAIL. */
  timeoutMs: number;
  clock: Clock;
  logger: Logger;
  /** Queries in flight at once; beyond it new ones fail at once (CoreDNS forward: max_concurrent). */
  maxPending?: number;
}

/** Called once per forwarded query: the reply with the client's ID, or undefined when no upstream answered. */
export type ForwardDone = (reply: Buffer | undefined) => void;

interface Pending {
  query: Buffer;
  /** Length of the question section, compared on the way back. */
  questionLen: number;
  clientId: number;
  upstream: Upstream;
  cancelTimer: () => void;
  done: ForwardDone;
}

const DEFAULT_MAX_PENDING = 1000;

// Compares two question sections case-insensitively (ASCII), from offset 12 for `len` bytes.
function sameQuestion(a: Buffer, b: Buffer, len: number): boolean {
  if (a.length < 12 + len || b.length < 12 + len) return false;
  for (let i = 12; i < 12 + len; i++) {
    let x = a.readUInt8(i);
    let y = b.readUInt8(i);
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}

export class Forwarder {
  private readonly pending = new Map<number, Pending>();
  private readonly sockets = new Map<'udp4' | 'udp6', dgram.Socket>();
  private readonly maxPending: number;
  private closed = false;

  constructor(private readonly opts: ForwarderOptions) {
    this.maxPending = opts.maxPending ?? DEFAULT_MAX_PENDING;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Forwards `query` (a valid query whose question ends at `questionEnd`). Never throws. */
  forward(query: Buffer, questionEnd: number, done: ForwardDone): void {
    if (this.closed || this.opts.upstreams.length === 0 || this.pending.size >= this.maxPending) {
      done(undefined);
      return;
    }
    const copy = Buffer.from(query);
    this.attempt(copy, copy.readUInt16BE(0), questionEnd - 12, 0, done);
  }

  private attempt(
    query: Buffer,
    clientId: number,
    questionLen: number,
    attempt: number,
    done: ForwardDone,
  ): void {
    const upstream = this.opts.upstreams[attempt];
    if (!upstream || this.closed) {
      done(undefined);
      return;
    }
    const id = this.freeId();
    query.writeUInt16BE(id, 0);
    const perAttempt = Math.max(1, Math.floor(this.opts.timeoutMs / this.opts.upstreams.length));
    const next = (): void => {
      if (this.pending.get(id) !== p) return;
      this.pending.delete(id);
      p.cancelTimer();
      this.attempt(query, clientId, questionLen, attempt + 1, done);
    };
    const p: Pending = {
      query,
      questionLen,
      clientId,
      upstream,
      done,
      cancelTimer: this.opts.clock.setTimer(next, perAttempt),
    };
    this.pending.set(id, p);
    this.socketFor(upstream).send(query, upstream.port, upstream.host, (err) => {
      if (!err) return;
      this.opts.logger.debug('dns upstream send failed', { upstream: upstream.host, error: err.message });
      next();
    });
  }

  private freeId(): number {
    for (;;) {
      const id = randomInt(0, 0x10000);
      if (!this.pending.has(id)) return id;
    }
  }

  private socketFor(upstream: Upstream): dgram.Socket {
    const type = isIPv6(upstream.host) ? 'udp6' : 'udp4';
    let socket = this.sockets.get(type);
    if (!socket) {
      socket = dgram.createSocket(type);
      socket.on('message', (msg, rinfo) => this.onReply(msg, rinfo));
      socket.on('error', (err) => this.opts.logger.warn('dns upstream socket error', { error: err.message }));
      this.sockets.set(type, socket);
    }
    return socket;
  }

  private onReply(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (msg.length < 12) return;
    const p = this.pending.get(msg.readUInt16BE(0));
    if (!p) return;
    // Only the upstream we asked, answering the question we asked.
    // (IPv6 text forms vary, so for IPv6 the port, the random ID and the question have to do.)
    if (rinfo.port !== p.upstream.port || (rinfo.family === 'IPv4' && rinfo.address !== p.upstream.host))
      return;
    if (!sameQuestion(msg, p.query, p.questionLen)) return;
    this.pending.delete(msg.readUInt16BE(0));
    p.cancelTimer();
    const reply = Buffer.from(msg);
    reply.writeUInt16BE(p.clientId, 0);
    p.done(reply);
  }

  /** Fails every query in flight and closes the sockets. */
  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) {
      p.cancelTimer();
      p.done(undefined);
    }
    this.pending.clear();
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}
