// networking.k8s.io/v1 NetworkPolicies as the API stores them. Stored and validated only: nothing enforces
// them, as on a cluster whose network plugin does not implement NetworkPolicy (containers reach each other
// as the runtime's network lets them).
import type { ObjectMeta } from './meta';
import type { LabelSelector } from './workload';

export const NETWORK_POLICY_KIND = 'NetworkPolicy';
export type PolicyType = 'Ingress' | 'Egress';

export interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyIngressRule {
  ports?: NetworkPolicyPort[];
  from?: NetworkPolicyPeer[];
}

export interface NetworkPolicyEgressRule {
  ports?: NetworkPolicyPort[];
  to?: NetworkPolicyPeer[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
  policyTypes?: PolicyType[];
}

export interface NetworkPolicy {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: ObjectMeta;
  spec: NetworkPolicySpec;
}

/** SetDefaults_NetworkPolicy and _NetworkPolicyPort: podSelector {} (Go's zero value), policyTypes from the
 * rules given (Ingress always, Egress when there are egress rules), each port's protocol TCP. */
export function applyNetworkPolicyDefaults(np: NetworkPolicy): void {
  const spec = np.spec;
  spec.podSelector ??= {};
  if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])])
    for (const port of rule?.ports ?? []) if (port && port.protocol === undefined) port.protocol = 'TCP';
}
