// The DNS series as prom-client prints them, fed from DnsCounts (the servers' per-query counters) at scrape.
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { PromDnsMetrics } from '../../../daemon/metrics/dns-metrics';
import { DnsCounts, typeIndex } from '../../../dns/metrics';

describe('daemon/metrics/dns-metrics: CoreDNS series from batched counts', () => {
  const reply = (rcode: number): Buffer => Buffer.from([0, 0, 0x81, rcode, 0, 0, 0, 0, 0, 0, 0, 0]);

  it('prints the duration histogram cumulatively with +Inf, sum and count, and drains each counter once', async () => {
    const registry = new Registry();
    const metrics = new PromDnsMetrics(registry);
    const local = new DnsCounts();
    const worker = new DnsCounts();
    metrics.attach(local);
    const A = typeIndex(1);
    local.request(A, false, false);
    local.answered(A, reply(0), 0.0001); // first bucket
    local.request(A, true, false);
    local.answered(A, reply(3), 0.003); // le 0.004
    worker.request(typeIndex(28), false, true);
    worker.answered(typeIndex(28), reply(0), 20); // past the last bound: +Inf only
    const batch = worker.drain()!;
    const other = new DnsCounts();
    other.merge(batch);
    metrics.attach(other);
    const text = await registry.metrics();
    const line = (start: string): string | undefined => text.split('\n').find((l) => l.startsWith(start));
    const b = 'server="dns://:53",zone=".",view=""';
    expect(line(`coredns_dns_request_duration_seconds_bucket{le="0.00025",${b},type="A"}`)).to.match(/ 1$/);
    expect(line(`coredns_dns_request_duration_seconds_bucket{le="0.002",${b},type="A"}`)).to.match(/ 1$/);
    expect(line(`coredns_dns_request_duration_seconds_bucket{le="0.004",${b},type="A"}`)).to.match(/ 2$/);
    expect(line(`coredns_dns_request_duration_seconds_bucket{le="+Inf",${b},type="A"}`)).to.match(/ 2$/);
    expect(line(`coredns_dns_request_duration_seconds_count{${b},type="A"}`)).to.match(/ 2$/);
    expect(line(`coredns_dns_request_duration_seconds_sum{${b},type="A"}`)).to.match(/ 0\.0031$/);
    expect(line(`coredns_dns_request_duration_seconds_bucket{le="8.192",${b},type="AAAA"}`)).to.match(/ 0$/);
    expect(line(`coredns_dns_request_duration_seconds_bucket{le="+Inf",${b},type="AAAA"}`)).to.match(/ 1$/);
    expect(line(`coredns_dns_requests_total{${b},proto="tcp",family="1",type="A"}`)).to.match(/ 1$/);
    expect(line(`coredns_dns_requests_total{${b},proto="udp",family="2",type="AAAA"}`)).to.match(/ 1$/);
    expect(line(`coredns_dns_responses_total{${b},rcode="NXDOMAIN",plugin=""}`)).to.match(/ 1$/);
    // A second scrape does not count the same queries again.
    const again = await registry.metrics();
    expect(
      again.split('\n').find((l) => l.startsWith(`coredns_dns_responses_total{${b},rcode="NOERROR"`)),
    ).to.match(/ 2$/);
  });
});
