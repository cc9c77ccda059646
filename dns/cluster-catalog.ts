// The DnsCatalog over the agent's stores: Services with their ready endpoints, and pods with IPs.
// Rebuilt lazily, only after a store changed.
import type { Pod } from '../agent/model/pod';
import type { Endpoints, Service } from '../agent/model/service';
import type { ObjectStore } from '../agent/store/object-store';
import type { DnsCatalog, PodRecord, ServiceRecord } from './catalog';

export interface ClusterStores {
  pods: ObjectStore<Pod>;
  services: ObjectStore<Service>;
  endpoints: ObjectStore<Endpoints>;
}

function serviceRecord(svc: Service, ep: Endpoints | undefined): ServiceRecord {
  const endpoints = (ep?.subsets ?? []).flatMap((s) =>
    (s.addresses ?? []).map((a) => ({
      ip: a.ip,
      ...(a.hostname ? { hostname: a.hostname } : {}),
      ...(a.targetRef ? { podName: a.targetRef.name } : {}),
    })),
  );
  return {
    name: svc.metadata.name,
    namespace: svc.metadata.namespace,
    clusterIP: svc.spec.clusterIP,
    ports: svc.spec.ports.map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.port,
      protocol: p.protocol,
    })),
    endpoints,
  };
}

function podRecord(pod: Pod): PodRecord | undefined {
  const ip = pod.status.podIP;
  if (!ip) return undefined;
  return {
    name: pod.metadata.name,
    namespace: pod.metadata.namespace,
    ip,
    ...(pod.spec.hostname ? { hostname: pod.spec.hostname } : {}),
    ...(pod.spec.subdomain ? { subdomain: pod.spec.subdomain } : {}),
  };
}

export class ClusterCatalog implements DnsCatalog {
  private changes = 0;
  private builtAt = -1;
  private serviceList: ServiceRecord[] = [];
  private podList: PodRecord[] = [];
  private byIp = new Map<string, PodRecord>();
  private readonly unsubscribe: (() => void)[];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly stores: ClusterStores) {
    const bump = (): void => {
      this.changes++;
      for (const l of this.listeners) l();
    };
    this.unsubscribe = [
      stores.pods.onChange(bump),
      stores.services.onChange(bump),
      stores.endpoints.onChange(bump),
    ];
  }

  /** Told after each store change (the DNS workers' snapshot is published from here); returns unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const u of this.unsubscribe) u();
  }

  private build(): void {
    if (this.builtAt === this.changes) return;
    const { pods, services, endpoints } = this.stores;
    this.serviceList = services
      .list()
      .map((s) => serviceRecord(s, endpoints.get(s.metadata.namespace, s.metadata.name)));
    this.podList = pods.list().flatMap((p) => podRecord(p) ?? []);
    this.byIp = new Map(this.podList.map((p) => [p.ip, p]));
    this.builtAt = this.changes;
  }

  services(): ServiceRecord[] {
    this.build();
    return this.serviceList;
  }

  pods(): PodRecord[] {
    this.build();
    return this.podList;
  }

  podByIp(ip: string): PodRecord | undefined {
    this.build();
    return this.byIp.get(ip);
  }

  version(): number {
    return this.changes;
  }
}
