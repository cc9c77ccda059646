// ConfigMaps: read from their store, written through the ConfigMap registry (agent/config/config-registries.ts).
import type { ConfigMap } from '../../agent/model/config-objects';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, metaFields, nameAndAge } from '../resources';
import { column } from '../table';

const DATA_TEXT =
  "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.";

export function configMapResource(deps: ApiDeps): ResourceDefinition<ConfigMap> {
  return {
    name: 'configmaps',
    singularName: 'configmap',
    kind: 'ConfigMap',
    listKind: 'ConfigMapList',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['cm'],
    fields: metaFields,
    ...nameAndAge<ConfigMap>([
      column('Data', DATA_TEXT),
      (cm) => Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
    ]),
    source: deps.config.configMaps,
    registry: deps.config.configMapRegistry,
    logCreated: (cm) => ['configmap created', { configMap: `${cm.metadata.namespace}/${cm.metadata.name}` }],
    logDeleted: (cm) => ['configmap deleted', { configMap: `${cm.metadata.namespace}/${cm.metadata.name}` }],
  };
}
