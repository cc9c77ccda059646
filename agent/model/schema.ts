// The upstream schemas of the kinds this agent serves (Kubernetes 1.34, as /version reports), as OpenAPI v3
// component schemas in schema/<group>-<version>.json (one file per API group). Those files are generated
// from @kubernetes/client-node's models and upstream's list and patch extensions (`npm run schemas`,
// scripts/generate-schemas.ts) and never edited by hand: strict decoding (known-fields.ts) and the served OpenAPI documents read them; a test holds the
// hand-written shapes to them.
import { type GroupVersion, CORE_V1, schemaPackage } from './group-version';
import apps from './schema/apps-v1.json';
import autoscaling from './schema/autoscaling-v1.json';
import autoscalingV2 from './schema/autoscaling-v2.json';
import batch from './schema/batch-v1.json';
import coordination from './schema/coordination-v1.json';
import discovery from './schema/discovery-v1.json';
import document from './schema/core-v1.json';
import networking from './schema/networking-v1.json';
import policy from './schema/policy-v1.json';
import rbac from './schema/rbac-v1.json';
import scheduling from './schema/scheduling-v1.json';

export interface Schema {
  /** Upstream's, what `kubectl explain` prints. */
  description?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema;
  $ref?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** Definition name -> schema, as in an OpenAPI document's components.schemas. */
export const SCHEMAS: Readonly<Record<string, Schema>> = {
  ...document.schemas,
  ...apps.schemas,
  ...batch.schemas,
  ...autoscaling.schemas,
  ...autoscalingV2.schemas,
  ...coordination.schemas,
  ...discovery.schemas,
  ...rbac.schemas,
  ...networking.schemas,
  ...policy.schemas,
  ...scheduling.schemas,
};
/** Where the schemas come from (package and Kubernetes version). */
export const SCHEMA_SOURCE: string = document.source;

const REF_PREFIX = '#/components/schemas/';

/** The definition a schema refers to, or the schema itself. */
export function resolve(s: Schema): Schema {
  if (s.$ref === undefined) return s;
  const target = SCHEMAS[s.$ref.slice(REF_PREFIX.length)];
  if (!target) throw new Error(`schema ${s.$ref} is missing from agent/model/schema/`);
  return target;
}

/** The schema of a kind (`Pod`; `Deployment` of apps/v1), or undefined for a kind without one. */
export const kindSchema = (kind: string, gv: GroupVersion = CORE_V1): Schema | undefined =>
  SCHEMAS[`${schemaPackage(gv)}.${kind}`];
