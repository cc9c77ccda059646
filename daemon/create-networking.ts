// networking.k8s.io/v1: the Ingress and IngressClass stores (persisted) and their write paths
// (agent/networking/). No ingress controller runs: the objects are stored and validated only.
import type { Clock } from '../agent/clock';
import type { Ingress, IngressClass } from '../agent/model/ingress';
import { NETWORKING_GROUP } from '../agent/model/ingress';
import { IngressClassRegistry, IngressRegistry } from '../agent/networking/ingress-registry';
import { ObjectStore, type Persistence, type ResourceVersions } from '../agent/store/object-store';

export interface Networking {
  ingresses: ObjectStore<Ingress>;
  ingressClasses: ObjectStore<IngressClass>;
  registries: { ingresses: IngressRegistry; ingressClasses: IngressClassRegistry };
}

export function createNetworking(o: {
  clock: Clock;
  versions: ResourceVersions;
  persistence: Persistence;
}): Networking {
  const ingresses = new ObjectStore<Ingress>('Ingress', o, NETWORKING_GROUP);
  const ingressClasses = new ObjectStore<IngressClass>('IngressClass', o, NETWORKING_GROUP);
  return {
    ingresses,
    ingressClasses,
    registries: {
      ingresses: new IngressRegistry(ingresses, ingressClasses),
      ingressClasses: new IngressClassRegistry(ingressClasses),
    },
  };
}
