// The DNS server's sockets: UDP and TCP on the same port (clients retry over TCP after TC), any number of listen
// addresses, forwarding for names outside the cluster. Every packet is handled inside a try/catch: no query,
// however malformed, may throw out of a socket handler and take the agent down.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { systemClock, type Clock } from '../agent/clock';
import { MiniKubeletError, errorMessage } from '../agent/errors';
import type { Logger } from '../agent/log';
import type { DnsCatalog, MissingNameListener } from './catalog';
import { Forwarder, type Upstream } from './forwarder';
import { normalizeName } from './names';
import { RateLimiter } from './rate-limit';
import { DnsCounts, type DnsMetrics, noDnsMetrics, queryTypeIndex, typeIndex } from './metrics';
import { Responder, type Reply, type Transport } from './responder';
import { RCODE } from './resolve';
import { SampledTimer } from './sampled-timer';
import { headerReply, questionReply } from './wire';

export interface DnsServerOptions {
  catalog: DnsCatalog;
  logger: Logger;
  clock?: Clock;
  /** Cluster domain, e.g. `cluster.local`. */
  zone: string;
  /** Where names outside the zone go (see upstreamsFromResolvConf); empty → such queries are REFUSED. */
  upstreams: readonly Upstream[];
  /** Total time for a forwarded query before SERVFAIL. Keep it under 2.5 s: busybox nslookup resends then. */
  forwardTimeoutMs: number;
  /** Told about each query from a pod for a Service-shaped name that does not exist. */
  onMissingName?: MissingNameListener;
  /** Whether a source address may use forwarding (default: everyone); otherwise REFUSED. */
  allowForward?: (sourceIp: string) => boolean;
  /**
   * Whether a source address may ask at all (default: everyone). Others get nothing over UDP (a reply to
   * a spoofed address would reflect traffic at it) and REFUSED over TCP. A function of the address alone:
   * the server keeps its answer for the last source (so does `rateLimit.exempt`).
   */
  allowQuery?: (sourceIp: string) => boolean;
  /** Queries a second one source may send (token bucket, burst of one second); beyond, they are dropped. */
  rateLimit?: { qpsPerSource: number; exempt?: (sourceIp: string) => boolean };
  /** A TCP connection with no query for this long is closed (default 10 s). */
  tcpIdleTimeoutMs?: number;
  /** Forwarded queries in flight at once (default 1000). */
  maxPendingForwards?: number;
  /** Requests, responses by rcode and their durations (CoreDNS's metrics); default: none. */
  metrics?: DnsMetrics;
}

/** Which sockets listen() opens (default: UDP and TCP, no reusePort). */
export interface ListenOptions {
  udp?: boolean;
  tcp?: boolean;
  /** SO_REUSEPORT on the UDP socket (Node >= 22.12): other sockets of this process may bind the same address. */
  reusePort?: boolean;
}

export interface ListenResult {
  udpPort: number;
  tcpPort: number;
}

type Send = (buf: Buffer) => void;
// Where a reply goes: one per UDP socket (the peer is the query's rinfo) and one per TCP connection, so the
// hot path makes no closure per query.
interface Route {
  send(buf: Buffer, rinfo: dgram.RemoteInfo | undefined): void;
  /**
   * Whether the buffer just given to send() may still be held. A UDP send is done by the time send() returns
   * (the lookup is synchronous and the kernel copied the datagram) unless the socket queued it, which its
   * send queue count says. TCP frames are copies.
   */
  held(): boolean;
}

const RECV_BUFFER_BYTES = 4 * 1024 * 1024;
const DEFAULT_TCP_IDLE_MS = 10_000;
const MAX_TCP_BACKLOG_BYTES = 1024 * 1024;
const PORT_RETRIES = 20;
const ERROR_LOG_INTERVAL_MS = 10_000;
/** One reply-cache hit in this many reads the clock for the duration histogram. */
const HIT_TIMING_INTERVAL = 16;
// What the server knows of a source address (SourceMemo.flags).
const ALLOWED = 1;
const EXEMPT = 2;
const IPV6 = 4;

