// networking.k8s.io/v1: the Ingress, IngressClass and NetworkPolicy stores (persisted) and their write paths
// (agent/networking/). No ingress controller runs and no network plugin enforces NetworkPolicies: the
// objects are stored and validated only.
import type { Clock } from '../agent/clock';
import type { Ingress, IngressClass } from '../agent/model/ingress';
import { NETWORKING_GROUP } from '../agent/model/ingress';
import type { NetworkPolicy } from '../agent/model/network-policy';
import {
  IngressClassRegistry,
  IngressRegistry,
  NetworkPolicyRegistry,
} from '../agent/networking/ingress-registry';
import { ObjectStore, type Persistence, type ResourceVersions } from '../agent/store/object-store';

export interface Networking {
  ingresses: ObjectStore<Ingress>;
  ingressClasses: ObjectStore<IngressClass>;
  networkPolicies: ObjectStore<NetworkPolicy>;
  registries: {
    ingresses: IngressRegistry;
    ingressClasses: IngressClassRegistry;
    networkPolicies: NetworkPolicyRegistry;
  };
}

export function createNetworking(o: {
  clock: Clock;
  versions: ResourceVersions;
  persistence: Persistence;
}): Networking {
  const ingresses = new ObjectStore<Ingress>('Ingress', o, NETWORKING_GROUP);
  const ingressClasses = new ObjectStore<IngressClass>('IngressClass', o, NETWORKING_GROUP);
  const networkPolicies = new ObjectStore<NetworkPolicy>('NetworkPolicy', o, NETWORKING_GROUP);
  return {
    ingresses,
    ingressClasses,
    networkPolicies,
    registries: {
      networkPolicies: new NetworkPolicyRegistry(networkPolicies),
      ingresses: new IngressRegistry(ingresses, ingressClasses),
      ingressClasses: new IngressClassRegistry(ingressClasses),
    },
  };
}
