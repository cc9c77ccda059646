import { expect } from 'chai';
import * as dnsPacket from 'dns-packet';
import { ManualClock } from '../../../agent/clock';
import type { Pod } from '../../../agent/model/pod';
import type { Endpoints, Service } from '../../../agent/model/service';
import { ObjectStore, ResourceVersions, noPersistence } from '../../../agent/store/object-store';
import type { DnsCatalog } from '../../../dns/catalog';
import { serializeCatalog, SnapshotCatalog } from '../../../dns/catalog-snapshot';
import { ClusterCatalog } from '../../../dns/cluster-catalog';
import { queryHash, ReplyCache } from '../../../dns/reply-cache';
import { Responder, type Reply } from '../../../dns/responder';
import { initPod, query, rcodeOf, TestCatalog, web } from './fixtures';

const NAME = 'fresh.default.svc.cluster.local';
const addresses = (r: Reply): string[] => {
  if (r.kind !== 'reply') throw new Error(`expected a reply, got ${r.kind}`);
  return (dnsPacket.decode(r.buf).answers ?? []).map((a) => (a.type === 'A' ? a.data : a.type));
};
const rcode = (r: Reply): number => (r.kind === 'reply' ? rcodeOf(r.buf) : -1);

function responderOn(catalog: DnsCatalog): Responder {
  return new Responder({
    catalog,
    zone: 'cluster.local',
    clock: new ManualClock(),
    recursionAvailable: false,
  });
}

