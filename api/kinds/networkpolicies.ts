// networking.k8s.io/v1 NetworkPolicies (namespaced, shortName netpol), written through
// agent/networking/ingress-registry.ts. Stored and validated, not enforced: as on a cluster whose network
// plugin does not implement NetworkPolicy. `kubectl get` columns as upstream's printer: NAME POD-SELECTOR AGE.
import { NETWORKING_V1 } from '../../agent/model/group-version';
import { selectorText } from '../../agent/model/label-selector';
import type { NetworkPolicy } from '../../agent/model/network-policy';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, NONE, type ResourceDefinition, metaFields, nameAndAge } from '../resources';
import { column } from '../table';

const podSelectorColumn = column(
  'Pod-Selector',
  'podSelector selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.',
);

export function networkPolicyResource(deps: ApiDeps): ResourceDefinition<NetworkPolicy> {
  return {
    groupVersion: NETWORKING_V1,
    verbs: [...ALL_VERBS],
    name: 'networkpolicies',
    singularName: 'networkpolicy',
    kind: 'NetworkPolicy',
    listKind: 'NetworkPolicyList',
    namespaced: true,
    shortNames: ['netpol'],
    fields: metaFields,
    // metav1.FormatLabelSelector: `<none>` for the empty selector (every pod of the namespace)
    ...nameAndAge<NetworkPolicy>([podSelectorColumn, (np) => selectorText(np.spec.podSelector) || NONE]),
    source: deps.networking.networkPolicies,
    registry: deps.networking.registries.networkPolicies,
    logCreated: (np) => [
      'networkpolicy created (not enforced)',
      { networkpolicy: `${np.metadata.namespace}/${np.metadata.name}` },
    ],
  };
}
