// What kube-controller-manager's serviceaccounts controller does: a `default` ServiceAccount in every active
// namespace (those there at start, new ones, and again when someone deletes it); a namespace's
// ServiceAccounts go when it starts terminating.
import type { Logger } from '../log';
import { type Namespace, isTerminating } from '../model/namespace';
import { DEFAULT_SERVICE_ACCOUNT, type ServiceAccount, newServiceAccount } from '../model/service-account';
import type { ObjectStore } from '../store/object-store';

export interface DefaultServiceAccountsDeps {
  namespaces: ObjectStore<Namespace>;
  serviceAccounts: ObjectStore<ServiceAccount>;
  logger: Logger;
}

export class DefaultServiceAccounts {
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: DefaultServiceAccountsDeps) {}

  start(): void {
    const { namespaces, serviceAccounts } = this.deps;
    this.unsubscribe.push(
      namespaces.onChange(({ type, object }) => this.reconcile(object.metadata.name, type === 'DELETED')),
      serviceAccounts.onChange(({ type, object }) => {
        if (type === 'DELETED' && object.metadata.name === DEFAULT_SERVICE_ACCOUNT)
          this.reconcile(object.metadata.namespace, false);
      }),
    );
    for (const ns of namespaces.list()) this.reconcile(ns.metadata.name, false);
  }

  stop(): void {
    for (const fn of this.unsubscribe.splice(0)) fn();
  }

  private reconcile(namespace: string, gone: boolean): void {
    const { namespaces, serviceAccounts } = this.deps;
    const ns = gone ? undefined : namespaces.get('', namespace);
    if (!ns || isTerminating(ns)) {
      // each removal of `default` comes back here (its DELETED event): only what is still there goes
      for (const sa of serviceAccounts.list(namespace))
        if (serviceAccounts.get(namespace, sa.metadata.name))
          serviceAccounts.remove(namespace, sa.metadata.name);
      return;
    }
    if (serviceAccounts.get(namespace, DEFAULT_SERVICE_ACCOUNT)) return;
    serviceAccounts.create(newServiceAccount(namespace, DEFAULT_SERVICE_ACCOUNT));
    this.deps.logger.info('default service account created', { namespace });
  }
}
