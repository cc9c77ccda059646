// Discovery in its legacy form (every kubectl from 1.27 reads it), and the OpenAPI v3 document
// (api/openapi.ts), both built from the kinds' definitions.
import type { FastifyInstance } from 'fastify';
import { openApiV1, openApiHash } from '../openapi';
import type { ResourceDefinition } from '../resources';

export const SERVER_VERSION = {
  major: '1',
  minor: '34',
  gitVersion: 'v1.34.0',
  gitCommit: '',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: '',
  compiler: 'node',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export function apiResourceList(defs: readonly ResourceDefinition[]): object {
  const entry = (r: ResourceDefinition): object => ({
    name: r.name,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
  });
  const subresources = defs.flatMap((r) =>
    (r.subresources ?? []).map((s) => ({
      name: `${r.name}/${s.name}`,
      singularName: '',
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: s.verbs,
    })),
  );
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'v1',
    resources: [...defs.map(entry), ...subresources],
  };
}

export function discoveryRoutes(app: FastifyInstance, defs: readonly ResourceDefinition[]): void {
  const resources = apiResourceList(defs);
  const openapi = openApiV1(defs, SERVER_VERSION.gitVersion);
  // kubectl caches the document by this hash: it changes whenever the document does.
  const hash = openApiHash(openapi);
  app.get('/version', async () => SERVER_VERSION);
  app.get('/api', async () => ({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }));
  app.get('/apis', async () => ({ kind: 'APIGroupList', apiVersion: 'v1', groups: [] }));
  app.get('/api/v1', async () => resources);
  app.get('/openapi/v3', async () => ({
    paths: { 'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${hash}` } },
  }));
  app.get('/openapi/v3/api/v1', async () => openapi);
}
