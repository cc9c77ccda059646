import { expect } from 'chai';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { ManualClock } from '../../../agent/clock';
import { errorCode } from '../../../agent/errors';
import { capturingLogger } from '../../../agent/log';
import type { DnsCatalog, PodRecord } from '../../../dns/catalog';
import { DnsServer, type DnsServerOptions } from '../../../dns/server';
import {
  cluster,
  fuzzPackets,
  initPod,
  query,
  rcodeOf,
  tcpAsk,
  tcpWrite,
  truncatedBit,
  TestCatalog,
  udpAsk,
  db,
  myservice,
  web,
  startServer,
} from './fixtures';

/** The test client is 127.0.0.1; this pod owns that address, so the server sees a pod in `default` asking. */
const localPod: PodRecord = { ...initPod, ip: '127.0.0.1' };

interface Stub {
  port: number;
  seen: dnsPacket.DecodedPacket[];
  close(): Promise<void>;
}

/** A stand-in upstream resolver on 127.0.0.1: answers with `answer(question)`, or stays silent for undefined. */
async function stubUpstream(
  answer: (q: dnsPacket.DecodedPacket) => Partial<dnsPacket.Packet> | undefined,
): Promise<Stub> {
  const socket = dgram.createSocket('udp4');
  const seen: dnsPacket.DecodedPacket[] = [];
  socket.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    seen.push(q);
    const a = answer(q);
    if (!a) return;
    socket.send(
      dnsPacket.encode({ type: 'response', id: q.id ?? 0, questions: q.questions ?? [], ...a }),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    seen,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

const NXDOMAIN_FLAGS = 3;
const silent = (): undefined => undefined;

async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('dns/server', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  const start = (opts: Partial<DnsServerOptions> = {}, catalog: DnsCatalog = cluster()) =>
    startServer(cleanup, opts, catalog);

  async function stub(answer: Parameters<typeof stubUpstream>[0]): Promise<Stub> {
    const s = await stubUpstream(answer);
    cleanup.push(() => s.close());
    return s;
  }

  const udp = (port: number, msg: Buffer, host?: string): Promise<Buffer> =>
    udpAsk(port, msg, host ? { host } : {});

  describe('sockets', () => {
    it('serves UDP and TCP on the same port, port 0 picking a free one', async () => {
      const { ports } = await start();
      expect(ports.udpPort).to.be.above(0);
      expect(ports.tcpPort).to.equal(ports.udpPort);
      const overUdp = dnsPacket.decode(
        await udp(ports.udpPort, query('web.default.svc.cluster.local', 'A', { id: 11 })),
      );
      const [tcpReply] = await tcpAsk(ports.tcpPort, [
        query('web.default.svc.cluster.local', 'A', { id: 12 }),
      ]);
      const overTcp = dnsPacket.decode(tcpReply ?? Buffer.alloc(0));
      expect(overUdp.id).to.equal(11);
      expect(overTcp.id).to.equal(12);
      for (const d of [overUdp, overTcp]) {
        expect(d.flag_aa).to.equal(true);
        expect(d.answers).to.deep.equal([
          {
            name: 'web.default.svc.cluster.local',
            type: 'A',
            ttl: 5,
            class: 'IN',
            flush: false,
            data: '10.96.0.10',
          },
        ]);
      }
    });

    it('replies over IPv6 as over IPv4 (UDP replies go to the literal source address, no lookup)', async () => {
      const { server } = await start();
      const { udpPort } = await server.listen('::1', 0);
      const reply = dnsPacket.decode(
        await udp(udpPort, query('web.default.svc.cluster.local', 'A', { id: 21 }), '::1'),
      );
      expect(reply.id).to.equal(21);
      expect(reply.answers?.map((a) => (a.type === 'A' ? a.data : a.type))).to.deep.equal(['10.96.0.10']);
    });

    it('answers several queries on one TCP connection, in one write or byte by byte', async () => {
      const { port } = await start();
      const replies = await tcpAsk(port, [
        query('web.default.svc.cluster.local', 'A', { id: 1 }),
        query('mydb.default.svc.cluster.local', 'A', { id: 2 }),
        query('_pg._tcp.db.default.svc.cluster.local', 'SRV', { id: 3 }),
      ]);
      expect(replies.map((r) => [r.readUInt16BE(0), rcodeOf(r)])).to.deep.equal([
        [1, 0],
        [2, 3],
        [3, 0],
      ]);
      const framed = Buffer.concat([
        Buffer.from([0, 0]),
        query('web.default.svc.cluster.local', 'A', { id: 9 }),
      ]);
      framed.writeUInt16BE(framed.length - 2, 0);
      const reply = await new Promise<Buffer>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          let i = 0;
          const tick = setInterval(() => {
            socket.write(framed.subarray(i, i + 1));
            if (++i >= framed.length) clearInterval(tick);
          }, 1);
        });
        socket.on('data', (d) => {
          socket.destroy();
          resolve(d.subarray(2));
        });
        socket.on('error', reject);
      });
      expect(reply.readUInt16BE(0)).to.equal(9);
    });

    it('listens on several addresses', async () => {
      const { server, port } = await start();
      const second = await server.listen('127.0.0.2', 0);
      const a = await udp(port, query('web.default.svc.cluster.local', 'A', { id: 21 }));
      const b = await udp(
        second.udpPort,
        query('web.default.svc.cluster.local', 'A', { id: 22 }),
        '127.0.0.2',
      );
      expect([rcodeOf(a), rcodeOf(b)]).to.deep.equal([0, 0]);
      expect(dnsPacket.decode(b).answers).to.have.length(1);
    });

    it('closes its idle TCP connections', async () => {
      const { port } = await start({ tcpIdleTimeoutMs: 50 });
      const closed = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        const timer = setTimeout(() => {
          socket.destroy();
          resolve(false);
        }, 1500);
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      expect(closed).to.equal(true);
    });

    it('releases both ports on close', async () => {
      const { server, ports } = await start();
      await server.close();
      const again = await start();
      const third = await again.server.listen('127.0.0.1', ports.udpPort);
      expect(third).to.deep.equal({ udpPort: ports.udpPort, tcpPort: ports.udpPort });
    });

    it('refuses options without a catalog, a zone or a timeout', () => {
      const base = {
        catalog: cluster(),
        logger: capturingLogger(),
        zone: 'cluster.local',
        upstreams: [],
        forwardTimeoutMs: 1,
      };
      for (const bad of [
        { ...base, catalog: undefined },
        { ...base, zone: 'not a zone!' },
        { ...base, forwardTimeoutMs: 0 },
        { ...base, upstreams: [{ host: 'dns.example', port: 53 }] },
      ]) {
        expect(() => new DnsServer(bad as unknown as DnsServerOptions))
          .to.throw()
          .that.satisfies((e: unknown) => errorCode(e) === 'Invalid');
      }
    });
  });

  describe('answers', () => {
    it('sets TC over UDP when the answer exceeds 512 bytes, and gives the whole answer over TCP', async () => {
      const big = {
        ...db,
        name: 'big',
        endpoints: Array.from({ length: 80 }, (_, i) => ({ ip: `10.244.3.${i + 1}` })),
      };
      const { port } = await start({}, new TestCatalog([big]));
      const q = query('big.default.svc.cluster.local', 'A', { id: 5 });
      const overUdp = await udp(port, q);
      expect(overUdp.length).to.be.at.most(512);
      expect(truncatedBit(overUdp)).to.equal(true);
      const [overTcp] = await tcpAsk(port, [q]);
      expect(truncatedBit(overTcp ?? Buffer.alloc(0))).to.equal(false);
      expect(dnsPacket.decode(overTcp ?? Buffer.alloc(0)).answers).to.have.length(80);
    });

    it('answers FORMERR, with the query ID, for a malformed query', async () => {
      const { port } = await start();
      const bad = query('web.default.svc.cluster.local', 'A', { id: 77 });
      bad.writeUInt16BE(2, 4); // QDCOUNT 2 with one question
      const reply = await udp(port, bad);
      expect(reply.readUInt16BE(0)).to.equal(77);
      expect(rcodeOf(reply)).to.equal(1);
    });

    it('answers NOTIMP for an opcode other than QUERY', async () => {
      const { port } = await start();
      const status = query('web.default.svc.cluster.local', 'A', { id: 78 });
      status.writeUInt8(status.readUInt8(2) | (2 << 3), 2);
      expect(rcodeOf(await udp(port, status))).to.equal(4);
    });

    it('answers REFUSED for class CH (version.bind)', async () => {
      const { port } = await start();
      const reply = await udp(port, query('version.bind', 'TXT', { id: 79, class: 'CH' }));
      expect(rcodeOf(reply)).to.equal(5);
      expect(dnsPacket.decode(reply).questions?.[0]).to.deep.include({ name: 'version.bind', class: 'CH' });
    });

    it('drops packets shorter than a header without answering', async () => {
      const { port } = await start();
      const socket = dgram.createSocket('udp4');
      cleanup.push(() => new Promise((r) => socket.close(() => r())));
      const got: Buffer[] = [];
      socket.on('message', (m) => got.push(m));
      socket.send(Buffer.from([1, 2, 3, 4, 5]), port, '127.0.0.1');
      socket.send(query('web.default.svc.cluster.local', 'A', { id: 80 }), port, '127.0.0.1');
      await until(() => got.length >= 1, 'the valid reply');
      await new Promise((r) => setTimeout(r, 50));
      expect(got.map((m) => m.readUInt16BE(0))).to.deep.equal([80]);
    });

    it('answers SERVFAIL while the catalog fails, logs it once, and serves again when it recovers', async () => {
      const catalog = cluster();
      let broken = true;
      const version = catalog.version.bind(catalog);
      catalog.version = () => {
        if (broken) throw new Error('store unavailable');
        return version();
      };
      const { port, records } = await start({}, catalog);
      expect(rcodeOf(await udp(port, query('web.default.svc.cluster.local', 'A', { id: 1 })))).to.equal(2);
      expect(rcodeOf(await udp(port, query('web.default.svc.cluster.local', 'A', { id: 2 })))).to.equal(2);
      expect(records.filter((r) => r.level === 'error')).to.have.length(1);
      broken = false;
      expect(rcodeOf(await udp(port, query('web.default.svc.cluster.local', 'A', { id: 3 })))).to.equal(0);
    });
  });

  describe('busybox nslookup (the tutorial init containers)', () => {
    // busybox 1.35 sends A and AAAA for each search expansion and exits 1 if any reply has a non-zero rcode.
    async function nslookup(port: number, name: string): Promise<number[]> {
      const names = [
        `${name}.default.svc.cluster.local`,
        `${name}.svc.cluster.local`,
        `${name}.cluster.local`,
      ];
      const queries = names.flatMap((n, i) => [
        query(n, 'A', { id: 100 + i }),
        query(n, 'AAAA', { id: 200 + i }),
      ]);
      return Promise.all(queries.map(async (q) => rcodeOf(await udp(port, q))));
    }

    it('gets no error rcode for an existing Service (exit 0) and an error for a missing one (exit 1)', async () => {
      const { port } = await start({}, new TestCatalog([web, myservice], [localPod]));
      expect(await nslookup(port, 'myservice')).to.deep.equal([0, 0, 0, 0, 0, 0]);
      expect(await nslookup(port, 'mydb')).to.deep.equal([3, 3, 3, 3, 3, 3]);
    });

    it('tells the missing-name listener which pod waits for which name', async () => {
      const seen: [string, string][] = [];
      const { port } = await start(
        { onMissingName: (pod, name) => seen.push([pod.name, name]) },
        new TestCatalog([myservice], [localPod]),
      );
      await nslookup(port, 'mydb');
      expect(seen).to.deep.equal([
        ['initc-demo', 'mydb.default.svc.cluster.local'],
        ['initc-demo', 'mydb.default.svc.cluster.local'],
      ]);
    });

    it('still answers when the missing-name listener throws', async () => {
      const { port, records } = await start(
        {
          onMissingName: () => {
            throw new Error('listener broke');
          },
        },
        new TestCatalog([myservice], [localPod]),
      );
      expect(rcodeOf(await udp(port, query('mydb.default.svc.cluster.local', 'A')))).to.equal(3);
      expect(records.some((r) => r.level === 'error' && r.fields.error === 'listener broke')).to.equal(true);
    });

    it('turns an upstream NXDOMAIN for a host search domain expansion of a local Service into NODATA', async () => {
      const upstream = await stub(() => ({ flags: NXDOMAIN_FLAGS }));
      const { port } = await start(
        { upstreams: [{ host: '127.0.0.1', port: upstream.port }] },
        new TestCatalog([myservice], [localPod]),
      );
      expect(rcodeOf(await udp(port, query('myservice.corp.example', 'A')))).to.equal(0);
      expect(rcodeOf(await udp(port, query('mydb.corp.example', 'A')))).to.equal(3);
    });
  });

  describe('forwarding', () => {
    const exampleAnswer = (q: dnsPacket.DecodedPacket): Partial<dnsPacket.Packet> => ({
      flags: dnsPacket.RECURSION_AVAILABLE,
      answers: [{ name: q.questions?.[0]?.name ?? '', type: 'A', ttl: 300, data: '93.184.216.34' }],
    });

    it("relays names outside the zone to the upstream and its answer back with the client's ID", async () => {
      const upstream = await stub(exampleAnswer);
      const { port } = await start({ upstreams: [{ host: '127.0.0.1', port: upstream.port }] });
      const reply = dnsPacket.decode(await udp(port, query('Example.COM', 'A', { id: 4321 })));
      expect(reply.id).to.equal(4321);
      expect(reply.answers?.[0]).to.deep.include({ type: 'A', data: '93.184.216.34', ttl: 300 });
      expect(upstream.seen.map((q) => q.questions?.[0]?.name)).to.deep.equal(['Example.COM']);
    });

    it('answers SERVFAIL when no upstream answers in time', async () => {
      const clock = new ManualClock();
      const upstream = await stub(silent);
      const { port } = await start({
        clock,
        forwardTimeoutMs: 1000,
        upstreams: [{ host: '127.0.0.1', port: upstream.port }],
      });
      const pending = udp(port, query('example.com', 'A', { id: 99 }));
      await until(() => upstream.seen.length === 1, 'the forwarded query');
      clock.advance(1000);
      const reply = await pending;
      expect(reply.readUInt16BE(0)).to.equal(99);
      expect(rcodeOf(reply)).to.equal(2);
    });

    it('tries the next upstream when the first is silent', async () => {
      const clock = new ManualClock();
      const dead = await stub(silent);
      const alive = await stub(exampleAnswer);
      const { port } = await start({
        clock,
        forwardTimeoutMs: 1000,
        upstreams: [
          { host: '127.0.0.1', port: dead.port },
          { host: '127.0.0.1', port: alive.port },
        ],
      });
      const pending = udp(port, query('example.com', 'A', { id: 98 }));
      await until(() => dead.seen.length === 1, 'the first attempt');
      clock.advance(500);
      const reply = dnsPacket.decode(await pending);
      expect(reply.answers?.[0]).to.deep.include({ data: '93.184.216.34' });
      expect(alive.seen).to.have.length(1);
    });

    it('answers REFUSED, without forwarding, when allowForward says no for the source address', async () => {
      const upstream = await stub(exampleAnswer);
      const asked: string[] = [];
      const { port } = await start({
        upstreams: [{ host: '127.0.0.1', port: upstream.port }],
        allowForward: (ip) => {
          asked.push(ip);
          return false;
        },
      });
      expect(rcodeOf(await udp(port, query('example.com', 'A')))).to.equal(5);
      expect(asked).to.deep.equal(['127.0.0.1']);
      expect(upstream.seen).to.have.length(0);
    });

    it('answers REFUSED for names outside the zone when it has no upstream', async () => {
      const { port } = await start();
      expect(rcodeOf(await udp(port, query('example.com', 'A')))).to.equal(5);
    });
  });

  it('survives 10 000 random and truncated packets over UDP and TCP, then answers a valid query', async () => {
    const { port, records } = await start();
    const socket = dgram.createSocket('udp4');
    cleanup.push(() => new Promise((r) => socket.close(() => r())));
    socket.on('message', () => undefined);
    const packets = fuzzPackets(10_000, 42);
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i] ?? Buffer.alloc(0);
      await new Promise<void>((resolve) => socket.send(p, port, '127.0.0.1', () => resolve()));
      // Client and server share this process: yield now and then so the server reads before its buffer fills.
      if (i % 32 === 31) await new Promise((r) => setImmediate(r));
    }
    // Over TCP: frames of garbage, a frame longer than its data, and a bare length byte.
    await tcpWrite(
      port,
      Buffer.concat(
        packets.slice(0, 300).map((p) => Buffer.concat([Buffer.from([p.length >> 8, p.length & 0xff]), p])),
      ),
    );
    await tcpWrite(port, Buffer.from([0xff, 0xff, 1, 2, 3]));
    await tcpWrite(port, Buffer.from([0x00]));
    const reply = dnsPacket.decode(
      await udp(port, query('web.default.svc.cluster.local', 'A', { id: 31337 })),
    );
    expect(reply.answers).to.have.length(1);
    const [overTcp] = await tcpAsk(port, [query('web.default.svc.cluster.local', 'A')]);
    expect(rcodeOf(overTcp ?? Buffer.alloc(0))).to.equal(0);
    expect(records.filter((r) => r.level === 'error')).to.deep.equal([]);
  });
});
