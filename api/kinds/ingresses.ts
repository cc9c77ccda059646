// networking.k8s.io/v1: Ingresses (namespaced, with the status subresource) and IngressClasses
// (cluster-scoped), written through agent/networking/ingress-registry.ts. No ingress controller: nothing
// fills status.loadBalancer. `kubectl get` columns as upstream's printer: NAME CLASS HOSTS ADDRESS PORTS AGE;
// NAME CONTROLLER PARAMETERS AGE.
import type {
  Ingress,
  IngressClass,
  IngressLoadBalancerIngress,
  IngressRule,
} from '../../agent/model/ingress';
import { NETWORKING_V1 } from '../../agent/model/group-version';
import type { ApiDeps } from '../deps';
import {
  ALL_VERBS,
  NONE,
  type ResourceDefinition,
  age,
  ageColumn,
  metaFields,
  nameColumn,
} from '../resources';
import { workloadStatusRoutes } from '../routes/workload-subresources';
import { type TableSpec, column } from '../table';

/** upstream's formatHosts: up to three hosts, then `+ N more...` (N counts rules); `*` when none names one. */
export function formatHosts(rules: readonly IngressRule[] = []): string {
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === max) more = true;
    if (!more && rule.host) hosts.push(rule.host);
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - max} more...` : hosts.join(',');
}

/** upstream's ingressLoadBalancerStatusStringer (wide, as the server prints): IPs or hostnames, sorted, unique. */
export function loadBalancerAddresses(points: readonly IngressLoadBalancerIngress[] = []): string {
  const set = new Set(points.flatMap((p) => (p.ip ? [p.ip] : p.hostname ? [p.hostname] : [])));
  return [...set].sort().join(',');
}

const ingressTable: TableSpec<Ingress> = {
  columns: [
    nameColumn,
    column('Class', 'The name of the IngressClass resource that should be used for ingress control'),
    column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  cells: (ing, now) => [
    ing.metadata.name,
    ing.spec.ingressClassName ?? NONE,
    formatHosts(ing.spec.rules),
    loadBalancerAddresses(ing.status.loadBalancer?.ingress),
    ing.spec.tls?.length ? '80, 443' : '80',
    age(ing, now),
  ],
};

/** upstream's printIngressClass PARAMETERS: `Kind[.apiGroup]/name`. */
function parametersText(ic: IngressClass): string {
  const p = ic.spec.parameters;
  if (!p) return NONE;
  return `${p.kind}${p.apiGroup !== undefined ? `.${p.apiGroup}` : ''}/${p.name}`;
}

const ingressClassTable: TableSpec<IngressClass> = {
  columns: [
    nameColumn,
    column('Controller', 'Controller that is responsible for handling this class'),
    column('Parameters', 'A reference to a resource with additional parameters'),
    ageColumn,
  ],
  cells: (ic, now) => [ic.metadata.name, ic.spec.controller ?? '', parametersText(ic), age(ic, now)],
};

export function ingressResource(deps: ApiDeps): ResourceDefinition<Ingress> {
  const registry = deps.networking.registries.ingresses;
  const def: ResourceDefinition<Ingress> = {
    groupVersion: NETWORKING_V1,
    verbs: [...ALL_VERBS],
    name: 'ingresses',
    singularName: 'ingress',
    kind: 'Ingress',
    listKind: 'IngressList',
    namespaced: true,
    shortNames: ['ing'],
    fields: metaFields,
    ...ingressTable,
    source: deps.networking.ingresses,
    registry,
    subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
    logCreated: (i) => ['ingress created', { ingress: `${i.metadata.namespace}/${i.metadata.name}` }],
    routes: (app, paths) => workloadStatusRoutes(app, def, registry, paths, deps.clock),
  };
  return def;
}

export function ingressClassResource(deps: ApiDeps): ResourceDefinition<IngressClass> {
  const store = deps.networking.ingressClasses;
  return {
    groupVersion: NETWORKING_V1,
    verbs: [...ALL_VERBS],
    name: 'ingressclasses',
    singularName: 'ingressclass',
    kind: 'IngressClass',
    listKind: 'IngressClassList',
    namespaced: false,
    fields: { 'metadata.name': (c) => c.metadata.name },
    ...ingressClassTable,
    source: { list: () => store.list(), get: (_ns, name) => store.get('', name) },
    registry: deps.networking.registries.ingressClasses,
  };
}