// `::ffff:10.0.0.5` (an IPv4 client on a dual-stack socket) is the pod 10.0.0.5.
const plainIp = (address: string): string => (address.startsWith('::ffff:') ? address.slice(7) : address);

// A reply's address is the literal a query came from, of the socket's own family: nothing to look up.
const literalAddress =
  (family: 4 | 6) =>
  (
    address: string,
    _options: unknown,
    callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
  ): void =>
    callback(null, address, family);

const isUpstream = (u: Upstream): boolean =>
  typeof u?.host === 'string' && net.isIP(u.host.replace(/%.*$/, '')) !== 0 && u.port > 0 && u.port < 65536;

function validate(opts: DnsServerOptions): void {
  const problems: string[] = [];
  if (!opts || typeof opts !== 'object')
    throw new MiniKubeletError('Invalid', 'DnsServer: options are required');
  if (!opts.catalog) problems.push('catalog is required');
  if (!opts.logger) problems.push('logger is required');
  if (
    typeof opts.zone !== 'string' ||
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(normalizeName(opts.zone))
  ) {
    problems.push(`zone "${String(opts.zone)}" is not a domain name`);
  }
  const upstreams: unknown = opts.upstreams;
  if (!Array.isArray(upstreams)) problems.push('upstreams must be an array');
  else if (!(upstreams as readonly Upstream[]).every(isUpstream))
    problems.push('every upstream needs an IP host and a port');
  if (!(opts.forwardTimeoutMs > 0)) problems.push('forwardTimeoutMs must be a positive number');
  if (problems.length) throw new MiniKubeletError('Invalid', `DnsServer: ${problems.join('; ')}`);
}

export class DnsServer {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly responder: Responder;
  private readonly forwarder: Forwarder;
  private readonly allowForward: (sourceIp: string) => boolean;
  private readonly allowQuery: ((sourceIp: string) => boolean) | undefined;
  private readonly limiter: RateLimiter | undefined;
  private readonly counts = new DnsCounts();
  private readonly hitTimer = new SampledTimer(HIT_TIMING_INTERVAL);
  private readonly exempt: (sourceIp: string) => boolean;
  // The last source's policy answers and family: a client sends many queries in a row, and asking the
  // policy functions twice a packet cost more than the cache hit (issue 18).
  private lastSource: string | undefined;
  private lastFlags = 0;
  // The last reply-cache hit's QTYPE and its metrics index.
  private lastQtype = -1;
  private lastType = 0;
  /** Packets dropped or refused by source (allowQuery) and by rate (rateLimit), since start. */
  readonly refused = { source: 0, rate: 0 };
  private readonly tcpIdleMs: number;
  private readonly recursionAvailable: boolean;
  private readonly udpSockets: dgram.Socket[] = [];
  private readonly tcpServers: net.Server[] = [];
  private readonly connections = new Set<net.Socket>();
  private closed = false;
  private lastErrorLog = -Infinity;
  private suppressedErrors = 0;

