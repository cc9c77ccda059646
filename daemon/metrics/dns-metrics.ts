// The DnsMetrics port (dns/metrics.ts) on prom-client, with CoreDNS's names and labels. One server block
// (server "dns://:53", zone "."), query types from a closed set: bounded series. The DNS servers count in
// DnsCounts; every scrape drains them into the series here (so a scrape right after a query sees it).
import { Counter, type Registry } from 'prom-client';
import {
  DURATION_BUCKETS,
  type DnsCountBatch,
  type DnsCounts,
  type DnsMetrics,
  QUERY_TYPES,
  rcodeLabel,
  requestSamples,
} from '../../dns/metrics';

const BLOCK = { server: 'dns://:53', zone: '.', view: '' };
const DURATION = 'coredns_dns_request_duration_seconds';
const NB = DURATION_BUCKETS.length + 1;

interface Sample {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
}

export class PromDnsMetrics implements DnsMetrics {
  private readonly requests: Counter<'server' | 'zone' | 'view' | 'proto' | 'family' | 'type'>;
  private readonly responses: Counter<'server' | 'zone' | 'view' | 'rcode' | 'plugin'>;
  private readonly sources = new Set<DnsCounts>();
  // The duration histogram's totals by type: buckets (not cumulative) and sums. prom-client's Histogram takes
  // one observation at a time, so this histogram is a metric object of its own that adds whole batches.
  private readonly buckets = new Float64Array(QUERY_TYPES.length * NB);
  private readonly sums = new Float64Array(QUERY_TYPES.length);

  constructor(registry: Registry) {
    const registers = [registry];
    const pull = (): void => this.pull();
    this.requests = new Counter({
      name: 'coredns_dns_requests_total',
      help: 'Counter of DNS requests made per zone, protocol and family.',
      labelNames: ['server', 'zone', 'view', 'proto', 'family', 'type'],
      registers,
      collect: pull,
    });
    this.responses = new Counter({
      name: 'coredns_dns_responses_total',
      help: 'Counter of response status codes.',
      labelNames: ['server', 'zone', 'view', 'rcode', 'plugin'],
      registers,
      collect: pull,
    });
    const histogram = {
      name: DURATION,
      help: 'Histogram of the time (in seconds) each request took per zone.',
      type: 'histogram',
      aggregator: 'sum',
      get: () => {
        this.pull();
        return {
          name: DURATION,
          help: histogram.help,
          type: 'histogram',
          aggregator: 'sum',
          values: this.durationValues(),
        };
      },
    };
    registry.registerMetric(histogram as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  attach(counts: DnsCounts): void {
    this.sources.add(counts);
  }

  private pull(): void {
    for (const s of this.sources) {
      const batch = s.drain();
      if (batch) this.add(batch);
    }
  }

  private add(batch: DnsCountBatch): void {
    for (const { proto, family, type, n } of requestSamples(batch))
      this.requests.inc({ ...BLOCK, proto, family, type }, n);
    batch.responses.forEach((n, code) => {
      if (n) this.responses.inc({ ...BLOCK, rcode: rcodeLabel(code), plugin: '' }, n);
    });
    batch.buckets.forEach((n, i) => (this.buckets[i]! += n));
    batch.sums.forEach((n, i) => (this.sums[i]! += n));
  }

  // prom-client's histogram shape (the same text its Histogram prints): cumulative `_bucket` samples with `le`
  // first, then `_sum` and `_count`, for each type seen.
  private durationValues(): Sample[] {
    const out: Sample[] = [];
    QUERY_TYPES.forEach((type, t) => {
      let acc = 0;
      const cumulative: number[] = [];
      for (let b = 0; b < NB; b++) cumulative.push((acc += this.buckets[t * NB + b]!));
      if (acc === 0) return;
      const sharedLabels = { ...BLOCK, type };
      cumulative.forEach((value, b) =>
        out.push({
          labels: { le: b < DURATION_BUCKETS.length ? DURATION_BUCKETS[b]! : '+Inf' },
          sharedLabels,
          value,
          metricName: `${DURATION}_bucket`,
        }),
      );
      out.push({ labels: {}, sharedLabels, value: this.sums[t]!, metricName: `${DURATION}_sum` });
      out.push({ labels: {}, sharedLabels, value: acc, metricName: `${DURATION}_count` });
    });
    return out;
  }
}
