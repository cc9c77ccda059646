// Keeps Endpoints and EndpointSlices current as pods start, become ready, stop or go away, and as Services
// come and go; then hands the ClusterIP -> ready endpoint table to the service proxy. Changes are coalesced: one
// recompute per burst of store events.
import { CoalescedController } from '../controllers/coalesced-controller';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import type { EndpointSlice } from '../model/endpoint-slice';
import type { Pod } from '../model/pod';
import type { Endpoints, Service } from '../model/service';
import type { ServiceProxy } from '../proxy/service-proxy';
import type { ServiceRule } from '../proxy/service-rules';
import type { ObjectStore } from '../store/object-store';
import { type SliceAction, managedSliceOf, planSlices, sliceContents } from './endpoint-slices';
import { endpointsFor } from './endpoints';
import {
  type ApiEndpoint,
  KUBERNETES_SERVICE,
  isKubernetesService,
  kubernetesEndpointsLabels,
  kubernetesSlice,
  kubernetesSubsets,
} from './kubernetes-service';

export interface EndpointsControllerDeps {
  pods: ObjectStore<Pod>;
  services: ObjectStore<Service>;
  endpoints: ObjectStore<Endpoints>;
  /** discovery.k8s.io/v1: the slices of each Service with a selector (agent/services/endpoint-slices.ts). */
  endpointSlices: ObjectStore<EndpointSlice>;
  /** The random part of a new slice's name (generateName's five characters). */
  suffix: () => string;
  nodeName: string;
  logger: Logger;
  /** Absent when Services are not proxied (--proxy=none): Endpoints are still kept. */
  proxy?: ServiceProxy;
  /** Where pods reach the API: the `kubernetes` Service's endpoint (none: it has no endpoints). */
  apiEndpoint?: () => ApiEndpoint | undefined;
}

export function serviceRules(
  services: readonly Service[],
  endpoints: (svc: Service) => Endpoints | undefined,
): ServiceRule[] {
  const rules: ServiceRule[] = [];
  for (const svc of services) {
    if (svc.spec.clusterIP === 'None') continue;
    const subsets = endpoints(svc)?.subsets ?? [];
    for (const p of svc.spec.ports) {
      const eps = subsets.flatMap((s) => {
        const port = s.ports?.find(
          (x) => (x.name ?? '') === (p.name ?? '') && x.protocol === p.protocol,
        )?.port;
        return port === undefined ? [] : (s.addresses ?? []).map((a) => ({ ip: a.ip, port }));
      });
      rules.push({
        namespace: svc.metadata.namespace,
        name: svc.metadata.name,
        clusterIP: svc.spec.clusterIP,
        port: p.port,
        protocol: p.protocol,
        endpoints: eps,
      });
    }
  }
  return rules;
}

export class EndpointsController {
  private readonly passes: CoalescedController;
  private lastRules = '';
  private lastSync: Promise<void> = Promise.resolve();

  constructor(private readonly deps: EndpointsControllerDeps) {
    this.passes = new CoalescedController({
      sources: [deps.pods, deps.services],
      pass: () => this.recompute(),
      failure: 'endpoints not recomputed',
      logger: deps.logger,
    });
  }

  start(): void {
    this.passes.start();
  }

  stop(): void {
    this.passes.stop();
  }

  /** Recomputes now and resolves once the proxy holds the result (the agent's last word before exit). */
  flush(): Promise<void> {
    this.recompute();
    return this.lastSync;
  }

