// The daemon's Prometheus registries, one per endpoint: /metrics (kubelet, DNS, process), /metrics/resource
// and /metrics/probes. Built once per agent (no prom-client global registry), so agents in one process
// (the tests) keep apart.
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Pod } from '../../agent/model/pod';
import type { ResourceUsage } from '../../agent/ports/resource-usage';
import type { MetricsEndpoints, MetricsPath } from '../../api/routes/metrics';
import { PromDnsMetrics } from './dns-metrics';
import { PromKubeletMetrics } from './kubelet-metrics';
import { registerResourceMetrics } from './resource-metrics';

/**
 * How often the event loop lag is sampled (prom-client's default, 10 ms, woke an idle daemon ~200 times a
 * second: 0.9 % of a core, and 1 % of the DNS server's throughput on a shared core; BENCHMARKS.md, DNS).
 */
const LAG_SAMPLE_MS = 100;

const LINT_FAILURES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export interface DaemonMetrics {
  kubelet: PromKubeletMetrics;
  dns: PromDnsMetrics;
  endpoints: MetricsEndpoints;
}

export function createMetrics(o: {
  nodeName: string;
  pods: () => Pod[];
  usage: ResourceUsage;
  nowSeconds: () => number;
}): DaemonMetrics {
  const registries: Record<MetricsPath, Registry> = {
    metrics: new Registry(),
    resource: new Registry(),
    probes: new Registry(),
  };
  collectDefaultMetrics({ register: registries.metrics, eventLoopMonitoringPrecision: LAG_SAMPLE_MS });
  // Gauges whose names promtool's lint refuses ("non-counter metrics should not have _total suffix")
  for (const name of LINT_FAILURES) registries.metrics.removeSingleMetric(name);
  registerResourceMetrics(registries.resource, o.usage);
  return {
    kubelet: new PromKubeletMetrics({
      registry: registries.metrics,
      probes: registries.probes,
      nodeName: o.nodeName,
      pods: o.pods,
      nowSeconds: o.nowSeconds,
    }),
    dns: new PromDnsMetrics(registries.metrics),
    endpoints: {
      contentType: registries.metrics.contentType,
      render: (path) => registries[path].metrics(),
    },
  };
}