  constructor(opts: DnsServerOptions) {
    validate(opts);
    this.logger = opts.logger.child({ component: 'dns' });
    this.clock = opts.clock ?? systemClock;
    this.allowForward = opts.allowForward ?? (() => true);
    this.allowQuery = opts.allowQuery;
    (opts.metrics ?? noDnsMetrics).attach(this.counts);
    const qps = opts.rateLimit?.qpsPerSource ?? 0;
    this.limiter = qps > 0 ? new RateLimiter({ ratePerSecond: qps, clock: this.clock }) : undefined;
    this.exempt = opts.rateLimit?.exempt ?? (() => false);
    this.tcpIdleMs = opts.tcpIdleTimeoutMs ?? DEFAULT_TCP_IDLE_MS;
    this.recursionAvailable = opts.upstreams.length > 0;
    const listener = opts.onMissingName;
    this.responder = new Responder({
      catalog: opts.catalog,
      zone: opts.zone,
      clock: this.clock,
      recursionAvailable: this.recursionAvailable,
      ...(listener && {
        // The agent's listener must not be able to fail the query.
        onMissingName: (pod, qname) => {
          try {
            listener(pod, qname);
          } catch (err) {
            this.reportError(err);
          }
        },
      }),
    });
    this.forwarder = new Forwarder({
      upstreams: opts.upstreams,
      timeoutMs: opts.forwardTimeoutMs,
      clock: this.clock,
      logger: this.logger,
      ...(opts.maxPendingForwards !== undefined && { maxPending: opts.maxPendingForwards }),
    });
  }