describe('dns/reply-cache', () => {
  it('returns the stored reply with the query ID, only for the same bytes after the ID', () => {
    const cache = new ReplyCache();
    const q1 = query(NAME, 'A', { id: 1 });
    const reply = Buffer.from(q1);
    reply[2] = reply[2]! | 0x80;
    expect(cache.get(q1, 7)).to.equal(undefined);
    cache.set(q1, reply, 7);
    const hit = cache.get(query(NAME, 'A', { id: 99 }), 7);
    expect(hit?.readUInt16BE(0)).to.equal(99);
    expect(hit?.subarray(2).equals(reply.subarray(2))).to.equal(true);
    expect(cache.get(q1, 7)?.equals(reply)).to.equal(true);
    expect(cache.get(query(NAME.toUpperCase(), 'A', { id: 1 }), 7)).to.equal(undefined);
    expect(cache.get(query(NAME, 'AAAA', { id: 1 }), 7)).to.equal(undefined);
    expect(cache.get(query(NAME, 'A', { id: 1, edns: 1232 }), 7)).to.equal(undefined);
    const rd = query(NAME, 'A', { id: 1 });
    rd[2] = rd[2]! & ~0x01; // the same question without RD: other flags, another entry
    expect(cache.get(rd, 7)).to.equal(undefined);
  });

  it('hands out its own buffer, rewritten by the next hit, until detach() leaves it to its holder', () => {
    const cache = new ReplyCache();
    const q = query(NAME, 'A', { id: 1 });
    cache.get(q, 1);
    cache.set(q, Buffer.from(q), 1);
    const first = cache.get(query(NAME, 'A', { id: 10 }), 1)!;
    const second = cache.get(query(NAME, 'A', { id: 11 }), 1)!;
    expect(second).to.equal(first); // no allocation per hit
    expect(first.readUInt16BE(0)).to.equal(11);
    cache.detach(); // `second` may still be queued in a socket
    const third = cache.get(query(NAME, 'A', { id: 12 }), 1)!;
    expect(third).to.not.equal(second);
    expect(second.readUInt16BE(0)).to.equal(11);
    expect(third.readUInt16BE(0)).to.equal(12);
    expect(third.subarray(2).equals(q.subarray(2))).to.equal(true);
  });

  it("keys by the whole query: colliding hashes never give another query's reply, and a slot stays bounded", () => {
    // The hash reads each label's length, first and last byte: these differ only inside the first label.
    const names = Array.from(
      { length: 10 },
      (_, i) => `a${String.fromCharCode(98 + i)}z.default.svc.cluster.local`,
    );
    const queries = names.map((n) => query(n, 'A', { id: 1 }));
    expect(new Set(queries.map(queryHash)).size).to.equal(1);
    const cache = new ReplyCache();
    cache.get(queries[0]!, 1);
    queries.forEach((q, i) => cache.set(q, Buffer.concat([q, Buffer.from([i])]), 1));
    expect(cache.size).to.equal(4);
    let hits = 0;
    queries.forEach((q, i) => {
      const hit = cache.get(q, 1);
      if (!hit) return;
      hits++;
      expect(hit[hit.length - 1], names[i]).to.equal(i);
    });
    expect(hits).to.equal(4); // the last four stored
    expect(queryHash(query('abz.default.svc.cluster.local', 'AAAA'))).to.not.equal(queryHash(queries[0]!));
  });

  it('stores nothing for a question it cannot walk (a compression pointer, a label past the end)', () => {
    const cache = new ReplyCache();
    const q = query(NAME, 'A');
    const pointer = Buffer.concat([q.subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
    const cut = q.subarray(0, 20);
    cache.get(q, 1);
    for (const bad of [pointer, cut]) {
      expect(queryHash(bad)).to.equal(-1);
      cache.set(bad, q, 1);
      expect(cache.get(bad, 1)).to.equal(undefined);
    }
    expect(cache.size).to.equal(0);
  });

  it('gives, with a hit, the tag stored with its reply (the QTYPE, for the metrics)', () => {
    const cache = new ReplyCache();
    const a = query(NAME, 'A');
    const aaaa = query(NAME, 'AAAA');
    cache.get(a, 1);
    cache.set(a, a, 1, 1);
    cache.set(aaaa, aaaa, 1, 28);
    cache.get(aaaa, 1);
    expect(cache.hitTag).to.equal(28);
    cache.get(a, 1);
    expect(cache.hitTag).to.equal(1);
  });

  it('drops everything when the version moves, and ignores a store for a version it has not seen', () => {
    const cache = new ReplyCache();
    const q = query(NAME, 'A');
    cache.get(q, 1);
    cache.set(q, q, 1);
    expect(cache.get(q, 2)).to.equal(undefined);
    expect(cache.size).to.equal(0);
    cache.set(q, q, 1);
    expect(cache.get(q, 2)).to.equal(undefined);
  });

  it('stays bounded, by entries and by bytes, and does not keep long queries', () => {
    const cache = new ReplyCache(5);
    cache.get(query('a', 'A'), 1);
    for (let i = 0; i < 12; i++)
      cache.set(query(`n${i}.default.svc.cluster.local`, 'A'), Buffer.alloc(20), 1);
    expect(cache.size).to.be.at.most(5);
    const byBytes = new ReplyCache(1000, 10_000);
    byBytes.get(query('a', 'A'), 1);
    for (let i = 0; i < 12; i++)
      byBytes.set(query(`n${i}.default.svc.cluster.local`, 'A'), Buffer.alloc(4000), 1);
    expect(byBytes.size).to.be.at.most(2);
    const long = Buffer.concat([query(NAME, 'A'), Buffer.alloc(400)]);
    cache.set(long, Buffer.alloc(20), 1);
    expect(cache.get(long, 1)).to.equal(undefined);
  });

  describe('in the responder: no stale answer after a catalog change (same query bytes, new IDs)', () => {
    it('respond() gives a copy of a cached reply: changing it changes no later answer', () => {
      const r = responderOn(new TestCatalog([{ ...web, name: 'fresh', clusterIP: '10.96.0.77' }]));
      const ask = (id: number): Reply => r.respond(query(NAME, 'A', { id }), '127.0.0.1', 'udp');
      ask(1);
      const hit = ask(2);
      if (hit.kind !== 'reply') throw new Error('no reply');
      hit.buf.fill(0xff, 2);
      expect(addresses(ask(3))).to.deep.equal(['10.96.0.77']);
    });

    it('on the test catalog: created, then deleted', () => {
      const catalog = new TestCatalog([web], [initPod]);
      const r = responderOn(catalog);
      for (let id = 1; id <= 3; id++)
        expect(rcode(r.respond(query(NAME, 'A', { id }), initPod.ip, 'udp'))).to.equal(3);
      catalog.set({ services: [web, { ...web, name: 'fresh', clusterIP: '10.96.0.77' }] });
      for (let id = 4; id <= 6; id++)
        expect(addresses(r.respond(query(NAME, 'A', { id }), '127.0.0.1', 'udp'))).to.deep.equal([
          '10.96.0.77',
        ]);
      expect(r.replyCacheEntries).to.be.greaterThan(0);
      catalog.set({ services: [web] });
      expect(rcode(r.respond(query(NAME, 'A', { id: 7 }), '127.0.0.1', 'udp'))).to.equal(3);
    });

    it("on the agent's stores (ClusterCatalog): a Service created, its ClusterIP answered, deleted, NXDOMAIN", () => {
      const clock = new ManualClock();
      const versions = new ResourceVersions();
      const store = <T extends Pod | Service | Endpoints>(kind: string): ObjectStore<T> =>
        new ObjectStore<T>(kind, { clock, versions, persistence: noPersistence });
      const services = store<Service>('Service');
      const catalog = new ClusterCatalog({
        pods: store<Pod>('Pod'),
        services,
        endpoints: store<Endpoints>('Endpoints'),
      });
      const r = responderOn(catalog);
      const ask = (id: number): Reply => r.respond(query(NAME, 'A', { id }), '127.0.0.1', 'udp');
      expect(rcode(ask(1))).to.equal(3);
      expect(rcode(ask(2))).to.equal(3);
      services.create({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'fresh', namespace: 'default' },
        spec: { clusterIP: '10.96.0.88', ports: [{ port: 80, protocol: 'TCP' }] },
      } as Service);
      expect(addresses(ask(3))).to.deep.equal(['10.96.0.88']);
      expect(addresses(ask(4))).to.deep.equal(['10.96.0.88']);
      services.remove('default', 'fresh');
      expect(rcode(ask(5))).to.equal(3);
      catalog.close();
    });

    it("on a worker's snapshot catalog: each new snapshot is answered at once", () => {
      const main = new TestCatalog([web]);
      const snapshot = new SnapshotCatalog();
      snapshot.replace(serializeCatalog(main, 0));
      const r = responderOn(snapshot);
      const ask = (id: number): Reply => r.respond(query(NAME, 'A', { id }), '127.0.0.1', 'udp');
      expect(rcode(ask(1))).to.equal(3);
      main.set({ services: [web, { ...web, name: 'fresh', clusterIP: '10.96.0.99' }] });
      snapshot.replace(serializeCatalog(main, 1000));
      expect(addresses(ask(2))).to.deep.equal(['10.96.0.99']);
      main.set({ services: [web] });
      snapshot.replace(serializeCatalog(main, 2000));
      expect(rcode(ask(3))).to.equal(3);
    });

    it('keeps answers that depend on the asker out of it', () => {
      const catalog = new TestCatalog(
        [{ ...web, name: 'fresh' }],
        [initPod, { name: 'x', namespace: 'prod', ip: '10.244.1.4' }],
      );
      const r = responderOn(catalog);
      // The busybox rule: `fresh.svc.cluster.local` is the Service for a pod of its namespace, NXDOMAIN for others.
      const short = 'fresh.svc.cluster.local';
      expect(rcode(r.respond(query(short, 'A'), initPod.ip, 'udp'))).to.equal(0);
      expect(rcode(r.respond(query(short, 'A'), '10.244.1.4', 'udp'))).to.equal(3);
      expect(r.replyCacheEntries).to.equal(0);
    });
  });
});
