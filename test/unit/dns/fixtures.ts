// A small cluster for the DNS tests, and helpers to ask the server over real sockets.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DnsCatalog, PodRecord, ServiceRecord } from '../../../dns/catalog';
import { prng } from '../../../fuzz/prng';
import { capturingLogger, type LogRecord } from '../../../agent/log';
import { DnsServer, type DnsServerOptions, type ListenResult } from '../../../dns/server';

export { prng };

/** A catalog whose contents the test sets; every change bumps the version, as the agent's does. */
export class TestCatalog implements DnsCatalog {
  private v = 1;
  podByIpCalls = 0;

  constructor(
    private svcs: ServiceRecord[] = [],
    private podList: PodRecord[] = [],
  ) {}

  services(): Iterable<ServiceRecord> {
    return this.svcs;
  }
  pods(): Iterable<PodRecord> {
    return this.podList;
  }
  podByIp(ip: string): PodRecord | undefined {
    this.podByIpCalls++;
    return this.podList.find((p) => p.ip === ip);
  }
  version(): number {
    return this.v;
  }
  set(change: { services?: ServiceRecord[]; pods?: PodRecord[] }): void {
    if (change.services) this.svcs = change.services;
    if (change.pods) this.podList = change.pods;
    this.v++;
  }
}

export const web: ServiceRecord = {
  name: 'web',
  namespace: 'default',
  clusterIP: '10.96.0.10',
  ports: [
    { name: 'http', port: 80, protocol: 'TCP' },
    { port: 9090, protocol: 'TCP' },
  ],
  endpoints: [{ ip: '10.244.0.5' }],
};
/** The tutorial's Service: one unnamed port. */
export const myservice: ServiceRecord = {
  name: 'myservice',
  namespace: 'default',
  clusterIP: '10.96.0.20',
  ports: [{ port: 80, protocol: 'TCP' }],
  endpoints: [],
};
export const db: ServiceRecord = {
  name: 'db',
  namespace: 'default',
  clusterIP: 'None',
  ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  endpoints: [{ ip: '10.244.0.7', hostname: 'db-0' }, { ip: '10.244.0.8' }],
};
export const emptyHeadless: ServiceRecord = {
  name: 'empty',
  namespace: 'default',
  clusterIP: 'None',
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  endpoints: [],
};
/** Headless Service named by a pod's spec.subdomain; the endpoint carries no hostname, the pod does. */
export const peers: ServiceRecord = {
  name: 'peers',
  namespace: 'default',
  clusterIP: 'None',
  ports: [],
  endpoints: [{ ip: '10.244.0.9' }],
};
export const prodApi: ServiceRecord = {
  name: 'api',
  namespace: 'prod',
  clusterIP: '10.96.1.5',
  ports: [{ name: 'grpc', port: 9000, protocol: 'UDP' }],
  endpoints: [],
};

export const initPod: PodRecord = {
  name: 'initc-demo',
  namespace: 'default',
  ip: '10.244.0.3',
};
export const alphaPod: PodRecord = {
  name: 'alpha',
  namespace: 'default',
  ip: '10.244.0.9',
  hostname: 'alpha',
  subdomain: 'peers',
};
export const prodPod: PodRecord = { name: 'worker', namespace: 'prod', ip: '10.244.1.4' };

export function cluster(): TestCatalog {
  return new TestCatalog([web, myservice, db, emptyHeadless, peers, prodApi], [initPod, alphaPod, prodPod]);
}

export interface QueryOptions {
  id?: number;
  edns?: number;
  class?: dnsPacket.RecordClass;
}

export function query(name: string, type: dnsPacket.RecordType, opts: QueryOptions = {}): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: opts.id ?? 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: opts.class ?? 'IN' }],
    additionals:
      opts.edns !== undefined
        ? [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: opts.edns,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ]
        : [],
  });
}

/** Sends one UDP packet and resolves with the first reply carrying `id` (rejects after `timeoutMs`). */
export function udpAsk(
  port: number,
  packet: Buffer,
  opts: { id?: number; timeoutMs?: number; host?: string } = {},
): Promise<Buffer> {
  const id = opts.id ?? packet.readUInt16BE(0);
  const timeoutMs = opts.timeoutMs ?? 2000;
  const socket = dgram.createSocket(net.isIPv6(opts.host ?? '') ? 'udp6' : 'udp4');
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no UDP reply for id ${id} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('message', (msg) => {
      if (msg.length < 2 || msg.readUInt16BE(0) !== id) return;
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(packet, port, opts.host ?? '127.0.0.1');
  });
}

/** Sends the packets on one TCP connection (2-byte length framing) and collects `expect` replies. */
export function tcpAsk(
  port: number,
  packets: Buffer[],
  expect = packets.length,
  timeoutMs = 2000,
): Promise<Buffer[]> {
  return new Promise<Buffer[]>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const replies: Buffer[] = [];
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`got ${replies.length} of ${expect} TCP replies within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        replies.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (replies.length >= expect) {
        clearTimeout(timer);
        socket.destroy();
        resolve(replies);
      }
    });
    socket.write(
      Buffer.concat(packets.map((p) => Buffer.concat([Buffer.from([p.length >> 8, p.length & 0xff]), p]))),
    );
  });
}

/** Writes raw bytes on a TCP connection and resolves when the server has closed it or `waitMs` passed. */
export function tcpWrite(port: number, bytes: Buffer, waitMs = 200): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** rcode and TC of a raw reply (works for replies dns-packet refuses to decode). */
export const rcodeOf = (reply: Buffer): number => (reply.readUInt8(3) & 0x0f) | 0;
export const truncatedBit = (reply: Buffer): boolean => (reply.readUInt8(2) & 0x02) !== 0;

/** Random packets: pure noise, valid queries cut short, and valid queries with flipped bytes. */
export function fuzzPackets(count: number, seed: number): Buffer[] {
  const rnd = prng(seed);
  const samples = [
    query('web.default.svc.cluster.local', 'A'),
    query('_pg._tcp.db.default.svc.cluster.local', 'SRV', { edns: 4096 }),
    query('5.0.244.10.in-addr.arpa', 'PTR'),
    query('nope.svc.cluster.local', 'AAAA', { edns: 1232 }),
  ];
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const base = samples[i % samples.length] ?? Buffer.alloc(0);
    const kind = i % 3;
    if (kind === 0) {
      const b = Buffer.alloc(Math.floor(rnd() * 600));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
      out.push(b);
    } else if (kind === 1) {
      out.push(base.subarray(0, Math.floor(rnd() * base.length)));
    } else {
      const b = Buffer.from(base);
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++)
        b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      out.push(b);
    }
  }
  return out;
}

/** A DNS server on 127.0.0.1 with a free port, its log kept; `cleanup` gets its close. */
export async function startServer(
  cleanup: (() => Promise<void>)[],
  opts: Partial<DnsServerOptions> = {},
  catalog: DnsCatalog = cluster(),
): Promise<{ server: DnsServer; port: number; ports: ListenResult; records: LogRecord[] }> {
  const records: LogRecord[] = [];
  const server = new DnsServer({
    catalog,
    logger: capturingLogger(records),
    zone: 'cluster.local',
    upstreams: [],
    forwardTimeoutMs: 500,
    ...opts,
  });
  cleanup.push(() => server.close());
  const ports = await server.listen('127.0.0.1', 0);
  return { server, port: ports.udpPort, ports, records };
}
