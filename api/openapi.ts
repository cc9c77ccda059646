// The OpenAPI v3 document of /api/v1, built from the kinds' definitions. What kubectl (1.29+) needs of it
// to validate on the server: a PATCH operation per writable kind with its group-version-kind and a
// `fieldValidation` parameter, so kubectl sends fieldValidation=Strict instead of validating itself.
import { createHash } from 'node:crypto';
import type { ResourceDefinition } from './resources';

const patchOp = (kind: string): object => ({
  patch: {
    'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind },
    parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
  },
});

const itemPath = (r: ResourceDefinition): string =>
  r.namespaced ? `/api/v1/namespaces/{namespace}/${r.name}/{name}` : `/api/v1/${r.name}/{name}`;

export function openApiV1(defs: readonly ResourceDefinition[], version: string): object {
  const patchable = defs.filter((r) => r.verbs.includes('patch'));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version },
    paths: Object.fromEntries(patchable.map((r) => [itemPath(r), patchOp(r.kind)])),
  };
}

/** What kubectl caches the document by (`?hash=`). */
export const openApiHash = (doc: object): string =>
  createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 32).toUpperCase();
