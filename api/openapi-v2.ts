// The OpenAPI v2 (Swagger 2.0) document at /openapi/v2: the one document of every group version, which
// kubectl's and Helm's validation fall back to when a kind is missing from the v3 documents (Helm 4 fetches
// it, protobuf-encoded, for a chart with a kind this agent does not serve). Built from the same kinds and
// upstream schemas as the v3 documents (api/openapi.ts): the same PATCH operations with their
// group-version-kind and `fieldValidation` parameter, the schemas as `definitions`. kubectl <= 1.25 computes
// client-side apply's strategic merge patches from these definitions, so they carry upstream's patch merge
// keys and strategies; kubectl 1.26+ reads them only for a PATCH operation that `consumes` the strategic
// merge media type, which these do not list, and keeps to its built-in types.
import { type GroupVersion } from '../agent/model/group-version';
import { SCHEMAS } from '../agent/model/schema';
import { gvk, itemPath, kindSchemas, patchable } from './openapi';
import type { ResourceDefinition } from './resources';

/** A Swagger 2.0 schema as far as the upstream schemas use it (agent/model/schema.ts). */
export interface SchemaV2 {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  required?: string[];
  items?: SchemaV2;
  properties?: Record<string, SchemaV2>;
  additionalProperties?: SchemaV2 | boolean;
  [vendorExtension: `x-${string}`]: unknown;
}

export interface QueryParameterV2 {
  name: string;
  in: 'query';
  type: string;
  uniqueItems: boolean;
}

export interface OperationV2 {
  parameters: QueryParameterV2[];
  responses: Record<string, { description: string }>;
  'x-kubernetes-group-version-kind': object;
}

export interface DocumentV2 {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, { patch: OperationV2 }>;
  definitions: Record<string, SchemaV2>;
}

const patchOp = (gv: GroupVersion, kind: string): { patch: OperationV2 } => ({
  patch: {
    parameters: [{ name: 'fieldValidation', in: 'query', type: 'string', uniqueItems: true }],
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-group-version-kind': gvk(gv, kind),
  },
});

/** v3 references (#/components/schemas/X) become v2 ones (#/definitions/X); the schemas are otherwise alike. */
const v2Refs = (schemas: Record<string, object>): Record<string, SchemaV2> =>
  JSON.parse(JSON.stringify(schemas).replaceAll('"#/components/schemas/', '"#/definitions/')) as Record<
    string,
    SchemaV2
  >;

export function openApiV2Document(
  groups: readonly { gv: GroupVersion; defs: readonly ResourceDefinition[] }[],
  version: string,
): DocumentV2 {
  const paths: DocumentV2['paths'] = {};
  let schemas: Record<string, object> = { ...SCHEMAS };
  for (const { gv, defs } of groups) {
    for (const r of patchable(defs)) paths[itemPath(gv, r)] = patchOp(gv, r.kind);
    schemas = { ...schemas, ...kindSchemas(gv, defs) };
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version }, paths, definitions: v2Refs(schemas) };
}
