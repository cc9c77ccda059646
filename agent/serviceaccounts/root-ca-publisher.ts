// The executor of planRootCA (root-ca-plan.ts): each namespace change, and each change of a kube-root-ca.crt
// ConfigMap, reconciles that namespace; all of them at start. The CA is an input (the API's TLS material),
// read at each reconcile: none, nothing is published.
import type { Logger } from '../log';
import type { ConfigMap } from '../model/config-objects';
import type { Namespace } from '../model/namespace';
import { ROOT_CA_CONFIGMAP } from '../pods/service-account-admission';
import type { ObjectStore } from '../store/object-store';
import { planRootCA } from './root-ca-plan';

export interface RootCAPublisherDeps {
  namespaces: ObjectStore<Namespace>;
  configMaps: ObjectStore<ConfigMap>;
  /** The PEM of the CA that signed the API's serving certificate; undefined: the API has none. */
  caPem: () => string | undefined;
  logger: Logger;
}

export class RootCAPublisher {
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: RootCAPublisherDeps) {}

  start(): void {
    const { namespaces, configMaps } = this.deps;
    this.unsubscribe.push(
      namespaces.onChange(({ object }) => this.reconcile(object.metadata.name)),
      configMaps.onChange(({ object }) => {
        if (object.metadata.name === ROOT_CA_CONFIGMAP) this.reconcile(object.metadata.namespace);
      }),
    );
    for (const ns of namespaces.list()) this.reconcile(ns.metadata.name);
  }

  stop(): void {
    for (const fn of this.unsubscribe.splice(0)) fn();
  }

  private reconcile(namespace: string): void {
    const { namespaces, configMaps } = this.deps;
    const action = planRootCA(
      namespace,
      namespaces.get('', namespace),
      configMaps.get(namespace, ROOT_CA_CONFIGMAP),
      this.deps.caPem(),
    );
    if (action.type === 'create') {
      configMaps.create(action.configMap);
      this.deps.logger.info('root CA ConfigMap published', { namespace });
    } else if (action.type === 'update') {
      configMaps.update(action.configMap, { specChanged: true, persist: true });
      this.deps.logger.info('root CA ConfigMap restored', { namespace });
    }
  }
}
