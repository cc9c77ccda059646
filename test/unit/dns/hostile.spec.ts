// Hostile DNS: who is answered at all, the per-source rate limit, and floods of malformed packets
// (fuzz/dns-packets.ts: random, truncated, compression loops, huge counts, over-long names).
import { expect } from 'chai';
import * as dgram from 'node:dgram';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ManualClock, systemClock } from '../../../agent/clock';

import { dnsSourcePolicy } from '../../../dns/policy';
import { RateLimiter } from '../../../dns/rate-limit';
import { Responder } from '../../../dns/responder';
import type { DnsServerOptions } from '../../../dns/server';
import { DNS_FUZZ_KINDS, dnsFuzzPackets, wireQuery } from '../../../fuzz/dns-packets';
import { cluster, rcodeOf, startServer, tcpAsk, tcpWrite, udpAsk } from './fixtures';

const REFUSED = 5;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('dns hostile input', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  const start = (opts: Partial<DnsServerOptions> = {}) => startServer(cleanup, opts);

  /** Sends every packet at once from one socket and counts the replies that come within ms. */
  /**
   * Sends the packets and counts the replies. With `dropped` (the server's count of queries it dropped), waits
   * until every packet is answered or dropped (up to 5 s: a loaded machine answers late), then `ms` more for
   * any surplus reply; without it, waits `ms`.
   */
  async function burst(port: number, packets: Buffer[], ms = 400, dropped?: () => number): Promise<number> {
    const socket = dgram.createSocket('udp4');
    let replies = 0;
    socket.on('message', () => replies++);
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    for (const p of packets) socket.send(p, port, '127.0.0.1');
    const deadline = Date.now() + 5_000;
    while (dropped && replies + dropped() < packets.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, dropped ? 100 : ms));
    await new Promise<void>((r) => socket.close(() => r()));
    return replies;
  }

  describe('who is answered', () => {
    it('answers pods, loopback and the host; forwards for pods only; exempts loopback from the limit', () => {
      const p = dnsSourcePolicy('10.244.0.0/16', ['192.168.1.5', 'fe80::1']);
      for (const ip of ['127.0.0.1', '127.9.9.9', '::1', '10.244.3.4', '192.168.1.5', 'fe80::1'])
        expect(p.allowQuery(ip), ip).to.equal(true);
      for (const ip of ['8.8.8.8', '10.245.0.1', '192.168.1.6', '::2', '', 'garbage'])
        expect(p.allowQuery(ip), ip).to.equal(false);
      expect(p.allowForward('10.244.3.4')).to.equal(true);
      expect(p.allowForward('127.0.0.1')).to.equal(false);
      expect(p.allowForward('192.168.1.5')).to.equal(false);
      expect(p.exempt('127.0.0.1')).to.equal(true);
      expect(p.exempt('10.244.3.4')).to.equal(false);
    });

    it('sends nothing over UDP to a source it does not serve, and REFUSED over TCP', async () => {
      const { server, port } = await start({ allowQuery: () => false });
      expect(await burst(port, [wireQuery('web.default.svc.cluster.local')], 300)).to.equal(0);
      const [reply] = await tcpAsk(port, [wireQuery('web.default.svc.cluster.local')]);
      expect(rcodeOf(reply ?? Buffer.alloc(12))).to.equal(REFUSED);
      expect(server.refused.source).to.equal(2);
    });
  });

  describe('rate limit per source', () => {
    it('a token bucket: a burst, then the rate', () => {
      const clock = new ManualClock();
      const rl = new RateLimiter({ ratePerSecond: 100, clock });
      let allowed = 0;
      for (let i = 0; i < 150; i++) if (rl.allow('10.0.0.1')) allowed++;
      expect(allowed).to.equal(100);
      expect(rl.allow('10.0.0.2')).to.equal(true); // another source has its own bucket
      clock.advance(100); // 0.1 s: 10 more
      allowed = 0;
      for (let i = 0; i < 50; i++) if (rl.allow('10.0.0.1')) allowed++;
      expect(allowed).to.equal(10);
      expect(rl.limited).to.equal(90);
    });

    it('tracks a bounded number of sources, dropping idle ones first', () => {
      const clock = new ManualClock();
      const rl = new RateLimiter({ ratePerSecond: 10, clock, maxSources: 100 });
      for (let i = 0; i < 10_000; i++) {
        rl.allow(`10.0.${i >> 8}.${i & 255}`);
        if (i % 1000 === 0) clock.advance(2_000);
      }
      expect(rl.sources).to.be.at.most(100);
    });

    it('drops queries over the limit from one source; loopback, when exempt, is never limited', async () => {
      const clock = new ManualClock();
      const packets = Array.from({ length: 120 }, (_, i) => wireQuery('web.default.svc.cluster.local', 1, i));
      const limited = await start({ clock, rateLimit: { qpsPerSource: 50 } });
      const limitedReplies = await burst(limited.port, packets, 0, () => limited.server.refused.rate);
      expect(limitedReplies).to.equal(50);
      expect(limited.server.refused.rate).to.equal(70);
      const exempt = await start({
        clock,
        rateLimit: { qpsPerSource: 50, exempt: (ip) => ip === '127.0.0.1' },
      });
      expect(await burst(exempt.port, packets, 0, () => exempt.server.refused.rate)).to.equal(120);
    });
  });

  /** Sends the packets from 127.0.0.1 and 127.0.0.2 in turn (each gets all of them); replies per source. */
  async function alternating(port: number, packets: Buffer[], ms = 400): Promise<number[]> {
    const replies = [0, 0];
    const sockets = await Promise.all(
      ['127.0.0.1', '127.0.0.2'].map(async (host, i) => {
        const socket = dgram.createSocket('udp4');
        socket.on('message', () => replies[i]!++);
        await new Promise<void>((r) => socket.bind(0, host, r));
        return socket;
      }),
    );
    for (const p of packets) for (const socket of sockets) socket.send(p, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, ms));
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    return replies;
  }

  describe("sources taking turns (the server keeps the last source's policy answers)", () => {
    const packets = Array.from({ length: 80 }, (_, i) => wireQuery('web.default.svc.cluster.local', 1, i));

    it('answers the source it serves and not the other, packet by packet', async () => {
      const { server, port } = await start({ allowQuery: (ip) => ip === '127.0.0.1' });
      expect(await alternating(port, packets)).to.deep.equal([80, 0]);
      expect(server.refused.source).to.equal(80);
    });

    it('limits the source that is not exempt, and only it', async () => {
      const { server, port } = await start({
        clock: new ManualClock(),
        rateLimit: { qpsPerSource: 30, exempt: (ip) => ip === '127.0.0.2' },
      });
      expect(await alternating(port, packets)).to.deep.equal([30, 80]);
      expect(server.refused.rate).to.equal(50);
    });
  });

  describe('floods of malformed packets', () => {
    it('generates every kind of hostile packet, the same for a seed', () => {
      const a = [...dnsFuzzPackets(200, 7)];
      const b = [...dnsFuzzPackets(200, 7)];
      expect(a.map((p) => p.packet.toString('hex'))).to.deep.equal(b.map((p) => p.packet.toString('hex')));
      expect(new Set(a.map((p) => p.kind))).to.have.length(DNS_FUZZ_KINDS.length);
    });

    it('100 000 hostile packets in process: no throw, every reply a reply to its query, memory bounded', function () {
      this.timeout(60_000);
      const responder = new Responder({
        catalog: cluster(),
        zone: 'cluster.local',
        clock: systemClock,
        recursionAvailable: true,
      });
      const kinds = new Map<string, number>();
      gc();
      const before = process.memoryUsage().heapUsed;
      for (const { kind, packet } of dnsFuzzPackets(100_000, 1)) {
        const reply = responder.respond(packet, '10.244.0.9', kind.length % 2 ? 'udp' : 'tcp');
        if (reply.kind !== 'reply') continue;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        expect(reply.buf.length).to.be.at.least(12);
        expect(reply.buf.readUInt16BE(0)).to.equal(packet.readUInt16BE(0));
        expect(reply.buf.readUInt8(2) & 0x80).to.equal(0x80); // QR
      }
      gc();
      const grown = process.memoryUsage().heapUsed - before;
      expect(responder.cacheEntries).to.be.at.most(50_000);
      expect(grown, `heap grew ${grown} bytes`).to.be.below(64 * 1024 * 1024);
      expect(kinds.get('compressionLoop')).to.be.greaterThan(0);
      expect(kinds.get('hugeCounts')).to.be.greaterThan(0);
    });

    it('20 000 over UDP and TCP to a live server: it keeps answering and logs no error', async function () {
      this.timeout(60_000);
      const { port, records } = await start();
      const socket = dgram.createSocket('udp4');
      cleanup.push(() => new Promise((r) => socket.close(() => r())));
      socket.on('message', () => undefined);
      const frames: Buffer[] = [];
      let i = 0;
      for (const { packet } of dnsFuzzPackets(20_000, 2)) {
        await new Promise<void>((resolve) => socket.send(packet, port, '127.0.0.1', () => resolve()));
        if (++i % 32 === 0) await new Promise((r) => setImmediate(r));
        if (i % 10 === 0 && packet.length < 65_536)
          frames.push(Buffer.concat([Buffer.from([packet.length >> 8, packet.length & 0xff]), packet]));
      }
      await tcpWrite(port, Buffer.concat(frames));
      await tcpWrite(port, Buffer.from([0xff, 0xff, ...Buffer.alloc(1000)]));
      const reply = await udpAsk(port, wireQuery('web.default.svc.cluster.local', 1, 4242));
      expect(reply.readUInt16BE(0)).to.equal(4242);
      expect(rcodeOf(reply)).to.equal(0);
      expect(records.filter((r) => r.level === 'error')).to.deep.equal([]);
    });
  });
});
