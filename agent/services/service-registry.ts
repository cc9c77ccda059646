// Creating and deleting Services: validation, ClusterIP allocation and release, kept consistent with the store.
import type { Service } from '../model/service';
import { decodeService } from '../model/service-decode';
import type { ObjectStore } from '../store/object-store';
import { ClusterIpAllocator } from './cluster-ip-allocator';

export class ServiceRegistry {
  private readonly ips: ClusterIpAllocator;

  constructor(
    private readonly store: ObjectStore<Service>,
    serviceCidr: string,
  ) {
    this.ips = new ClusterIpAllocator(serviceCidr);
    for (const s of store.list()) if (s.spec.clusterIP !== 'None') this.ips.claim(s.spec.clusterIP);
  }

  create(raw: unknown, namespace: string): Service {
    const svc = decodeService(raw, namespace);
    if (this.store.get(namespace, svc.metadata.name)) return this.store.create(svc); // AlreadyExists, before allocating
    const requested = svc.spec.clusterIP;
    const headless = requested === 'None';
    const ip = headless ? 'None' : this.ips.allocate(svc.metadata.name, requested || undefined);
    svc.spec.clusterIP = ip;
    svc.spec.clusterIPs = [ip];
    try {
      return this.store.create(svc);
    } catch (err) {
      if (!headless) this.ips.release(ip);
      throw err;
    }
  }

  delete(namespace: string, name: string): Service {
    const svc = this.store.remove(namespace, name);
    if (svc.spec.clusterIP !== 'None') this.ips.release(svc.spec.clusterIP);
    return svc;
  }
}
