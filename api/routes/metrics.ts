// The Prometheus endpoints: /metrics (the kubelet's, the DNS server's and the process's series),
// /metrics/resource (CPU and memory of containers, pods and the node) and /metrics/probes. Behind the same
// token as every other path (api/auth.ts).
import type { FastifyInstance } from 'fastify';

export type MetricsPath = 'metrics' | 'resource' | 'probes';

/** What the daemon's metrics registries offer the API. */
export interface MetricsEndpoints {
  contentType: string;
  render(path: MetricsPath): Promise<string>;
}

export function metricsRoutes(app: FastifyInstance, metrics: MetricsEndpoints): void {
  const serve = (url: string, path: MetricsPath): void => {
    app.get(url, async (_req, reply) => reply.type(metrics.contentType).send(await metrics.render(path)));
  };
  serve('/metrics', 'metrics');
  serve('/metrics/resource', 'resource');
  serve('/metrics/probes', 'probes');
}
