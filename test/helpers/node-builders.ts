// A Node for pure planners' tests (the scheduler and its preemption, the DaemonSet controller, the taint
// manager): `n1` with a hostname label and room for 110 pods, changed one thing at a time.
import type { Node, Taint } from '../../agent/model/node';

export function aNode(
  o: { unschedulable?: boolean; taints?: Taint[]; labels?: Record<string, string>; pods?: string } = {},
): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'n1',
      namespace: '',
      uid: 'node-uid',
      creationTimestamp: '2026-01-01T00:00:00Z',
      resourceVersion: '1',
      labels: { 'kubernetes.io/hostname': 'n1', disk: 'ssd', gen: '5', ...o.labels },
    },
    spec: {
      ...(o.unschedulable ? { unschedulable: true } : {}),
      ...(o.taints ? { taints: o.taints } : {}),
    },
    status: {
      capacity: { cpu: '2', memory: '4Gi', pods: o.pods ?? '110', 'ephemeral-storage': '10Gi' },
      allocatable: { cpu: '2', memory: '4Gi', pods: o.pods ?? '110', 'ephemeral-storage': '10Gi' },
      conditions: [],
      addresses: [],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {} as Node['status']['nodeInfo'],
    },
  };
}
