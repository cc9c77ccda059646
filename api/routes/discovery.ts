// Discovery in its legacy form (every kubectl from 1.27 reads it), and the smallest OpenAPI v3 document
// that makes kubectl validate on the server: a PATCH operation per kind with its group-version-kind and
// a `fieldValidation` parameter, so kubectl sends fieldValidation=Strict instead of validating itself.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ResourceInfo } from '../resources';
import * as resources from '../resources';

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

const ALL: ResourceInfo<never>[] = [
  resources.pods,
  resources.services,
  resources.endpoints,
  resources.events,
  resources.namespaces,
];

export function apiResourceList(): object {
  const entry = (r: ResourceInfo<never>): object => ({
    name: r.name,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
  });
  const sub = (name: string, kind: string, verbs: string[]): object => ({
    name,
    singularName: '',
    namespaced: true,
    kind,
    verbs,
  });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'v1',
    resources: [...ALL.map(entry), sub('pods/log', 'Pod', ['get']), sub('pods/status', 'Pod', ['get'])],
  };
}

const patchOp = (kind: string): object => ({
  patch: {
    'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind },
    parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
  },
});

export const OPENAPI_V1 = {
  openapi: '3.0.0',
  info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
  paths: {
    '/api/v1/namespaces/{namespace}/pods/{name}': patchOp('Pod'),
    '/api/v1/namespaces/{namespace}/services/{name}': patchOp('Service'),
    '/api/v1/namespaces/{name}': patchOp('Namespace'),
  },
};

// kubectl caches the document by this hash: it changes whenever the document does.
const HASH = createHash('sha256').update(JSON.stringify(OPENAPI_V1)).digest('hex').slice(0, 32).toUpperCase();

export function discoveryRoutes(app: FastifyInstance): void {
  app.get('/version', async () => SERVER_VERSION);
  app.get('/api', async () => ({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }));
  app.get('/apis', async () => ({ kind: 'APIGroupList', apiVersion: 'v1', groups: [] }));
  app.get('/api/v1', async () => apiResourceList());
  app.get('/openapi/v3', async () => ({
    paths: { 'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${HASH}` } },
  }));
  app.get('/openapi/v3/api/v1', async () => OPENAPI_V1);
}
