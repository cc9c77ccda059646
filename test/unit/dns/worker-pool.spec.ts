// One worker thread (no SO_REUSEPORT needed, so this runs on every Node line): it answers from the published
// snapshot, follows catalog changes, reports counts in batches, is started again when it dies, and stops.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { type LogRecord, capturingLogger } from '../../../agent/log';
import { DnsCounts, type DnsMetrics } from '../../../dns/metrics';
import { DnsWorkerPool } from '../../../dns/worker-pool';
import { cluster, myservice, query, rcodeOf, udpAsk, web } from './fixtures';
import * as dnsPacket from 'dns-packet';

describe('dns/worker-pool: DNS in a worker thread', function () {
  this.timeout(20_000);
  let pool: DnsWorkerPool | undefined;
  afterEach(async () => pool?.close());

  async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const v = await Promise.resolve(fn()).catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  function start(records: LogRecord[] = [], counted: DnsCounts[] = []) {
    const catalog = cluster();
    const listeners = new Set<() => void>();
    const metrics: DnsMetrics = { attach: (c) => counted.push(c) };
    pool = new DnsWorkerPool({
      count: 1,
      config: {
        zone: 'cluster.local',
        upstreams: [],
        forwardTimeoutMs: 500,
        podCidr: '10.244.0.0/16',
        ownAddresses: [],
        qpsPerSource: 0,
        flushMs: 20,
      },
      catalog,
      onCatalogChange: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      logger: capturingLogger(records),
      clock: systemClock,
      metrics,
      restartDelayMs: 10,
    });
    const change = (services: (typeof web)[]) => {
      catalog.set({ services });
      for (const l of listeners) l();
    };
    return { pool, change };
  }

  const aOf = async (port: number, name: string): Promise<string[]> => {
    const reply = await udpAsk(port, query(name, 'A'), { timeoutMs: 500 });
    return rcodeOf(reply) === 0
      ? dnsPacket.decode(reply).answers!.map((a) => String((a as { data: unknown }).data))
      : [];
  };

  it('answers from the snapshot and follows catalog changes', async () => {
    const { pool, change } = start();
    const port = await pool.listen('127.0.0.1', 0);
    expect(await aOf(port, 'web.default.svc.cluster.local')).to.deep.equal([web.clusterIP]);
    change([myservice]);
    await until('web gone', async () =>
      rcodeOf(await udpAsk(port, query('web.default.svc.cluster.local', 'A'))) === 3 ? true : undefined,
    );
    expect(await aOf(port, 'myservice.default.svc.cluster.local')).to.deep.equal([myservice.clusterIP]);
  });

  it('reports counts to the main thread in batches', async () => {
    const counted: DnsCounts[] = [];
    const { pool } = start([], counted);
    const port = await pool.listen('127.0.0.1', 0);
    for (let i = 0; i < 5; i++) await aOf(port, 'web.default.svc.cluster.local');
    const total = await until('counts', () => {
      const n = pool.answeredByWorker()[0]!;
      return n >= 5 ? n : undefined;
    });
    expect(total).to.equal(5);
    const batch = counted[0]!.drain()!;
    expect(batch.requests.reduce((a, b) => a + b, 0)).to.equal(5);
    expect(batch.responses[0]).to.equal(5);
  });

  it('starts a worker that died again, with a log line, and it answers on the same port', async () => {
    const records: LogRecord[] = [];
    const { pool } = start(records);
    const port = await pool.listen('127.0.0.1', 0);
    await pool.terminate(0);
    await until('restart logged', () =>
      records.find((r) => r.message === 'dns worker exited, restarting it'),
    );
    await until('listening again', () => records.find((r) => r.message === 'dns worker restarted'));
    expect(await aOf(port, 'web.default.svc.cluster.local')).to.deep.equal([web.clusterIP]);
    expect(pool.running).to.equal(1);
  });

  it('stops its workers on close and starts none after', async () => {
    const { pool } = start();
    await pool.listen('127.0.0.1', 0);
    await pool.close();
    expect(pool.running).to.equal(0);
  });
});
