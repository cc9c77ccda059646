import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { CatalogPublisher } from '../../../dns/catalog-publisher';
import { SnapshotCatalog, serializeCatalog } from '../../../dns/catalog-snapshot';
import { Responder } from '../../../dns/responder';
import { cluster, db, initPod, myservice, query, web } from './fixtures';

describe('dns/catalog-publisher and catalog-snapshot: what DNS workers answer from', () => {
  function setup() {
    const catalog = cluster();
    const listeners = new Set<() => void>();
    const deferred: (() => void)[] = [];
    const published: string[] = [];
    const publisher = new CatalogPublisher({
      catalog,
      onChange: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      clock: new ManualClock(1_700_000_000_000),
      publish: (json) => published.push(json),
      defer: (fn) => deferred.push(fn),
    });
    const change = (services: (typeof web)[]) => {
      catalog.set({ services });
      for (const l of listeners) l();
    };
    const runDeferred = () => deferred.splice(0).forEach((fn) => fn());
    return { catalog, publisher, published, change, runDeferred, listeners };
  }

  it('publishes once per burst of changes, with the catalog as it is after the burst', () => {
    const t = setup();
    t.change([web]);
    t.change([web, db]);
    t.change([web, db, myservice]);
    expect(t.published).to.have.length(0); // deferred
    t.runDeferred();
    expect(t.published).to.have.length(1);
    const snap = new SnapshotCatalog();
    snap.replace(t.published[0]!);
    expect([...snap.services()].map((s) => s.name)).to.deep.equal(['web', 'db', 'myservice']);
  });

  it('serializes once per change however many workers ask (current() is cached until the catalog moves)', () => {
    const t = setup();
    const a = t.publisher.current();
    expect(t.publisher.current()).to.equal(a);
    t.change([web]);
    t.runDeferred();
    expect(t.published).to.deep.equal([t.publisher.current()]);
    expect(t.publisher.current()).to.not.equal(a);
  });

  it('stops listening on close', () => {
    const t = setup();
    t.publisher.close();
    expect(t.listeners.size).to.equal(0);
  });

  it('answers byte for byte as the live catalog, SOA serial included', () => {
    const live = cluster();
    const clock = new ManualClock(1_700_000_123_000);
    const snap = new SnapshotCatalog();
    snap.replace(serializeCatalog(live, clock.now()));
    const opts = { zone: 'cluster.local', clock, recursionAvailable: false };
    const a = new Responder({ ...opts, catalog: live });
    const b = new Responder({ ...opts, catalog: snap });
    const questions = [
      query('web.default.svc.cluster.local', 'A'),
      query('_http._tcp.web.default.svc.cluster.local', 'SRV'),
      query('nothing.default.svc.cluster.local', 'A'),
      query('myservice.svc.cluster.local', 'A'),
      query('10.0.96.10.in-addr.arpa', 'PTR'),
      query('web.default.svc.cluster.local', 'AAAA', { edns: 1232 }),
    ];
    for (const q of questions) {
      for (const source of ['127.0.0.1', initPod.ip]) {
        const ra = a.respond(q, source, 'udp');
        const rb = b.respond(q, source, 'udp');
        expect(rb.kind).to.equal(ra.kind);
        if (ra.kind === 'reply' && rb.kind === 'reply') expect(rb.buf.equals(ra.buf)).to.equal(true);
      }
    }
  });

  it('moves its version on every replace, so the responder drops its tables', () => {
    const snap = new SnapshotCatalog();
    const v0 = snap.version();
    snap.replace(serializeCatalog(cluster(), 0));
    expect(snap.version()).to.equal(v0 + 1);
    expect(snap.podByIp(initPod.ip)?.name).to.equal(initPod.name);
  });
});
