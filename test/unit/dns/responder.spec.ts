import { expect } from 'chai';
import * as dnsPacket from 'dns-packet';
import { ManualClock } from '../../../agent/clock';
import type { PodRecord, ServiceRecord } from '../../../dns/catalog';
import { Responder, type Reply, type Transport } from '../../../dns/responder';
import {
  cluster,
  fuzzPackets,
  initPod,
  myservice,
  prodPod,
  query,
  rcodeOf,
  truncatedBit,
  TestCatalog,
  web,
} from './fixtures';

const OUTSIDE = '192.0.2.1';

function replyBytes(r: Reply): Buffer {
  if (r.kind !== 'reply') throw new Error(`expected a reply, got ${r.kind}`);
  return r.buf;
}

function setup(catalog = cluster(), maxCacheEntries?: number) {
  const missing: [PodRecord, string][] = [];
  const responder = new Responder({
    catalog,
    zone: 'cluster.local',
    clock: new ManualClock(),
    recursionAvailable: true,
    onMissingName: (pod, name) => missing.push([pod, name]),
    ...(maxCacheEntries !== undefined && { maxCacheEntries }),
  });
  const ask = (msg: Buffer, from = OUTSIDE, transport: Transport = 'udp'): Reply =>
    responder.respond(msg, from, transport);
  return { responder, catalog, missing, ask };
}

function headless(endpoints: number): ServiceRecord {
  return {
    name: 'big',
    namespace: 'default',
    clusterIP: 'None',
    ports: [],
    endpoints: Array.from({ length: endpoints }, (_, i) => ({ ip: `10.244.${i >> 8}.${i & 255}` })),
  };
}

