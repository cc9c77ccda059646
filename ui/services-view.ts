// Services with their endpoints (`kubectl get svc,ep -A` side by side), live from two watches.
import type { Api } from './api.js';
import { fill, h, table } from './dom.js';
import { renderQueue } from './render-queue.js';
import type { Endpoints, Service } from './types.js';

const key = (m: { namespace?: string; name: string }): string => `${m.namespace ?? ''}/${m.name}`;

const ports = (s: Service): string =>
  (s.spec.ports ?? [])
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
    .join(',') || '<none>';

const endpoints = (ep: Endpoints | undefined): string => {
  const all = (ep?.subsets ?? []).flatMap((s) =>
    (s.addresses ?? []).flatMap((a) => (s.ports?.length ? s.ports.map((p) => `${a.ip}:${p.port}`) : [a.ip])),
  );
  return all.length ? all.join(',') : '<none>';
};

export function servicesView(api: Api, root: HTMLElement): () => void {
  const services = new Map<string, Service>();
  const eps = new Map<string, Endpoints>();
  const t = table(['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'ENDPOINTS'], { id: 'services' });
  fill(root, h('h1', {}, 'Services'), t.el);
  const draw = (): void =>
    fill(
      t.body,
      ...[...services.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, s]) =>
          h(
            'tr',
            { 'data-service': k },
            h('td', {}, s.metadata.namespace ?? ''),
            h('td', {}, s.metadata.name),
            h('td', {}, s.spec.type ?? 'ClusterIP'),
            h('td', {}, s.spec.clusterIP ?? ''),
            h('td', {}, ports(s)),
            h('td', {}, endpoints(eps.get(k))),
          ),
        ),
    );
  const schedule = renderQueue(draw);
  const into = <T extends { metadata: { namespace?: string; name: string; resourceVersion?: string } }>(
    map: Map<string, T>,
  ) => ({
    event(e: { type: string; object: T }) {
      if (e.type === 'DELETED') map.delete(key(e.object.metadata));
      else map.set(key(e.object.metadata), e.object);
    },
    reset: () => map.clear(),
    flush: schedule,
  });
  const stops = [api.watch('/api/v1/services', into(services)), api.watch('/api/v1/endpoints', into(eps))];
  draw();
  return () => stops.forEach((stop) => stop());
}
