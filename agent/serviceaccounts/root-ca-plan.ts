// What kube-controller-manager's root-ca-cert-publisher keeps (pkg/controller/certificates/rootcacertpublisher):
// a `kube-root-ca.crt` ConfigMap in every active namespace holding the CA of the API's certificate, with its
// description annotation; made again when deleted, its data and annotation put back when edited (other edits,
// labels say, stay). Pure: the namespace, the ConfigMap there and the CA in, what to write out.
import type { ConfigMap } from '../model/config-objects';
import { type Namespace, isTerminating } from '../model/namespace';
import { ROOT_CA_CONFIGMAP, ROOT_CA_KEY } from '../pods/service-account-admission';

export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as ' +
  'the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of ' +
  'Kubernetes clusters.';

export type RootCAAction = { type: 'none' } | { type: 'create' | 'update'; configMap: ConfigMap };

export function planRootCA(
  namespace: string,
  ns: Namespace | undefined,
  existing: ConfigMap | undefined,
  caPem: string | undefined,
): RootCAAction {
  // No CA (the API serves no TLS): nothing to publish. A namespace gone or going takes no new objects.
  if (caPem === undefined || !ns || isTerminating(ns)) return { type: 'none' };
  if (!existing)
    return {
      type: 'create',
      configMap: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: ROOT_CA_CONFIGMAP,
          namespace,
          uid: '',
          creationTimestamp: '',
          resourceVersion: '',
          annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION },
        },
        data: { [ROOT_CA_KEY]: caPem },
      },
    };
  const data = existing.data ?? {};
  const dataOk = Object.keys(data).length === 1 && data[ROOT_CA_KEY] === caPem;
  if (dataOk && existing.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return { type: 'none' };
  return {
    type: 'update',
    configMap: {
      ...existing,
      metadata: {
        ...existing.metadata,
        annotations: { ...existing.metadata.annotations, [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION },
      },
      data: { [ROOT_CA_KEY]: caPem },
    },
  };
}
