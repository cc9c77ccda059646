// Secrets: read from their store (values encrypted at rest, agent/store/secret-cipher.ts), written through
// the Secret registry; logs name the object, never a value.
import type { Secret } from '../../agent/model/config-objects';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, metaFields, nameAndAge } from '../resources';
import { column } from '../table';

const DATA_TEXT =
  "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4";
const TYPE_TEXT =
  'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types';

export function secretResource(deps: ApiDeps): ResourceDefinition<Secret> {
  return {
    name: 'secrets',
    singularName: 'secret',
    kind: 'Secret',
    listKind: 'SecretList',
    namespaced: true,
    verbs: ALL_VERBS,
    fields: { ...metaFields, type: (s) => s.type ?? '' },
    ...nameAndAge<Secret>(
      [column('Type', TYPE_TEXT), (s) => s.type ?? ''],
      [column('Data', DATA_TEXT), (s) => Object.keys(s.data ?? {}).length],
    ),
    source: deps.config.secrets,
    registry: deps.config.secretRegistry,
    logCreated: (s) => ['secret created', { secret: `${s.metadata.namespace}/${s.metadata.name}` }],
    logDeleted: (s) => ['secret deleted', { secret: `${s.metadata.namespace}/${s.metadata.name}` }],
  };
}
