// The agent's DNS: today's in-process DnsServer, plus, with --dns-workers N > 1 on a Node that can do it
// (dns/worker-plan.ts), N worker threads that take UDP on every DNS address while TCP stays here. The fallback
// is said once in the log.
import type { Clock } from '../agent/clock';
import type { Logger } from '../agent/log';
import type { MissingNameListener } from '../dns/catalog';
import type { ClusterCatalog } from '../dns/cluster-catalog';
import type { Upstream } from '../dns/forwarder';
import type { DnsMetrics } from '../dns/metrics';
import { dnsSourcePolicy } from '../dns/policy';
import { DnsServer } from '../dns/server';
import { DnsWorkerPool } from '../dns/worker-pool';
import { type DnsWorkerPlan, planDnsWorkers } from '../dns/worker-plan';

export interface AgentDnsOptions {
  catalog: ClusterCatalog;
  logger: Logger;
  clock: Clock;
  zone: string;
  upstreams: Upstream[];
  podCidr: string;
  ownAddresses: string[];
  qpsPerSource: number;
  workers: number;
  onMissingName: MissingNameListener;
  metrics: DnsMetrics;
  /** Default: this Node's (tests pass another). */
  plan?: DnsWorkerPlan;
}

const FORWARD_TIMEOUT_MS = 2_000; // under busybox's 2.5 s resend

export class AgentDns {
  /** Answers every query in-process, or only TCP when workers hold UDP. */
  readonly server: DnsServer;
  /** The worker threads, between start (the first listen) and close; none on the in-process path. */
  workers: DnsWorkerPool | undefined;
  private readonly plan: DnsWorkerPlan;

  constructor(private readonly o: AgentDnsOptions) {
    // Pods, loopback and this host's own addresses are answered; pods alone get forwarding (dns/policy.ts).
    const sources = dnsSourcePolicy(o.podCidr, o.ownAddresses);
    this.server = new DnsServer({
      catalog: o.catalog,
      logger: o.logger,
      clock: o.clock,
      zone: o.zone,
      upstreams: o.upstreams,
      forwardTimeoutMs: FORWARD_TIMEOUT_MS,
      // Never an open resolver: only pods get names outside the zone forwarded.
      allowForward: (ip) => sources.allowForward(ip),
      allowQuery: (ip) => sources.allowQuery(ip),
      // Loopback is exempt, so a benchmark or a host resolver on 127.0.0.1 is never limited.
      rateLimit: { qpsPerSource: o.qpsPerSource, exempt: (ip) => sources.exempt(ip) },
      // "Why is my pod stuck?": a pod keeps asking for a Service that does not exist.
      onMissingName: o.onMissingName,
      metrics: o.metrics,
    });
    this.plan = o.plan ?? planDnsWorkers(o.workers);
    if (this.plan.fallback) o.logger.warn('dns workers unavailable', { reason: this.plan.fallback });
  }

  /** Serves DNS on host:port (UDP and TCP; 0 picks a free port, the same for both); resolves to the port. */
  async listen(host: string, port: number): Promise<number> {
    if (this.plan.workers === 0) return (await this.server.listen(host, port)).udpPort;
    this.workers ??= this.startWorkers(this.plan.workers);
    const { tcpPort } = await this.server.listen(host, port, { udp: false });
    return this.workers.listen(host, tcpPort);
  }

  /** Where it listens (host and port, UDP and TCP alike), in the order listen() was called. */
  addresses(): { host: string; port: number }[] {
    return this.server.addresses();
  }

  /** Answers in the in-process server's cache now (workers keep their own). */
  get cacheEntries(): number {
    return this.server.cacheEntries;
  }

  async close(): Promise<void> {
    await Promise.all([this.server.close(), this.workers?.close()]);
  }

  private startWorkers(count: number): DnsWorkerPool {
    const o = this.o;
    this.o.logger.info('dns workers starting', { workers: count });
    return new DnsWorkerPool({
      count,
      config: {
        zone: o.zone,
        upstreams: o.upstreams,
        forwardTimeoutMs: FORWARD_TIMEOUT_MS,
        podCidr: o.podCidr,
        ownAddresses: o.ownAddresses,
        qpsPerSource: o.qpsPerSource,
      },
      catalog: o.catalog,
      onCatalogChange: (l) => o.catalog.onChange(l),
      logger: o.logger,
      clock: o.clock,
      metrics: o.metrics,
      onMissingName: o.onMissingName,
    });
  }
}
