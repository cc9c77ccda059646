// Pods: read from the pod store, written through the PodRegistry (decode, defaults, validation, the
// allow-flags, graceful deletion); `kubectl get pods` columns as upstream's printer; the log, status and
// events subresources.
import { MERGE_KEYS } from '../../agent/model/patch';
import type { Pod } from '../../agent/model/pod';
import { podTable, printPod } from '../../agent/status/print-pod';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, NONE, type ResourceDefinition, ageColumn, metaFields, nameColumn } from '../resources';
import { podSubresourceRoutes } from '../routes/pod-subresources';
import { podEvictionRoutes } from '../routes/pod-eviction';
import { POLICY_V1 } from '../../agent/model/group-version';
import { column } from '../table';

export function podResource(deps: ApiDeps): ResourceDefinition<Pod> {
  const def: ResourceDefinition<Pod> = {
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
    source: deps.pods,
    registry: deps.registries.pods,
    mergeKeys: MERGE_KEYS,
    shortPath: true,
    subresources: [
      { name: 'log', verbs: ['get'] },
      { name: 'status', verbs: ['get'] },
      { name: 'ephemeralcontainers', verbs: ['get', 'patch', 'update'] },
      // kubectl drain looks for it in discovery, with its group and version
      { name: 'eviction', verbs: ['create'], kind: 'Eviction', groupVersion: POLICY_V1 },
    ],
    logCreated: (p) => [
      'pod created',
      { pod: `${p.metadata.namespace}/${p.metadata.name}`, podUid: p.metadata.uid },
    ],
    plainText: podTable,
    routes: (app, paths) => {
      podSubresourceRoutes(app, deps, def, paths);
      podEvictionRoutes(app, deps, paths);
    },
  };
  return def;
}
