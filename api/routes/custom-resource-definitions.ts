// apiextensions.k8s.io/v1 CustomResourceDefinitions, served empty: the agent serves only its built-in kinds.
// kubectl lists CRDs when a manifest's kind is not in the OpenAPI documents (its field-validation check asks
// whether the kind is a CRD); an empty list lets it say what upstream says, `no matches for kind ...
// ensure CRDs are installed first`, and `kubectl get crd` says there are none. Creating one is refused
// with a 405 that says why.
import type { FastifyInstance } from 'fastify';
import { MiniKubeletError, qualifiedResource } from '../../agent/errors';
import type { GroupVersion } from '../../agent/model/group-version';
import { listedResource } from '../resources';
import type { ExtraGroup } from './discovery';

const APIEXTENSIONS: GroupVersion = { group: 'apiextensions.k8s.io', version: 'v1' };
const BASE = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const KIND = 'CustomResourceDefinition';

export const crdDiscovery: ExtraGroup = {
  gv: APIEXTENSIONS,
  defs: [
    {
      ...listedResource(APIEXTENSIONS, 'customresourcedefinitions', KIND, false, ['get', 'list']),
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
    },
  ],
};

export const NO_CUSTOM_RESOURCES =
  'custom resources are not supported: minikubelet serves only its built-in kinds (docs/kubectl.md)';

export function customResourceDefinitionRoutes(app: FastifyInstance, versions: () => string): void {
  app.get(BASE, async () => ({
    kind: 'CustomResourceDefinitionList',
    apiVersion: 'apiextensions.k8s.io/v1',
    metadata: { resourceVersion: versions() },
    items: [],
  }));
  app.get<{ Params: { name: string } }>(`${BASE}/:name`, async (req) => {
    const { name } = req.params;
    throw new MiniKubeletError(
      'NotFound',
      `${qualifiedResource(KIND, APIEXTENSIONS.group)} "${name}" not found`,
      { name, group: APIEXTENSIONS.group, kind: KIND },
    );
  });
  const refuse = async (): Promise<never> => {
    throw new MiniKubeletError('MethodNotAllowed', NO_CUSTOM_RESOURCES);
  };
  app.post(BASE, refuse);
  for (const method of ['PUT', 'PATCH', 'DELETE'] as const)
    app.route({ method, url: `${BASE}/:name`, handler: refuse });
  app.delete(BASE, refuse);
}