describe('dns/responder', () => {
  it('answers from the catalog', () => {
    const { ask } = setup();
    const d = dnsPacket.decode(replyBytes(ask(query('web.default.svc.cluster.local', 'A'))));
    expect(d.answers?.map((a) => a.type === 'A' && a.data)).to.deep.equal(['10.96.0.10']);
  });

  it('reuses the encoded answer for the same name and type, with each query its own ID and case', () => {
    const { ask, catalog } = setup();
    const first = replyBytes(ask(query('web.default.svc.cluster.local', 'A', { id: 1 })));
    const calls = catalog.podByIpCalls;
    const second = replyBytes(ask(query('WEB.default.svc.cluster.local', 'A', { id: 2 })));
    expect(second.readUInt16BE(0)).to.equal(2);
    expect(dnsPacket.decode(second).questions?.[0]?.name).to.equal('WEB.default.svc.cluster.local');
    expect(second.subarray(2, 12).equals(first.subarray(2, 12))).to.equal(true);
    expect(second.subarray(12 + 4).equals(first.subarray(12 + 4))).to.equal(true);
    // A cache hit for an answer that does not depend on the asker does not even look the asker up.
    expect(catalog.podByIpCalls).to.equal(calls);
  });

  it('rebuilds its answers when the catalog version changes', () => {
    const catalog = new TestCatalog([web], [initPod]);
    const { ask } = setup(catalog);
    const name = 'myservice.default.svc.cluster.local';
    expect(rcodeOf(replyBytes(ask(query(name, 'A'))))).to.equal(3);
    catalog.set({ services: [web, myservice] });
    const d = dnsPacket.decode(replyBytes(ask(query(name, 'A'))));
    expect(d.answers?.map((a) => a.type === 'A' && a.data)).to.deep.equal(['10.96.0.20']);
    catalog.set({ services: [web] });
    expect(rcodeOf(replyBytes(ask(query(name, 'A'))))).to.equal(3);
  });

  it('does not rebuild while the catalog version stays the same', () => {
    const catalog = cluster();
    let reads = 0;
    const services = catalog.services.bind(catalog);
    catalog.services = () => {
      reads++;
      return services();
    };
    const { ask } = setup(catalog);
    for (let i = 0; i < 5; i++) ask(query(`n${i}.default.svc.cluster.local`, 'A'));
    expect(reads).to.equal(1);
  });

  describe('the missing-name listener', () => {
    it('is called once per query from a pod for a missing Service, cache hits included', () => {
      const { ask, missing } = setup();
      for (let i = 0; i < 3; i++) ask(query('mydb.default.svc.cluster.local', 'A', { id: i }), initPod.ip);
      ask(query('mydb.default.svc.cluster.local', 'AAAA'), initPod.ip, 'tcp');
      expect(missing).to.deep.equal(
        Array.from({ length: 4 }, () => [initPod, 'mydb.default.svc.cluster.local']),
      );
    });

    it('is not called for askers that are no pod, for names that exist, or for other expansions', () => {
      const { ask, missing } = setup();
      ask(query('mydb.default.svc.cluster.local', 'A'), OUTSIDE);
      ask(query('web.default.svc.cluster.local', 'A'), initPod.ip);
      ask(query('mydb.svc.cluster.local', 'A'), initPod.ip);
      ask(query('mydb.cluster.local', 'A'), initPod.ip);
      expect(missing).to.deep.equal([]);
    });
  });

  it('caches busybox-rule answers per asker namespace', () => {
    const { ask } = setup();
    const name = 'myservice.svc.cluster.local';
    expect(rcodeOf(replyBytes(ask(query(name, 'A'), initPod.ip)))).to.equal(0);
    expect(rcodeOf(replyBytes(ask(query(name, 'A'), prodPod.ip)))).to.equal(3);
    expect(rcodeOf(replyBytes(ask(query(name, 'A'), OUTSIDE)))).to.equal(3);
    expect(rcodeOf(replyBytes(ask(query(name, 'A'), initPod.ip)))).to.equal(0);
  });

  it('hands names outside the zone back for forwarding, NODATA-on-failure only for a local Service expansion', () => {
    const { ask } = setup();
    expect(ask(query('example.com', 'A'), initPod.ip)).to.deep.include({
      kind: 'forward',
      nodataOnFailure: false,
    });
    expect(ask(query('myservice.corp.example', 'A'), initPod.ip)).to.deep.include({ nodataOnFailure: true });
    expect(ask(query('myservice.corp.example', 'A'), prodPod.ip)).to.deep.include({ nodataOnFailure: false });
  });

  describe('size limits', () => {
    const name = 'big.default.svc.cluster.local';

    it('truncates a UDP answer to 512 bytes without EDNS and sets TC', () => {
      const { ask } = setup(new TestCatalog([headless(100)]));
      const buf = replyBytes(ask(query(name, 'A')));
      expect(buf.length).to.be.at.most(512);
      expect(truncatedBit(buf)).to.equal(true);
    });

    it('fits the advertised EDNS size over UDP', () => {
      const { ask } = setup(new TestCatalog([headless(100)]));
      const buf = replyBytes(ask(query(name, 'A', { edns: 4096 })));
      expect(truncatedBit(buf)).to.equal(false);
      expect(dnsPacket.decode(buf).answers).to.have.length(100);
    });

    it('truncates at the EDNS size when the answer is bigger', () => {
      const { ask } = setup(new TestCatalog([headless(100)]));
      const buf = replyBytes(ask(query(name, 'A', { edns: 1024 })));
      expect(buf.length).to.be.at.most(1024);
      expect(truncatedBit(buf)).to.equal(true);
      // The OPT record survives truncation.
      expect(dnsPacket.decode(buf).additionals?.[0]?.type).to.equal('OPT');
    });

    it('sends the whole answer over TCP', () => {
      const { ask } = setup(new TestCatalog([headless(1000)]));
      const buf = replyBytes(ask(query(name, 'A'), OUTSIDE, 'tcp'));
      expect(truncatedBit(buf)).to.equal(false);
      expect(dnsPacket.decode(buf).answers).to.have.length(1000);
    });
  });

  it('keeps its cache bounded and still answers right after it overflows', () => {
    const { ask, responder } = setup(cluster(), 10);
    for (let i = 0; i < 100; i++) ask(query(`n${i}.default.svc.cluster.local`, 'A'));
    expect(responder.cacheEntries).to.be.at.most(10);
    const d = dnsPacket.decode(replyBytes(ask(query('web.default.svc.cluster.local', 'A'))));
    expect(d.answers).to.have.length(1);
  });

  it('never throws on 50 000 random, truncated and corrupted packets, and answers each readable query by ID', () => {
    const { ask } = setup();
    const wrong: string[] = [];
    for (const msg of fuzzPackets(50_000, 7)) {
      const r = ask(msg, initPod.ip);
      const readable = msg.length >= 12 && (msg.readUInt8(2) & 0x80) === 0;
      if (r.kind === 'drop' ? readable : !readable) wrong.push(`${r.kind} for ${msg.toString('hex')}`);
      if (
        r.kind === 'reply' &&
        (r.buf.readUInt16BE(0) !== msg.readUInt16BE(0) || (r.buf.readUInt8(2) & 0x80) === 0)
      ) {
        wrong.push(`bad reply header for ${msg.toString('hex')}`);
      }
    }
    expect(wrong.slice(0, 5)).to.deep.equal([]);
  });
});
