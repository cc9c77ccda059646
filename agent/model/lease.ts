// A coordination.k8s.io/v1 Lease, as the kubelet keeps one per node in kube-node-lease for its heartbeat.
import type { StoredObject } from '../store/object-store';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** The kubelet's default --node-lease-duration-seconds. */
export const NODE_LEASE_DURATION_SECONDS = 40;

export interface Lease extends StoredObject {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    /** MicroTime: RFC 3339 with microseconds. */
    renewTime?: string;
    acquireTime?: string;
  };
}
