// Namespaces (cluster-scoped): created and labelled through the NamespaceRegistry; an update changes only
// labels and annotations; a delete turns the namespace Terminating until its contents are gone.
import type { Namespace } from '../../agent/model/namespace';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, nameAndAge } from '../resources';
import { column } from '../table';

export function namespaceResource(deps: ApiDeps): ResourceDefinition<Namespace> {
  return {
    name: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    namespaced: false,
    // upstream's namespace storage has no deletecollection (a 405)
    verbs: ALL_VERBS.filter((v) => v !== 'deletecollection'),
    shortNames: ['ns'],
    fields: { 'metadata.name': (n) => n.metadata.name, 'status.phase': (n) => n.status.phase },
    ...nameAndAge<Namespace>([column('Status', 'The status of the namespace.'), (n) => n.status.phase]),
    source: { list: () => deps.namespaces.list(), get: (_ns, name) => deps.namespaces.get('', name) },
    registry: deps.registries.namespaces,
    logCreated: (n) => ['namespace created', { namespace: n.metadata.name }],
  };
}
