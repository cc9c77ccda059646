// Nodes (cluster-scoped): this machine, as agent/node/node-reporter.ts keeps it; users write its labels,
// annotations and spec (cordon, taints: agent/node/node-registry.ts), never create or delete it. `kubectl get
// nodes` columns as upstream's printer; `describe node` reads the pods through the spec.nodeName field
// selector and sums their requests itself.
import type { Node } from '../../agent/model/node';
import type { ApiDeps } from '../deps';
import { NONE, READ_VERBS, type ResourceDefinition, age, ageColumn, nameColumn } from '../resources';
import { column } from '../table';

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** STATUS as upstream prints it: the Ready condition, and SchedulingDisabled when cordoned. */
export function nodeStatus(n: Node): string {
  const ready = n.status.conditions.find((c) => c.type === 'Ready');
  const status = !ready
    ? 'Unknown'
    : ready.status === 'True'
      ? 'Ready'
      : ready.status === 'False'
        ? 'NotReady'
        : 'Unknown';
  return n.spec.unschedulable ? `${status},SchedulingDisabled` : status;
}

export function nodeRoles(n: Node): string {
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith(ROLE_PREFIX))
    .map((k) => k.slice(ROLE_PREFIX.length))
    .filter((r) => r !== '');
  return roles.length ? roles.sort().join(',') : NONE;
}

const address = (n: Node, type: string): string =>
  n.status.addresses.find((a) => a.type === type)?.address ?? NONE;

export function nodeResource(deps: ApiDeps): ResourceDefinition<Node> {
  return {
    name: 'nodes',
    singularName: 'node',
    kind: 'Node',
    listKind: 'NodeList',
    namespaced: false,
    verbs: [...READ_VERBS, 'patch', 'update'],
    shortNames: ['no'],
    fields: {
      'metadata.name': (n) => n.metadata.name,
      'spec.unschedulable': (n) => String(n.spec.unschedulable === true),
    },
    columns: [
      nameColumn,
      column('Status', 'The status of the node'),
      column('Roles', 'The roles of the node'),
      ageColumn,
      column('Version', 'Kubelet Version reported by the node.'),
      column('Internal-IP', 'List of internal IPs reported by the node', 1),
      column('External-IP', 'List of external IPs reported by the node', 1),
      column(
        'OS-Image',
        'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
        1,
      ),
      column(
        'Kernel-Version',
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        1,
      ),
      column(
        'Container-Runtime',
        'Container Runtime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
        1,
      ),
    ],
    cells: (n, now) => [
      n.metadata.name,
      nodeStatus(n),
      nodeRoles(n),
      age(n, now),
      n.status.nodeInfo.kubeletVersion,
      address(n, 'InternalIP'),
      address(n, 'ExternalIP'),
      n.status.nodeInfo.osImage,
      n.status.nodeInfo.kernelVersion,
      n.status.nodeInfo.containerRuntimeVersion,
    ],
    source: { list: () => deps.nodes.list(), get: (_ns, name) => deps.nodes.get('', name) },
    registry: deps.registries.nodes,
  };
}
