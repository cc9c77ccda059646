// The DnsMetrics port (dns/metrics.ts) on prom-client, with CoreDNS's names and labels. One server block
// (server "dns://:53", zone "."), query types from a closed set: bounded series.
import { Counter, Histogram, type Registry, exponentialBuckets } from 'prom-client';
import { type Answered, type DnsMetrics, queryType, rcodeName } from '../../dns/metrics';

const BLOCK = { server: 'dns://:53', zone: '.', view: '' };

export class PromDnsMetrics implements DnsMetrics {
  private readonly requests: Counter<'server' | 'zone' | 'view' | 'proto' | 'family' | 'type'>;
  private readonly responses: Counter<'server' | 'zone' | 'view' | 'rcode' | 'plugin'>;
  private readonly duration: Histogram<'server' | 'zone' | 'view' | 'type'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'coredns_dns_requests_total',
      help: 'Counter of DNS requests made per zone, protocol and family.',
      labelNames: ['server', 'zone', 'view', 'proto', 'family', 'type'],
      registers,
    });
    this.responses = new Counter({
      name: 'coredns_dns_responses_total',
      help: 'Counter of response status codes.',
      labelNames: ['server', 'zone', 'view', 'rcode', 'plugin'],
      registers,
    });
    this.duration = new Histogram({
      name: 'coredns_dns_request_duration_seconds',
      help: 'Histogram of the time (in seconds) each request took per zone.',
      labelNames: ['server', 'zone', 'view', 'type'],
      buckets: exponentialBuckets(0.00025, 2, 16),
      registers,
    });
  }

  request(msg: Buffer, proto: 'udp' | 'tcp', family: '1' | '2'): Answered {
    const start = process.hrtime.bigint();
    const type = queryType(msg);
    this.requests.inc({ ...BLOCK, proto, family, type });
    return (reply) => {
      this.duration.observe({ ...BLOCK, type }, Number(process.hrtime.bigint() - start) / 1e9);
      this.responses.inc({ ...BLOCK, rcode: rcodeName(reply), plugin: '' });
    };
  }
}
