// The OpenAPI v3 document of /api/v1, built from the kinds' definitions and the upstream schemas
// (agent/model/schema.ts). What kubectl (1.29+) needs of it to validate on the server: a PATCH operation per
// writable kind with its group-version-kind and a `fieldValidation` parameter, so kubectl sends
// fieldValidation=Strict instead of validating itself. The operations carry no request body, so kubectl's
// client-side apply keeps computing strategic merge patches from its built-in types (the schemas here have
// no patch merge keys: the package they come from does not carry them).
import { createHash } from 'node:crypto';
import { SCHEMAS } from '../agent/model/schema';
import type { ResourceDefinition } from './resources';

const patchOp = (kind: string): object => ({
  patch: {
    'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind },
    parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
  },
});

const itemPath = (r: ResourceDefinition): string =>
  r.namespaced ? `/api/v1/namespaces/{namespace}/${r.name}/{name}` : `/api/v1/${r.name}/{name}`;

/** The upstream schemas, each kind's marked with its group-version-kind as upstream's document does. */
function schemasOf(defs: readonly ResourceDefinition[]): Record<string, object> {
  const schemas: Record<string, object> = { ...SCHEMAS };
  for (const r of defs) {
    const name = `io.k8s.api.core.v1.${r.kind}`;
    const schema = SCHEMAS[name];
    if (!schema) throw new Error(`no upstream schema for ${r.kind}: add it to scripts/generate-schemas.ts`);
    schemas[name] = {
      ...schema,
      'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: r.kind }],
    };
  }
  return schemas;
}

export function openApiV1(defs: readonly ResourceDefinition[], version: string): object {
  const patchable = defs.filter((r) => r.verbs.includes('patch'));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version },
    paths: Object.fromEntries(patchable.map((r) => [itemPath(r), patchOp(r.kind)])),
    components: { schemas: schemasOf(defs) },
  };
}

/** What kubectl caches the document by (`?hash=`). */
export const openApiHash = (doc: object): string =>
  createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 32).toUpperCase();
