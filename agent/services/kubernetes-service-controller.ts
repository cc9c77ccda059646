// Keeps `default/kubernetes` as kube-apiserver does: made at start, made again when deleted, reset when edited
// (the plan is kubernetes-service.ts's). Writes go through the Service registry, which owns ClusterIP allocation.
import { CoalescedController } from '../controllers/coalesced-controller';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import type { Service } from '../model/service';
import type { ObjectStore } from '../store/object-store';
import { KUBERNETES_SERVICE, planKubernetesService } from './kubernetes-service';
import type { ServiceRegistry } from './service-registry';

export interface KubernetesServiceControllerDeps {
  services: ObjectStore<Service>;
  registry: ServiceRegistry;
  /** The port the Service's targetPort names: the pods' API listener's. */
  targetPort: number;
  logger: Logger;
}

export class KubernetesServiceController {
  private readonly passes: CoalescedController;
  /** The holder last logged as blocking the first address: said once, not on every Service change. */
  private blockedBy: string | undefined;

  constructor(private readonly deps: KubernetesServiceControllerDeps) {
    this.passes = new CoalescedController({
      sources: [deps.services],
      pass: () => this.reconcile(),
      failure: 'kubernetes Service not reconciled',
      logger: deps.logger,
    });
  }

  start(): void {
    this.passes.start();
  }

  stop(): void {
    this.passes.stop();
  }

  reconcile(): void {
    const { services, registry, logger } = this.deps;
    const { namespace, name } = KUBERNETES_SERVICE;
    const clusterIP = registry.firstAddress;
    const action = planKubernetesService({
      existing: services.get(namespace, name),
      clusterIP,
      holder: registry.holderOf(clusterIP),
      targetPort: this.deps.targetPort,
    });
    if (action.type !== 'blocked') this.blockedBy = undefined;
    try {
      switch (action.type) {
        case 'none':
          return;
        case 'blocked':
          if (this.blockedBy !== action.holder)
            logger.warn(
              'the kubernetes Service is not made: its ClusterIP, the service range first address, is held by another Service; delete that one to free it',
              { clusterIP, holder: action.holder },
            );
          this.blockedBy = action.holder;
          return;
        case 'recreate':
          registry.delete(namespace, name);
          registry.create(action.body, namespace);
          logger.info('kubernetes Service made again on the service range first address', { clusterIP });
          return;
        case 'create':
          registry.create(action.body, namespace);
          logger.info('kubernetes Service made', { clusterIP });
          return;
        case 'update':
          registry.update(action.body, namespace, name);
          logger.info('kubernetes Service reset to what the API server keeps', { clusterIP });
          return;
      }
    } catch (err) {
      logger.error('kubernetes Service not reconciled', { action: action.type, error: errorMessage(err) });
    }
  }
}
