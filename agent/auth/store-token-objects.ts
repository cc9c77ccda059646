// The objects a ServiceAccount token names, read from the stores (agent/auth/token-authenticator.ts).
import type { Secret } from '../model/config-objects';
import type { ObjectMeta } from '../model/meta';
import type { Pod } from '../model/pod';
import type { ServiceAccount } from '../model/service-account';
import type { ObjectStore } from '../store/object-store';
import type { TokenObjects } from './token-authenticator';

const existing = (m: ObjectMeta): { uid: string; deletedAt?: number } => ({
  uid: m.uid,
  ...(m.deletionTimestamp ? { deletedAt: Date.parse(m.deletionTimestamp) } : {}),
});

export function storeTokenObjects(
  serviceAccounts: ObjectStore<ServiceAccount>,
  pods: ObjectStore<Pod>,
  secrets: ObjectStore<Secret>,
): TokenObjects {
  return {
    serviceAccount: (ns, name) => {
      const sa = serviceAccounts.get(ns, name);
      return sa && existing(sa.metadata);
    },
    pod: (ns, name) => {
      const pod = pods.get(ns, name);
      return pod && existing(pod.metadata);
    },
    secret: (ns, name) => {
      const secret = secrets.get(ns, name);
      if (!secret) return undefined;
      const token = secret.data?.['token'];
      return {
        ...existing(secret.metadata),
        ...(token ? { token: Buffer.from(token, 'base64').toString('utf8') } : {}),
      };
    },
  };
}
