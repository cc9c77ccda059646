// Creating and deleting Services: validation, ClusterIP allocation and release, kept consistent with the store.
import type { Service } from '../model/service';
import { decodeService } from '../model/service-decode';
import { decodeServiceUpdate } from '../model/service-update';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';
import { ClusterIpAllocator } from './cluster-ip-allocator';
import { isKubernetesService } from './kubernetes-service';

export class ServiceRegistry implements Registry<Service> {
  private readonly ips: ClusterIpAllocator;

  constructor(
    private readonly store: ObjectStore<Service>,
    serviceCidr: string,
  ) {
    this.ips = new ClusterIpAllocator(serviceCidr);
    for (const s of store.list()) if (s.spec.clusterIP !== 'None') this.ips.claim(s.spec.clusterIP);
  }

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): Service {
    const svc = decodeService(raw, namespace);
    if (this.store.get(namespace, svc.metadata.name) || opts.dryRun) return this.store.create(svc, opts); // AlreadyExists, before allocating
    const requested = svc.spec.clusterIP;
    const headless = requested === 'None';
    // Only default/kubernetes may hold the range's first address (kubernetes-service.ts)
    const reserved = isKubernetesService(svc);
    const ip = headless ? 'None' : this.ips.allocate(svc.metadata.name, requested || undefined, reserved);
    svc.spec.clusterIP = ip;
    svc.spec.clusterIPs = [ip];
    try {
      return this.store.create(svc, opts);
    } catch (err) {
      if (!headless) this.ips.release(ip);
      throw err;
    }
  }

  /** The ClusterIP the `kubernetes` Service is made with: the range's first address. */
  get firstAddress(): string {
    return this.ips.firstAddress;
  }

  /** Who holds a ClusterIP now ("ns/name"), if anyone. */
  holderOf(ip: string): string | undefined {
    const svc = this.store.list().find((s) => s.spec.clusterIP === ip);
    return svc ? `${svc.metadata.namespace}/${svc.metadata.name}` : undefined;
  }

  /** PUT and PATCH results: validated against the stored Service, ClusterIP kept. */
  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): Service {
    const old = this.store.mustGet(namespace, name);
    const next = decodeServiceUpdate(old, raw);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return this.store.update(next, { specChanged, ...opts });
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): Service {
    const existing = this.store.mustGet(namespace, name);
    checkPreconditions(existing, opts);
    if (opts.dryRun) return existing;
    const svc = this.store.remove(namespace, name);
    if (svc.spec.clusterIP !== 'None') this.ips.release(svc.spec.clusterIP);
    return svc;
  }
}