  /** Brings the Endpoints store in line with Services and pods, then the proxy rules. */
  recompute(): void {
    const { pods, services, endpoints } = this.deps;
    const allPods = pods.list();
    const wanted = new Set<string>();
    for (const svc of services.list()) {
      const m = svc.metadata;
      wanted.add(`${m.namespace}/${m.name}`);
      const next = this.endpointsOf(svc, allPods);
      const old = endpoints.get(m.namespace, m.name);
      if (!old) endpoints.create(next);
      else if (
        JSON.stringify([old.subsets, old.metadata.labels]) !==
        JSON.stringify([next.subsets, next.metadata.labels])
      ) {
        endpoints.update(
          { ...next, metadata: { ...old.metadata, labels: next.metadata.labels } },
          { specChanged: false },
        );
      }
    }
    for (const ep of endpoints.list()) {
      if (!wanted.has(`${ep.metadata.namespace}/${ep.metadata.name}`))
        endpoints.remove(ep.metadata.namespace, ep.metadata.name);
    }
    this.syncSlices(allPods);
    this.syncKubernetesSlice();
    const proxy = this.deps.proxy;
    if (!proxy) return;
    const rules = serviceRules(services.list(), (svc) =>
      endpoints.get(svc.metadata.namespace, svc.metadata.name),
    );
    const text = JSON.stringify(rules);
    if (text === this.lastRules) return; // pod status churn that moved no endpoint
    this.lastRules = text;
    this.lastSync = proxy
      .sync(rules)
      .catch((err: unknown) =>
        this.deps.logger.error('service rules not applied', { error: errorMessage(err) }),
      );
  }

  /** A Service's Endpoints: from its pods, or, for `default/kubernetes`, the API's own address. */
  private endpointsOf(svc: Service, allPods: readonly Pod[]): Endpoints {
    const computed = endpointsFor(svc, allPods, this.deps.nodeName);
    if (!isKubernetesService(svc)) return computed;
    const subsets = kubernetesSubsets(this.deps.apiEndpoint?.());
    const { subsets: _none, ...rest } = computed;
    return {
      ...rest,
      metadata: { ...computed.metadata, labels: kubernetesEndpointsLabels() },
      ...(subsets.length ? { subsets } : {}),
    };
  }

  /** The EndpointSlice `kubernetes` while its Service exists (upstream's endpoint reconciler keeps it). */
  private syncKubernetesSlice(): void {
    const { services, endpointSlices: slices } = this.deps;
    const { namespace, name } = KUBERNETES_SERVICE;
    const old = slices.get(namespace, name);
    if (!services.get(namespace, name)) {
      if (old) slices.remove(namespace, name);
      return;
    }
    const next = kubernetesSlice(this.deps.apiEndpoint?.());
    if (!old) slices.create(next);
    else if (
      JSON.stringify([old.endpoints, old.ports, old.metadata.labels]) !==
      JSON.stringify([next.endpoints, next.ports, next.metadata.labels])
    )
      slices.update(
        { ...next, metadata: { ...old.metadata, labels: next.metadata.labels } },
        { specChanged: true },
      );
  }

  /** The slices planned for each Service written; those of Services gone (or left without a selector) deleted. */
  private syncSlices(allPods: readonly Pod[]): void {
    const { services, endpointSlices: slices } = this.deps;
    const byService = new Map<string, EndpointSlice[]>();
    for (const slice of slices.list()) {
      const svc = managedSliceOf(slice);
      if (svc === undefined) continue;
      const k = `${slice.metadata.namespace}/${svc}`;
      byService.set(k, [...(byService.get(k) ?? []), slice]);
    }
    const actions: SliceAction[] = [];
    for (const svc of services.list()) {
      const k = `${svc.metadata.namespace}/${svc.metadata.name}`;
      const contents = sliceContents(svc, allPods, this.deps.nodeName);
      actions.push(...planSlices(svc, contents, byService.get(k) ?? [], this.deps.suffix));
      byService.delete(k);
    }
    for (const orphans of byService.values())
      for (const s of orphans)
        actions.push({ type: 'delete', namespace: s.metadata.namespace, name: s.metadata.name });
    for (const a of actions) {
      if (a.type === 'create') slices.create(a.slice);
      else if (a.type === 'update') slices.update(a.slice, { specChanged: true });
      else slices.remove(a.namespace, a.name);
    }
  }
}
