// The node's Lease in kube-node-lease, renewed with each heartbeat as the kubelet's lease controller does:
// held by the node, owned by the Node object (so it goes with it), renewTime in MicroTime.
import type { Lease } from '../model/lease';
import { NODE_LEASE_DURATION_SECONDS, NODE_LEASE_NAMESPACE } from '../model/lease';
import type { Node } from '../model/node';
import type { ObjectStore } from '../store/object-store';

/** RFC 3339 with microseconds, as metav1.MicroTime marshals. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

/** The Lease as it should be after a renewal at `now` (pure). */
export function renewedLease(node: Node, now: number, before?: Lease): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...(before?.metadata ?? { uid: '', creationTimestamp: '', resourceVersion: '' }),
      name: node.metadata.name,
      namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid }],
    },
    spec: {
      holderIdentity: node.metadata.name,
      leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS,
      renewTime: microTime(now),
      ...(before?.spec.acquireTime ? { acquireTime: before.spec.acquireTime } : {}),
    },
  };
}

export function renewNodeLease(store: ObjectStore<Lease>, node: Node, now: number): Lease {
  const before = store.get(NODE_LEASE_NAMESPACE, node.metadata.name);
  const lease = renewedLease(node, now, before);
  // in memory between renewals, as a Node's status is: only its first creation is persisted
  return before ? store.update(lease, { specChanged: false, persist: false }) : store.create(lease);
}
