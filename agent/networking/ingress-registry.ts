// Creating, updating and deleting Ingresses, IngressClasses and NetworkPolicies: decoded, defaulted and validated as upstream
// (agent/model/ingress-decode.ts). A new Ingress without a class gets the default IngressClass (upstream's
// DefaultIngressClass admission); an Ingress's status is written apart, through its status subresource.
import { isIP } from 'node:net';
import { type FieldError, fieldError, invalidError } from '../model/field-errors';
import { type Ingress, type IngressClass, type IngressStatus, NETWORKING_GROUP } from '../model/ingress';
import { decodeNetworking, decodeNetworkingUpdate } from '../model/ingress-decode';
import { dns1123SubdomainProblems } from '../model/names';
import type { NetworkPolicy } from '../model/network-policy';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';
import { withDefaultClass } from './default-ingress-class';

type Networking = Ingress | IngressClass | NetworkPolicy;

class NetworkingRegistry<T extends Networking> implements Registry<T> {
  /** `namespaced`: Ingresses; IngressClasses are stored under namespace ''. */
  constructor(
    protected readonly store: ObjectStore<T>,
    private readonly namespaced: boolean,
  ) {}

  protected ns(namespace: string): string {
    return this.namespaced ? namespace : '';
  }

  protected decode(raw: unknown, namespace: string): T {
    return decodeNetworking<T>(this.store.kind as T['kind'], raw, this.ns(namespace));
  }

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): T {
    return this.store.create(this.decode(raw, namespace), opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): T {
    const old = this.store.mustGet(this.ns(namespace), name);
    const next = decodeNetworkingUpdate(old, raw);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return this.store.update(next, { specChanged, persist: true, ...opts });
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): T {
    const obj = this.store.mustGet(this.ns(namespace), name);
    checkPreconditions(obj, opts);
    return opts.dryRun ? obj : this.store.remove(this.ns(namespace), name);
  }
}

export class IngressClassRegistry extends NetworkingRegistry<IngressClass> {
  constructor(store: ObjectStore<IngressClass>) {
    super(store, false);
  }
}

/** NetworkPolicies: stored and validated; nothing enforces them. */
export class NetworkPolicyRegistry extends NetworkingRegistry<NetworkPolicy> {
  constructor(store: ObjectStore<NetworkPolicy>) {
    super(store, true);
  }
}

export class IngressRegistry extends NetworkingRegistry<Ingress> {
  constructor(
    store: ObjectStore<Ingress>,
    private readonly classes: ObjectStore<IngressClass>,
  ) {
    super(store, true);
  }

  protected override decode(raw: unknown, namespace: string): Ingress {
    return withDefaultClass(super.decode(raw, namespace), this.classes.list());
  }

  /** The status subresource: only the status changes (ValidateIngressStatusUpdate's load-balancer checks). */
  updateStatus(namespace: string, name: string, status: IngressStatus, opts: UpdateOptions = {}): Ingress {
    const old = this.store.mustGet(namespace, name);
    const invalid = validateLoadBalancer(status);
    if (invalid.length) throw invalidError(old.kind, name, invalid, NETWORKING_GROUP);
    return this.store.update(
      { ...old, metadata: { ...old.metadata }, status },
      { specChanged: false, persist: true, ...opts },
    );
  }
}

/** ValidateLoadBalancerStatus: each ingress point an IP address or a DNS name. */
function validateLoadBalancer(status: IngressStatus): FieldError[] {
  const out: FieldError[] = [];
  (status.loadBalancer?.ingress ?? []).forEach((point, i) => {
    const f = `status.loadBalancer.ingress[${i}]`;
    if (point.ip && !isIP(point.ip))
      out.push(
        fieldError(
          'Invalid',
          `${f}.ip`,
          point.ip,
          'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        ),
      );
    if (point.hostname) {
      for (const p of dns1123SubdomainProblems(point.hostname))
        out.push(fieldError('Invalid', `${f}.hostname`, point.hostname, p));
      if (isIP(point.hostname))
        out.push(
          fieldError('Invalid', `${f}.hostname`, point.hostname, 'must be a DNS name, not an IP address'),
        );
    }
  });
  return out;
}