  /**
   * Serves UDP and TCP on `host:port`. Port 0 picks a free port, the same for both. May be called again for
   * more addresses.
   */
  async listen(host: string, port: number, o: ListenOptions = {}): Promise<ListenResult> {
    if (o.udp === false) {
      if (this.closed) throw new MiniKubeletError('Invalid', 'DnsServer: listen after close');
      const tcp = await this.listenTcp(host, port);
      this.tcpServers.push(tcp);
      const actual = (tcp.address() as net.AddressInfo).port;
      this.logger.info('dns listening', { host, port: actual, udp: false });
      return { udpPort: actual, tcpPort: actual };
    }
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new MiniKubeletError('Invalid', 'DnsServer: listen after close');
      const udp = await this.bindUdp(host, port, o.reusePort === true);
      const actual = udp.address().port;
      try {
        const tcp = o.tcp === false ? undefined : await this.listenTcp(host, actual);
        const route: Route = {
          send: (buf, rinfo) => this.sendUdp(udp, buf, rinfo as dgram.RemoteInfo),
          held: () => !this.closed && udp.getSendQueueCount() > 0,
        };
        udp.on('message', (msg, rinfo) => this.handle(msg, plainIp(rinfo.address), 'udp', route, rinfo));
        this.udpSockets.push(udp);
        if (tcp) this.tcpServers.push(tcp);
        this.logger.info('dns listening', { host, port: actual, ...(tcp ? {} : { tcp: false }) });
        return { udpPort: actual, tcpPort: actual };
      } catch (err) {
        udp.close();
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        // Another process holds TCP on the port UDP got: with port 0, try another one.
        if (port !== 0 || !inUse || attempt >= PORT_RETRIES) throw err;
      }
    }
  }

  /** Answers in the cache now (bounded: see Responder). */
  get cacheEntries(): number {
    return this.responder.cacheEntries;
  }

  /** Where it listens now (host and port, UDP and TCP alike), in the order listen() was called. */
  addresses(): { host: string; port: number }[] {
    const udp = this.udpSockets.map((s) => ({ host: s.address().address, port: s.address().port }));
    if (udp.length) return udp;
    // TCP only (the UDP sockets are in worker threads).
    return this.tcpServers.map((s) => {
      const a = s.address() as net.AddressInfo;
      return { host: a.address, port: a.port };
    });
  }

  /** Stops every listener, closes open TCP connections and fails forwarded queries in flight. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.forwarder.close();
    for (const c of this.connections) c.destroy();
    const waits: Promise<void>[] = [];
    for (const s of this.udpSockets) waits.push(new Promise((resolve) => s.close(() => resolve())));
    for (const s of this.tcpServers) waits.push(new Promise((resolve) => s.close(() => resolve())));
    this.udpSockets.length = 0;
    this.tcpServers.length = 0;
    await Promise.all(waits);
  }

  private bindUdp(host: string, port: number, reusePort: boolean): Promise<dgram.Socket> {
    // Replies go to the literal address a query came from: the default lookup (dns.lookup, then a nextTick per
    // send) costs ~8 % of the throughput for nothing (BENCHMARKS.md, DNS).
    const family = net.isIPv6(host) ? 6 : 4;
    const socket = dgram.createSocket({
      type: `udp${family}`,
      lookup: literalAddress(family),
      ...(reusePort && { reusePort: true }),
    });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        socket.close();
        reject(err);
      };
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        socket.on('error', (err) => this.reportError(err, 'dns socket error'));
        try {
          // A burst (dnsperf's first 800 queries) overflows the default ~200 KiB buffer.
          socket.setRecvBufferSize(RECV_BUFFER_BYTES);
        } catch (err) {
          this.logger.debug('dns receive buffer not raised', { error: errorMessage(err) });
        }
        resolve(socket);
      });
    });
  }

  private listenTcp(host: string, port: number): Promise<net.Server> {
    const server = net.createServer((socket) => this.onConnection(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.reportError(err, 'dns socket error'));
        resolve(server);
      });
    });
  }

  // No callback: a UDP reply that cannot be sent is lost like any datagram, and the client retries.
  private sendUdp(socket: dgram.Socket, buf: Buffer, rinfo: dgram.RemoteInfo): void {
    if (!this.closed) socket.send(buf, rinfo.port, rinfo.address);
  }

  // DNS over TCP: each message has a 2-byte length prefix; a client may send several on one connection.
  private onConnection(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(this.tcpIdleMs, () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    const source = plainIp(socket.remoteAddress ?? '');
    const route: Route = {
      send: (buf) => {
        if (socket.destroyed || !socket.writable) return;
        // A client that sends without reading would grow our write buffer without bound.
        if (socket.writableLength > MAX_TCP_BACKLOG_BYTES) {
          socket.destroy();
          return;
        }
        const frame = Buffer.allocUnsafe(buf.length + 2);
        frame.writeUInt16BE(buf.length, 0);
        buf.copy(frame, 2);
        socket.write(frame);
      },
      held: () => false,
    };
    let rest: Buffer | undefined;
    socket.on('data', (chunk: Buffer) => {
      const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
      let off = 0;
      while (buf.length - off >= 2) {
        const len = buf.readUInt16BE(off);
        if (buf.length - off - 2 < len) break;
        this.handle(buf.subarray(off + 2, off + 2 + len), source, 'tcp', route, undefined);
        off += 2 + len;
      }
      rest = off < buf.length ? Buffer.from(buf.subarray(off)) : undefined;
    });
  }

  private handle(
    msg: Buffer,
    sourceIp: string,
    transport: Transport,
    route: Route,
    rinfo: dgram.RemoteInfo | undefined,
  ): void {
    let type = -1; // counted as a request from when it is set
    let start = 0;
    try {
      if (sourceIp !== this.lastSource) this.classify(sourceIp);
      const flags = this.lastFlags;
      if ((flags & ALLOWED) === 0) {
        this.refused.source++;
        if (transport === 'tcp' && msg.length >= 12 && (msg[2]! & 0x80) === 0)
          route.send(headerReply(msg, RCODE.REFUSED), rinfo);
        return;
      }
      if (this.limiter && (flags & EXEMPT) === 0 && !this.limiter.allow(sourceIp)) {
        this.refused.rate++;
        return;
      }
      // Counted from here (CoreDNS's requests and responses): refused sources and rate-limited drops are not.
      if (transport === 'udp' && this.replayed(msg, (flags & IPV6) !== 0, route, rinfo)) return;
      type = queryTypeIndex(msg);
      start = performance.now();
      this.counts.request(type, transport === 'tcp', (flags & IPV6) !== 0);
      const reply =
        transport === 'udp'
          ? this.responder.respondUncached(msg, sourceIp)
          : this.responder.respond(msg, sourceIp, transport);
      if (reply.kind === 'reply') this.reply(reply.buf, type, start, route, rinfo);
      else if (reply.kind === 'forward')
        this.forward(msg, sourceIp, reply, (buf) => this.reply(buf, type, start, route, rinfo));
    } catch (err) {
      this.reportError(err);
      try {
        // The header was readable and it was a query: say SERVFAIL rather than leave the client waiting.
        if (msg.length >= 12 && (msg[2]! & 0x80) === 0) {
          const buf = headerReply(msg, RCODE.SERVFAIL);
          if (type >= 0) this.reply(buf, type, start, route, rinfo);
          else route.send(buf, rinfo);
        }
      } catch (err2) {
        this.reportError(err2);
      }
    }
  }

  // A reply-cache hit, counted like any answer: its type comes from the cache (no parse), and its duration
  // from a sampled timer (most hits read no clock; see SampledTimer). The reply is the cache's own buffer: sent
  // as it is, and left to the socket if the send was queued. False on a miss.
  private replayed(msg: Buffer, ipv6: boolean, route: Route, rinfo: dgram.RemoteInfo | undefined): boolean {
    const started = this.hitTimer.start();
    const buf = this.responder.replay(msg);
    if (buf === undefined) return false;
    const qtype = this.responder.replayedQtype;
    if (qtype !== this.lastQtype) {
      this.lastQtype = qtype;
      this.lastType = typeIndex(qtype);
    }
    const type = this.lastType;
    this.counts.request(type, false, ipv6);
    this.counts.answered(type, buf, this.hitTimer.seconds(started));
    route.send(buf, rinfo);
    if (route.held()) this.responder.replayHeld();
    return true;
  }

  private classify(sourceIp: string): void {
    let flags = sourceIp.includes(':') ? IPV6 : 0;
    if (!this.allowQuery || this.allowQuery(sourceIp)) flags |= ALLOWED;
    if (this.exempt(sourceIp)) flags |= EXEMPT;
    this.lastSource = sourceIp;
    this.lastFlags = flags;
  }

  private reply(
    buf: Buffer,
    type: number,
    start: number,
    route: Route,
    rinfo: dgram.RemoteInfo | undefined,
  ): void {
    this.counts.answered(type, buf, (performance.now() - start) / 1000);
    route.send(buf, rinfo);
  }

  private forward(
    msg: Buffer,
    sourceIp: string,
    reply: Extract<Reply, { kind: 'forward' }>,
    send: Send,
  ): void {
    const ra = this.recursionAvailable;
    // A local Service's busybox search expansion must not fail (busybox exits 1 on any non-zero rcode).
    const failure = (rcode: number): number => (reply.nodataOnFailure ? RCODE.NOERROR : rcode);
    if (!this.recursionAvailable || !this.allowForward(sourceIp)) {
      send(questionReply(msg, reply.query, failure(RCODE.REFUSED), { ra }));
      return;
    }
    this.forwarder.forward(msg, reply.query.questionEnd, (answer) => {
      if (this.closed) return;
      try {
        if (!answer) {
          send(questionReply(msg, reply.query, failure(RCODE.SERVFAIL), { ra }));
          return;
        }
        const rcode = answer.readUInt8(3) & 0xf;
        if (reply.nodataOnFailure && rcode !== RCODE.NOERROR)
          answer.writeUInt8(answer.readUInt8(3) & 0xf0, 3);
        send(answer);
      } catch (err) {
        this.reportError(err);
      }
    });
  }

  // At most one log line per interval: a flood of bad packets must not become a flood of log lines.
  private reportError(err: unknown, message = 'dns query handling failed'): void {
    const now = this.clock.now();
    if (now - this.lastErrorLog < ERROR_LOG_INTERVAL_MS) {
      this.suppressedErrors++;
      return;
    }
    this.logger.error(message, { error: errorMessage(err), suppressed: this.suppressedErrors });
    this.lastErrorLog = now;
    this.suppressedErrors = 0;
  }
}
