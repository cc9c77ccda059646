// Leases (coordination.k8s.io/v1, read-only here): the node's heartbeat in kube-node-lease, renewed by
// agent/node/node-reporter.ts; `kubectl describe node` shows its holder and renew time.
import { COORDINATION_V1 } from '../../agent/model/group-version';
import type { Lease } from '../../agent/model/lease';
import type { ApiDeps } from '../deps';
import { NONE, READ_VERBS, type ResourceDefinition, metaFields, nameAndAge } from '../resources';
import { column } from '../table';

export function leaseResource(deps: ApiDeps): ResourceDefinition<Lease> {
  return {
    name: 'leases',
    singularName: 'lease',
    kind: 'Lease',
    listKind: 'LeaseList',
    groupVersion: COORDINATION_V1,
    namespaced: true,
    verbs: READ_VERBS,
    fields: metaFields,
    ...nameAndAge<Lease>([
      column('Holder', 'The holder of the lease.'),
      (l) => l.spec.holderIdentity ?? NONE,
    ]),
    source: deps.leases,
  };
}
