// The server's per-query counts (CoreDNS's series) for answers from the reply cache and for the others alike.
import { expect } from 'chai';
import { DURATION_BUCKETS, DnsCounts, QUERY_TYPES } from '../../../dns/metrics';
import { query, startServer, udpAsk } from './fixtures';

const NB = DURATION_BUCKETS.length + 1;
const typeAt = (name: string): number => QUERY_TYPES.indexOf(name);

describe('dns/server metrics', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('keeps requests, responses, buckets and sums apart in its one array, and merges a batch back', () => {
    const counts = new DnsCounts();
    const other = QUERY_TYPES.length - 1;
    const reply = Buffer.alloc(12);
    reply[3] = 15; // the last rcode
    counts.request(other, true, true);
    counts.answered(other, reply, 1000); // past the last bound: +Inf
    const batch = counts.drain()!;
    const nonZero = (xs: number[]): [number, number][] =>
      xs.flatMap((x, i): [number, number][] => (x ? [[i, x]] : []));
    expect(batch.requests.length).to.equal(QUERY_TYPES.length * 4);
    expect(nonZero(batch.requests)).to.deep.equal([[other * 4 + 3, 1]]);
    expect(nonZero(batch.responses)).to.deep.equal([[15, 1]]);
    expect(nonZero(batch.buckets)).to.deep.equal([[other * NB + NB - 1, 1]]);
    expect(nonZero(batch.sums)).to.deep.equal([[other, 1000]]);
    expect(counts.drain()).to.equal(undefined);
    counts.merge(batch);
    counts.merge(batch);
    expect(nonZero(counts.drain()!.buckets)).to.deep.equal([[other * NB + NB - 1, 2]]);
  });

  it('counts reply-cache hits by type and rcode, with one duration each, like the answers before them', async () => {
    let counts: DnsCounts | undefined;
    const { server, port } = await startServer(cleanup, { metrics: { attach: (c) => (counts = c) } });
    const ask = (name: string, type: 'A' | 'AAAA', id: number): Promise<Buffer> =>
      udpAsk(port, query(name, type, { id }));
    for (let id = 1; id <= 40; id++) await ask('web.default.svc.cluster.local', 'A', id);
    for (let id = 1; id <= 3; id++) await ask('web.default.svc.cluster.local', 'AAAA', id); // NODATA
    for (let id = 1; id <= 2; id++) await ask('gone.default.svc.cluster.local', 'A', id); // NXDOMAIN
    expect(server.cacheEntries).to.be.greaterThan(0);
    const batch = counts!.drain()!;
    const requests = (type: string): number => batch.requests[typeAt(type) * 4]!; // UDP, IPv4
    const observed = (type: string): number =>
      batch.buckets.slice(typeAt(type) * NB, (typeAt(type) + 1) * NB).reduce((a, b) => a + b, 0);
    expect(requests('A')).to.equal(42);
    expect(requests('AAAA')).to.equal(3);
    expect(batch.responses[0]).to.equal(43);
    expect(batch.responses[3]).to.equal(2);
    expect(observed('A')).to.equal(42);
    expect(observed('AAAA')).to.equal(3);
    expect(batch.sums[typeAt('A')]).to.be.greaterThan(0);
  });
});
