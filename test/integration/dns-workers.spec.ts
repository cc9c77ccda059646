// --dns-workers 2 on the in-process agent (memory runtime: loopback only, no Docker needed). On Node >= 22.12
// (Linux) two worker threads share the UDP port (SO_REUSEPORT): a Service created after start resolves
// through both, and its deletion makes it NXDOMAIN on both. On an older Node the daemon says once that it
// falls back to one socket and DNS works as before.
import { expect } from 'chai';
import * as dnsPacket from 'dns-packet';
import { systemClock } from '../../agent/clock';
import { type LogRecord, capturingLogger } from '../../agent/log';
import { MemoryRuntime } from '../../agent/runtime/memory-runtime';
import { hasUdpReusePort } from '../../dns/worker-plan';
import { Harness } from '../helpers/harness';
import { query, rcodeOf, udpAsk } from '../unit/dns/fixtures';

const NAME = 'late.default.svc.cluster.local';
/** Queries from this many source ports: the kernel hashes each to one of the two sockets. */
const ASKS = 64;

describe('DNS worker threads (--dns-workers 2, memory runtime, loopback)', function () {
  this.timeout(60_000);
  let h: Harness;
  let records: LogRecord[];
  let port: number;
  const workers = hasUdpReusePort({ version: process.versions.node, platform: process.platform });

  before(async () => {
    records = [];
    h = await new Harness({
      runtime: new MemoryRuntime(systemClock),
      logger: capturingLogger(records),
      flags: ['--dns-workers', '2'],
    }).start();
    port = h.agent.dns.addresses()[0]!.port;
  });
  after(async () => h?.stop());

  /** The rcodes and A records of ASKS queries, each from a fresh socket (a new source port). */
  async function askAll(): Promise<{ rcodes: Set<number>; ips: Set<string> }> {
    const rcodes = new Set<number>();
    const ips = new Set<string>();
    const replies = await Promise.all(
      Array.from({ length: ASKS }, (_, i) =>
        udpAsk(port, query(NAME, 'A', { id: i + 1 }), { timeoutMs: 2000 }),
      ),
    );
    for (const r of replies) {
      rcodes.add(rcodeOf(r));
      for (const a of dnsPacket.decode(r).answers ?? []) if (a.type === 'A') ips.add(a.data);
    }
    return { rcodes, ips };
  }

  async function eventually(what: string, ok: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it(
    workers ? 'runs two workers on one port' : 'falls back to one in-process socket and says why once',
    () => {
      const fallbacks = records.filter((r) => r.message === 'dns workers unavailable');
      if (workers) {
        expect(fallbacks).to.have.length(0);
        expect(h.agent.dns.workers?.running).to.equal(2);
      } else {
        expect(fallbacks).to.have.length(1);
        expect(String(fallbacks[0]!.fields['reason'])).to.include('SO_REUSEPORT');
        expect(h.agent.dns.workers).to.equal(undefined);
      }
    },
  );

  it('resolves a Service created after start through every worker, and NXDOMAIN once deleted', async () => {
    const before = h.agent.dns.workers?.answeredByWorker() ?? [];
    const res = await h.api.inject({
      method: 'POST',
      url: '/services',
      payload: { kind: 'Service', metadata: { name: 'late' }, spec: { ports: [{ port: 80 }] } },
    });
    expect(res.statusCode, res.body).to.equal(201);
    const clusterIP = res.json<{ spec: { clusterIP: string } }>().spec.clusterIP;
    // Every socket must have the new snapshot: all ASKS answers agree.
    await eventually('the Service on every socket', async () => {
      const { rcodes, ips } = await askAll();
      return rcodes.size === 1 && rcodes.has(0) && ips.size === 1 && ips.has(clusterIP);
    });
    if (workers) {
      const pool = h.agent.dns.workers!;
      // Counts come in batches (every 250 ms): both workers answered some of the queries.
      await eventually('both workers counted', async () =>
        pool.answeredByWorker().every((n, i) => n > (before[i] ?? 0)),
      );
    }
    const del = await h.api.inject({ method: 'DELETE', url: '/services/late' });
    expect(del.statusCode, del.body).to.be.oneOf([200, 202]);
    await eventually('NXDOMAIN on every socket', async () => {
      const { rcodes } = await askAll();
      return rcodes.size === 1 && rcodes.has(3);
    });
  });

  it('starts a worker that died again (a log line), and every query is answered on the shared port', async function () {
    if (!workers) this.skip();
    const pool = h.agent.dns.workers!;
    await pool.terminate(1);
    await eventually('the restart logged', async () =>
      records.some((r) => r.message === 'dns worker restarted' && r.fields['worker'] === 1),
    );
    expect(records.some((r) => r.message === 'dns worker exited, restarting it')).to.equal(true);
    expect(pool.running).to.equal(2);
    const before = pool.answeredByWorker();
    const { rcodes } = await askAll();
    expect([...rcodes]).to.deep.equal([3]); // `late` was deleted above: NXDOMAIN from both sockets
    await eventually('both workers counted again', async () =>
      pool.answeredByWorker().every((n, i) => n > (before[i] ?? 0)),
    );
  });

  it("counts the workers' queries in coredns_dns_requests_total", async () => {
    const scrape = async (): Promise<number> => {
      const body = (await h.api.inject({ url: '/metrics' })).body;
      return body
        .split('\n')
        .filter((l) => l.startsWith('coredns_dns_requests_total{'))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    };
    const before = await scrape();
    await askAll();
    await eventually('the batch in /metrics', async () => (await scrape()) >= before + ASKS);
  });
});
