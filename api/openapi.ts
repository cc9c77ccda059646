// The OpenAPI v3 document of a group version (/openapi/v3/api/v1, /openapi/v3/apis/apps/v1), built from its kinds' definitions and the upstream schemas
// (agent/model/schema.ts). What kubectl (1.29+) needs of it to validate on the server: a PATCH operation per
// writable kind with its group-version-kind and a `fieldValidation` parameter, so kubectl sends
// fieldValidation=Strict instead of validating itself. The operations carry no request body, so kubectl's
// client-side apply computes strategic merge patches from its built-in types, not from these schemas (which
// carry upstream's x-kubernetes-patch-merge-key and -patch-strategy all the same).
import { createHash } from 'node:crypto';
import { type GroupVersion, schemaPackage } from '../agent/model/group-version';
import { SCHEMAS, type Schema } from '../agent/model/schema';
import { type ResourceDefinition, groupPath } from './resources';

export const gvk = (gv: GroupVersion, kind: string): object => ({
  group: gv.group,
  version: gv.version,
  kind,
});

const patchOp = (gv: GroupVersion, kind: string): object => ({
  patch: {
    'x-kubernetes-group-version-kind': gvk(gv, kind),
    parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
  },
});

export const itemPath = (gv: GroupVersion, r: ResourceDefinition): string =>
  r.namespaced
    ? `${groupPath(gv)}/namespaces/{namespace}/${r.name}/{name}`
    : `${groupPath(gv)}/${r.name}/{name}`;

/** The schemas of a group version's kinds, each marked with its group-version-kind as upstream's document does. */
export function kindSchemas(gv: GroupVersion, defs: readonly ResourceDefinition[]): Record<string, object> {
  const schemas: Record<string, object> = {};
  for (const r of defs) {
    const name = `${schemaPackage(gv)}.${r.kind}`;
    const schema = SCHEMAS[name];
    if (!schema) throw new Error(`no upstream schema for ${r.kind}: add it to scripts/generate-schemas.ts`);
    schemas[name] = { ...schema, 'x-kubernetes-group-version-kind': [gvk(gv, r.kind)] };
  }
  return schemas;
}

/** The kinds with a PATCH operation (what kubectl's fieldValidation check looks for). */
export const patchable = (defs: readonly ResourceDefinition[]): ResourceDefinition[] =>
  defs.filter((r) => r.verbs.includes('patch'));

/**
 * A schema as OpenAPI v3 has it: a reference with keys beside it (a field's description, its patch strategy)
 * becomes `allOf: [{$ref}]` with those keys, as upstream's v3 documents write it, since v3 ignores a
 * reference's siblings (kubectl explain then shows a referenced field's own description). v2 keeps them.
 */
function v3Schema(schema: Schema): Schema {
  const { $ref, properties, items, additionalProperties, ...rest } = schema;
  const out: Schema & { allOf?: Schema[] } =
    $ref === undefined || Object.keys(rest).length === 0 ? { ...schema } : { allOf: [{ $ref }], ...rest };
  if (properties)
    out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, v3Schema(v)]));
  if (items) out.items = v3Schema(items);
  if (additionalProperties) out.additionalProperties = v3Schema(additionalProperties);
  return out;
}

/** The document of one group version: its kinds' patch operations and every upstream schema. */
export function openApiDocument(
  gv: GroupVersion,
  defs: readonly ResourceDefinition[],
  version: string,
): object {
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version },
    paths: Object.fromEntries(patchable(defs).map((r) => [itemPath(gv, r), patchOp(gv, r.kind)])),
    components: {
      schemas: Object.fromEntries(
        Object.entries({ ...SCHEMAS, ...kindSchemas(gv, defs) }).map(([k, v]) => [k, v3Schema(v as Schema)]),
      ),
    },
  };
}

/** What kubectl caches the document by (`?hash=`), of its JSON text. */
export const openApiHash = (json: string): string =>
  createHash('sha256').update(json).digest('hex').slice(0, 32).toUpperCase();
