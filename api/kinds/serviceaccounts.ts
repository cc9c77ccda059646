// ServiceAccounts (namespaced): `kubectl get sa` prints NAME SECRETS AGE as upstream's printer does; the token
// subresource is the TokenRequest API (api/routes/service-account-token.ts).
import type { ServiceAccount } from '../../agent/model/service-account';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, age, ageColumn, metaFields, nameColumn } from '../resources';
import { TOKEN_SUBRESOURCE } from '../routes/service-account-token';
import { column } from '../table';

export function serviceAccountResource(deps: ApiDeps): ResourceDefinition<ServiceAccount> {
  return {
    name: 'serviceaccounts',
    singularName: 'serviceaccount',
    kind: 'ServiceAccount',
    listKind: 'ServiceAccountList',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['sa'],
    fields: metaFields,
    columns: [
      nameColumn,
      column(
        'Secrets',
        'Secrets is the list of secrets allowed to be used by pods running using this ServiceAccount.',
      ),
      ageColumn,
    ],
    cells: (sa, now) => [sa.metadata.name, sa.secrets?.length ?? 0, age(sa, now)],
    source: deps.serviceAccounts,
    registry: deps.registries.serviceAccounts,
    subresources: [TOKEN_SUBRESOURCE],
    logCreated: (sa) => [
      'service account created',
      { namespace: sa.metadata.namespace, name: sa.metadata.name },
    ],
  };
}
