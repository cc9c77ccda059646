// The API resources this server offers, described once: discovery lists them, lists and watches filter
// them by the fields named here, and `kubectl get` prints the columns named here (upstream's printers).
import type { KubeEvent } from '../agent/events/recorder';
import type { Namespace } from '../agent/model/namespace';
import type { Pod } from '../agent/model/pod';
import type { Endpoints, Service } from '../agent/model/service';
import { humanAge, printPod } from '../agent/status/print-pod';
import type { StoredObject } from '../agent/store/object-store';
import { type TableSpec, column } from './table';

export interface ResourceInfo<T = StoredObject> extends TableSpec<T> {
  name: string;
  singularName: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** The fields a field selector may name, and how to read each (a missing field reads ""). */
  fields: Record<string, (obj: T) => string>;
}

const NONE = '<none>';
const ALL_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const nameColumn = column('Name', 'Name must be unique within a namespace.', 0, 'name');
const ageColumn = column(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);
const age = (o: StoredObject, now: number): string =>
  humanAge(now - Date.parse(o.metadata.creationTimestamp));
const metaFields = {
  'metadata.name': (o: { metadata: { name: string } }): string => o.metadata.name,
  'metadata.namespace': (o: { metadata: { namespace: string } }): string => o.metadata.namespace,
};

export const pods: ResourceInfo<Pod> = {
  name: 'pods',
  singularName: 'pod',
  kind: 'Pod',
  listKind: 'PodList',
  namespaced: true,
  verbs: ALL_VERBS,
  shortNames: ['po'],
  categories: ['all'],
  fields: {
    ...metaFields,
    'spec.nodeName': (p) => p.spec.nodeName ?? '',
    'spec.restartPolicy': (p) => p.spec.restartPolicy,
    'spec.schedulerName': (p) => p.spec.schedulerName ?? '',
    'spec.serviceAccountName': (p) =>
      typeof p.spec['serviceAccountName'] === 'string' ? p.spec['serviceAccountName'] : '',
    'spec.hostNetwork': (p) => String(p.spec.hostNetwork ?? false),
    'status.phase': (p) => p.status.phase,
    'status.podIP': (p) => p.status.podIP ?? '',
    'status.nominatedNodeName': () => '',
  },
  columns: [
    nameColumn,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn,
    column('IP', 'IP address allocated to the pod. Routable at least within the cluster.', 1),
    column('Node', 'Name of the node the pod is scheduled on.', 1),
    column('Nominated Node', 'Name of the node the pod is nominated to run on.', 1),
    column('Readiness Gates', 'Readiness gates of the pod.', 1),
  ],
  cells: (p, now) => {
    const row = printPod(p, now);
    const gates = Array.isArray(p.spec['readinessGates'])
      ? (p.spec['readinessGates'] as { conditionType: string }[])
      : [];
    const met = gates.filter((g) =>
      p.status.conditions?.some((c) => (c.type as string) === g.conditionType && c.status === 'True'),
    );
    return [
      row.name,
      row.ready,
      row.status,
      row.restarts,
      row.age,
      p.status.podIP || NONE,
      p.spec.nodeName || NONE,
      NONE,
      gates.length ? `${met.length}/${gates.length}` : NONE,
    ];
  },
};

export const services: ResourceInfo<Service> = {
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
};

/** upstream's formatEndpoints: up to three ip:port, then "+ N more...". */
function formatEndpoints(e: Endpoints): string {
  const all: string[] = [];
  for (const s of e.subsets ?? []) {
    for (const a of s.addresses ?? []) {
      if (!s.ports?.length) all.push(a.ip);
      for (const p of s.ports ?? []) all.push(`${a.ip}:${p.port}`);
    }
  }
  if (!all.length) return NONE;
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

export const endpoints: ResourceInfo<Endpoints> = {
  name: 'endpoints',
  singularName: 'endpoints',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  namespaced: true,
  verbs: ['get', 'list', 'watch'],
  shortNames: ['ep'],
  fields: metaFields,
  columns: [nameColumn, column('Endpoints', 'Endpoints of the service.'), ageColumn],
  cells: (e, now) => [e.metadata.name, formatEndpoints(e), age(e, now)],
};

export const events: ResourceInfo<KubeEvent> = {
  name: 'events',
  singularName: 'event',
  kind: 'Event',
  listKind: 'EventList',
  namespaced: true,
  verbs: ['get', 'list', 'watch'],
  shortNames: ['ev'],
  fields: {
    ...metaFields,
    'involvedObject.kind': (e) => e.involvedObject.kind,
    'involvedObject.namespace': (e) => e.involvedObject.namespace,
    'involvedObject.name': (e) => e.involvedObject.name,
    'involvedObject.uid': (e) => e.involvedObject.uid,
    'involvedObject.apiVersion': (e) => e.involvedObject.apiVersion,
    'involvedObject.resourceVersion': () => '',
    'involvedObject.fieldPath': (e) => e.involvedObject.fieldPath ?? '',
    reason: (e) => e.reason,
    reportingComponent: (e) => e.reportingComponent,
    source: (e) => e.source.component,
    type: (e) => e.type,
  },
  columns: [
    column('Last Seen', 'The time since the event was last seen.'),
    column('Type', 'The type of the event.'),
    column('Reason', 'The reason of the event.'),
    column('Object', 'The object the event is about.'),
    column('Subobject', 'The part of the object the event is about.', 1),
    column('Source', 'The component that reported the event.', 1),
    column('Message', 'A human-readable description of the event.'),
    column('First Seen', 'The time since the event was first seen.', 1),
    column('Count', 'How many times the event happened.', 1),
    column('Name', 'The name of the event.', 1, 'name'),
  ],
  cells: (e, now) => [
    humanAge(now - Date.parse(e.lastTimestamp)),
    e.type,
    e.reason,
    `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
    e.involvedObject.fieldPath ?? '',
    `${e.source.component}, ${e.source.host}`,
    e.message.trim(),
    humanAge(now - Date.parse(e.firstTimestamp)),
    e.count,
    e.metadata.name,
  ],
};

export const namespaces: ResourceInfo<Namespace> = {
  name: 'namespaces',
  singularName: 'namespace',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'watch'],
  shortNames: ['ns'],
  fields: { 'metadata.name': (n) => n.metadata.name, 'status.phase': (n) => n.status.phase },
  columns: [nameColumn, column('Status', 'The status of the namespace.'), ageColumn],
  cells: (n, now) => [n.metadata.name, n.status.phase, age(n, now)],
};
