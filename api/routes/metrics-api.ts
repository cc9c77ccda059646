// metrics.k8s.io/v1beta1, read-only, as metrics-server serves it, for `kubectl top pod|node`: PodMetrics and
// NodeMetrics from the stats collector's last sample (working set = usage - inactive_file; CPU as a rate
// over the window between two samples). Plain routes listed in discovery as an extra group: the generic
// verbs would want upstream schemas and an object store; moving them there is the way on.
import type { FastifyInstance } from 'fastify';
import { MiniKubeletError } from '../../agent/errors';
import type { ContainerUsage, ResourceUsage, Usage, UsageSnapshot } from '../../agent/ports/resource-usage';
import type { ApiDeps } from '../deps';
import { listedResource } from '../resources';
import { parseLabelSelector } from '../selectors';
import type { ExtraGroup } from './discovery';

export const METRICS_GROUP = 'metrics.k8s.io';
const VERSION = 'v1beta1';
const GV = `${METRICS_GROUP}/${VERSION}`;

const GROUP_VERSION = { group: METRICS_GROUP, version: VERSION };
const READ = ['get', 'list'];

/** The group for discovery (/apis, legacy and aggregated; /apis/metrics.k8s.io[/v1beta1]). */
export const metricsDiscovery: ExtraGroup = {
  gv: GROUP_VERSION,
  defs: [
    listedResource(GROUP_VERSION, 'nodes', 'NodeMetrics', false, READ, ''),
    listedResource(GROUP_VERSION, 'pods', 'PodMetrics', true, READ, ''),
  ],
};

const usage = (u: Usage): { cpu: string; memory: string } => ({
  cpu: `${Math.round(u.cpuCores * 1e9)}n`,
  memory: `${Math.round(u.workingSetBytes / 1024)}Ki`,
});

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const windowOf = (s: UsageSnapshot): string => `${Math.max(1, Math.round(s.windowSeconds))}s`;

interface Query {
  Params: { namespace?: string; name?: string };
  Querystring: { labelSelector?: string };
}

export function metricsApiRoutes(app: FastifyInstance, deps: ApiDeps, stats: ResourceUsage): void {
  const podMetrics = (snap: UsageSnapshot, namespace?: string, name?: string): object[] => {
    const by = new Map<string, ContainerUsage[]>();
    for (const c of snap.containers) {
      if ((namespace && c.namespace !== namespace) || (name && c.pod !== name)) continue;
      by.set(c.podUid, [...(by.get(c.podUid) ?? []), c]);
    }
    return [...by.values()].flatMap((cs) => {
      const first = cs[0];
      const pod = first && deps.pods.get(first.namespace, first.pod);
      if (!first || !pod) return [];
      return [
        {
          kind: 'PodMetrics',
          apiVersion: GV,
          metadata: {
            name: first.pod,
            namespace: first.namespace,
            creationTimestamp: stamp(deps.clock.now()),
            labels: pod.metadata.labels ?? {},
          },
          timestamp: stamp(snap.at),
          window: windowOf(snap),
          containers: cs.map((c) => ({ name: c.container, usage: usage(c) })),
        },
      ];
    });
  };
  const nodeMetrics = (snap: UsageSnapshot): object[] =>
    deps.nodes.list().flatMap((n) =>
      snap.node
        ? [
            {
              kind: 'NodeMetrics',
              apiVersion: GV,
              metadata: {
                name: n.metadata.name,
                creationTimestamp: stamp(deps.clock.now()),
                labels: n.metadata.labels ?? {},
              },
              timestamp: stamp(snap.at),
              window: windowOf(snap),
              usage: usage(snap.node),
            },
          ]
        : [],
    );
  const list = (kind: string, items: object[], selector: string | undefined): object => {
    const match = parseLabelSelector(selector);
    return {
      kind: `${kind}List`,
      apiVersion: GV,
      metadata: {},
      items: items.filter((i) =>
        match((i as { metadata: { labels: Record<string, string> } }).metadata.labels),
      ),
    };
  };
  const one = (kind: string, items: object[], name: string): object => {
    const found = items[0];
    if (!found)
      throw new MiniKubeletError('NotFound', `${kind.toLowerCase()}s.${METRICS_GROUP} "${name}" not found`);
    return found;
  };
  const base = `/apis/${GV}`;
  app.get<Query>(`${base}/pods`, async (req) =>
    list('PodMetrics', podMetrics(stats.snapshot()), req.query.labelSelector),
  );
  app.get<Query>(`${base}/namespaces/:namespace/pods`, async (req) =>
    list('PodMetrics', podMetrics(stats.snapshot(), req.params.namespace), req.query.labelSelector),
  );
  app.get<Query>(`${base}/namespaces/:namespace/pods/:name`, async (req) =>
    one(
      'PodMetrics',
      podMetrics(stats.snapshot(), req.params.namespace, req.params.name),
      req.params.name ?? '',
    ),
  );
  app.get<Query>(`${base}/nodes`, async (req) =>
    list('NodeMetrics', nodeMetrics(stats.snapshot()), req.query.labelSelector),
  );
  app.get<Query>(`${base}/nodes/:name`, async (req) =>
    one(
      'NodeMetrics',
      nodeMetrics(stats.snapshot()).filter(
        (n) => (n as { metadata: { name: string } }).metadata.name === req.params.name,
      ),
      req.params.name ?? '',
    ),
  );
}
