// apiextensions.k8s.io/v1 CustomResourceDefinitions: stored and validated by agent/crds/; once established,
// the kinds they define are served by api/routes/custom-resources.ts. Listed in discovery as an extra group:
// the OpenAPI documents carry only the built-in kinds' upstream schemas.
import { APIEXTENSIONS_V1, CRD_KIND, type CustomResourceDefinition } from '../../agent/model/crd';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, metaFields, nameColumn } from '../resources';
import { column } from '../table';

export function customResourceDefinitionResource(
  deps: ApiDeps,
): ResourceDefinition<CustomResourceDefinition> {
  return {
    name: 'customresourcedefinitions',
    singularName: 'customresourcedefinition',
    kind: CRD_KIND,
    listKind: `${CRD_KIND}List`,
    groupVersion: APIEXTENSIONS_V1,
    namespaced: false,
    verbs: ALL_VERBS,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    fields: metaFields,
    columns: [
      nameColumn,
      {
        ...column(
          'Created At',
          'CreationTimestamp is a timestamp representing the server time when this object was created.',
        ),
        type: 'date',
      },
    ],
    cells: (crd) => [crd.metadata.name, crd.metadata.creationTimestamp],
    source: deps.customResources.crds,
    registry: deps.customResources.registry,
    mergeKeys: {},
    logCreated: (crd) => ['custom resource definition created', { crd: crd.metadata.name }],
  };
}
