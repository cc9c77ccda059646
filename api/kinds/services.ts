// Services: read from the service store, written through the ServiceRegistry (decode, defaults,
// validation, ClusterIP allocation); `spec.ports` merge by `port` in a strategic merge patch.
import { SERVICE_MERGE_KEYS } from '../../agent/model/patch';
import type { Service } from '../../agent/model/service';
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
import { column } from '../table';

export function serviceResource(deps: ApiDeps): ResourceDefinition<Service> {
  return {
    name: 'services',
    singularName: 'service',
    kind: 'Service',
    listKind: 'ServiceList',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['svc'],
    categories: ['all'],
    fields: { ...metaFields, 'spec.clusterIP': (s) => s.spec.clusterIP, 'spec.type': (s) => s.spec.type },
    columns: [
      nameColumn,
      column('Type', 'The type of the service.'),
      column('Cluster-IP', 'The cluster IP of the service.'),
      column('External-IP', 'The external IPs of the service.'),
      column('Port(s)', 'The ports of the service.'),
      ageColumn,
      column('Selector', 'The label selector of the service.', 1),
    ],
    cells: (s, now) => {
      const ports = s.spec.ports.map(
        (p) => `${p.port}${typeof p['nodePort'] === 'number' ? `:${p['nodePort']}` : ''}/${p.protocol}`,
      );
      const external = Array.isArray(s.spec['externalIPs']) ? (s.spec['externalIPs'] as string[]) : [];
      const selector = Object.entries(s.spec.selector ?? {})
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`);
      return [
        s.metadata.name,
        s.spec.type,
        s.spec.clusterIP || NONE,
        external.length ? external.join(',') : NONE,
        ports.length ? ports.join(',') : NONE,
        age(s, now),
        selector.length ? selector.join(',') : NONE,
      ];
    },
    source: deps.services,
    registry: deps.registries.services,
    mergeKeys: SERVICE_MERGE_KEYS,
    shortPath: true,
    logCreated: (s) => [
      'service created',
      { service: `${s.metadata.namespace}/${s.metadata.name}`, clusterIP: s.spec.clusterIP },
    ],
    logDeleted: (s) => ['service deleted', { service: `${s.metadata.namespace}/${s.metadata.name}` }],
    // upstream answers a Service delete with a Status, not the object
    deleteResponse: (s) => ({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: s.metadata.name, kind: 'services', uid: s.metadata.uid },
    }),
  };
}
