// Writes agent/model/schema/<group>-<version>.json (core-v1.json, apps-v1.json, batch-v1.json,
// autoscaling-v1.json, autoscaling-v2.json, coordination-v1.json, discovery-v1.json, rbac-v1.json,
// networking-v1.json, policy-v1.json, scheduling-v1.json): the OpenAPI v3 schemas of the kinds this agent serves (and of every type they
// contain), derived from the models of @kubernetes/client-node, which are generated from upstream's OpenAPI
// document, with upstream's descriptions from the models' comments (model-descriptions.ts) and upstream's
// list, map and patch extensions and the descriptions of referenced fields added from
// scripts/schema-extensions.json (the models lack them; extract-schema-extensions.ts reads them from
// upstream's document); one file per API group, so a kind added to one group leaves the others' files alone. The package is pinned to 1.4.0 = Kubernetes 1.34, the version /version
// reports. `npm run schemas` regenerates; test/unit/agent/model/schema.spec.ts fails when the file and the
// package disagree.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaExtensions } from './extract-schema-extensions';
import { modelDescriptions } from './model-descriptions';
import extensionsDocument from './schema-extensions.json';

/** The kinds served, as client-node names their models. */
const ROOTS = [
  'V1Pod',
  'V1Service',
  'V1Namespace',
  'V1Endpoints',
  'CoreV1Event',
  'V1ServiceAccount',
  'V1ConfigMap',
  'V1Secret',
  'V1Node',
  'V1PersistentVolumeClaim',
  // apps/v1
  'V1Deployment',
  'V1ReplicaSet',
  'V1DaemonSet',
  'V1ControllerRevision',
  'V1StatefulSet',
  // batch/v1
  'V1Job',
  'V1CronJob',
  // autoscaling/v1 (the scale subresource; HorizontalPodAutoscalers, also served as autoscaling/v2)
  'V1Scale',
  'V1HorizontalPodAutoscaler',
  'V2HorizontalPodAutoscaler',
  // coordination.k8s.io/v1 (the node's heartbeat)
  'V1Lease',
  // discovery.k8s.io/v1 (a Service's endpoints as kubectl describe reads them)
  'V1EndpointSlice',
  // rbac.authorization.k8s.io/v1
  'V1Role',
  'V1ClusterRole',
  'V1RoleBinding',
  'V1ClusterRoleBinding',
  // networking.k8s.io/v1 (stored and validated; no ingress controller)
  'V1Ingress',
  'V1IngressClass',
  // networking.k8s.io/v1 NetworkPolicies (stored and validated; not enforced)
  'V1NetworkPolicy',
  // policy/v1 (Helm charts' PodDisruptionBudgets; the Eviction body is decoded by hand)
  'V1PodDisruptionBudget',
  // scheduling.k8s.io/v1 (pods' priorities and preemption)
  'V1PriorityClass',
];
/**
 * The group of a model that is not core/v1, by its name (client-node's names carry no package): the models
 * the roots above reach. A model of a new group needs its pattern here.
 */
const GROUPS: [RegExp, string][] = [
  [/^(Deployment|ReplicaSet|DaemonSet|StatefulSet|RollingUpdate|ControllerRevision)/, 'apps'],
  [/^(Job|CronJob|PodFailurePolicy|SuccessPolicy|UncountedTerminatedPods)/, 'batch'],
  [/^(Scale(Spec|Status)?|HorizontalPodAutoscaler.*|CrossVersionObjectReference)$/, 'autoscaling'],
  [/^Lease(Spec)?$/, 'coordination'],
  [/^(EndpointSlice|Endpoint|EndpointConditions|EndpointHints|ForNode|ForZone)$/, 'discovery'],
  [/^((Cluster)?Role(Binding|Ref)?|PolicyRule|AggregationRule)$/, 'rbac'],
  [/^(Ingress.*|HTTPIngress.*|ServiceBackendPort|NetworkPolicy.*|IPBlock)$/, 'networking'],
  [/^PodDisruptionBudget(Spec|Status)?$/, 'policy'],
  [/^PriorityClass$/, 'scheduling'],
];
/** Models client-node prefixes with their package because core/v1 has one of the same name. */
const PACKAGE_PREFIXES: [RegExp, string][] = [
  [/^CoreV1/, 'core'],
  [/^DiscoveryV1/, 'discovery'],
  [/^RbacV1/, 'rbac'],
];
/** Models of apimachinery's meta/v1 package among those the kinds reach; the rest are core/v1. */
const META = new Set([
  'Condition',
  'LabelSelector',
  'LabelSelectorRequirement',
  'ManagedFieldsEntry',
  'ObjectMeta',
  'OwnerReference',
]);
const META_PREFIX = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
/**
 * Fields upstream types as a resource.Quantity (a string or a number in JSON), which client-node's models
 * flatten to `string`: `Model.field`.
 */
const QUANTITY_FIELDS = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1PodSpec.overhead',
  'V1ContainerStatus.allocatedResources',
  'V1ResourceFieldSelector.divisor',
  'V1PersistentVolumeClaimStatus.capacity',
  'V1PersistentVolumeClaimStatus.allocatedResources',
  'V2MetricTarget.value',
  'V2MetricTarget.averageValue',
  'V2MetricValueStatus.value',
  'V2MetricValueStatus.averageValue',
  'V2HPAScalingRules.tolerance',
]);

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
type Models = Record<string, { getAttributeTypeMap?: () => Attribute[] } | undefined>;
export type JsonSchema = Record<string, unknown>;

/**
 * `V1Pod` -> `io.k8s.api.core.v1.Pod`; `CoreV1Event` -> `io.k8s.api.core.v1.Event`;
 * `DiscoveryV1EndpointPort` -> `io.k8s.api.discovery.v1.EndpointPort`.
 */
function definitionName(model: string): string {
  // client-node's only v2 models are autoscaling/v2's
  if (model.startsWith('V2')) return `io.k8s.api.autoscaling.v2.${model.slice(2)}`;
  const prefixed = PACKAGE_PREFIXES.find(([p]) => p.test(model));
  const short = model.replace(prefixed?.[0] ?? /^V1/, '');
  if (META.has(short) || short === 'MicroTime') return `${META_PREFIX}${short}`;
  const group = prefixed?.[1] ?? GROUPS.find(([pattern]) => pattern.test(short))?.[1] ?? 'core';
  return `io.k8s.api.${group}.v1.${short}`;
}
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
/** `description` first, as upstream's document orders it, when there is one. */
const described = (description: string | undefined): JsonSchema =>
  description === undefined ? {} : { description };

export interface SchemaDocument {
  source: string;
  schemas: Record<string, JsonSchema>;
}

export async function generateSchemas(): Promise<SchemaDocument> {
  const models = (await import('@kubernetes/client-node')) as unknown as Models;
  const schemas: Record<string, JsonSchema> = {
    [QUANTITY]: { type: 'string', 'x-kubernetes-int-or-string': true },
    [INT_OR_STRING]: { type: 'string', 'x-kubernetes-int-or-string': true, format: 'int-or-string' },
    [`${META_PREFIX}Time`]: { type: 'string', format: 'date-time' },
    [`${META_PREFIX}MicroTime`]: { type: 'string', format: 'date-time' },
  };
  const pending: string[] = [...ROOTS];
  const typeOf = (t: string, format: string, quantity: boolean): JsonSchema => {
    const list = /^Array<(.*)>$/.exec(t);
    if (list) return { type: 'array', items: typeOf(list[1] ?? '', format, quantity) };
    const map = /^\{ \[key: string\]: (.*); \}$/.exec(t);
    if (map) return { type: 'object', additionalProperties: typeOf(map[1] ?? '', format, quantity) };
    if (quantity) return ref(QUANTITY);
    switch (t) {
      case 'string':
        return format ? { type: 'string', format } : { type: 'string' };
      case 'number':
        return format === 'double' ? { type: 'number', format } : { type: 'integer', format };
      case 'boolean':
        return { type: 'boolean' };
      case 'Date':
        return ref(`${META_PREFIX}Time`);
      case 'IntOrString':
        return ref(INT_OR_STRING);
      case 'any':
        return { 'x-kubernetes-preserve-unknown-fields': true };
      default:
        pending.push(t);
        return ref(definitionName(t));
    }
  };
  while (pending.length) {
    const model = pending.pop() ?? '';
    const name = definitionName(model);
    if (schemas[name]) continue;
    const attributes = models[model]?.getAttributeTypeMap?.();
    if (!attributes) throw new Error(`@kubernetes/client-node has no model ${model}`);
    const descriptions = modelDescriptions(model);
    const properties: Record<string, JsonSchema> = {};
    schemas[name] = { ...described(descriptions.description), type: 'object', properties };
    for (const a of attributes)
      properties[a.baseName] = {
        ...described(descriptions.properties[a.name]),
        ...typeOf(a.type, a.format, QUANTITY_FIELDS.has(`${model}.${a.name}`)),
      };
  }
  addExtensions(schemas, extensionsDocument);
  const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { source: '@kubernetes/client-node 1.4.0 (Kubernetes 1.34)', schemas: sorted };
}

/** Upstream's extensions beside each definition's and property's own keys, as upstream's document has them. */
function addExtensions(schemas: Record<string, JsonSchema>, { definitions }: SchemaExtensions): void {
  for (const [name, { properties = {}, ...own }] of Object.entries(definitions)) {
    const schema = schemas[name];
    if (!schema) throw new Error(`schema-extensions.json names ${name}, which no served kind reaches`);
    Object.assign(schema, own);
    const fields = schema['properties'] as Record<string, JsonSchema>;
    for (const [property, { description, ...extensions }] of Object.entries(properties)) {
      const field = fields[property];
      if (!field) throw new Error(`schema-extensions.json names ${name}.${property}, unknown`);
      // Upstream's description of a reference wins over the model's comment, which for an IntOrString
      // field (`maxSurge`) is the type's, not the field's.
      fields[property] = { ...described(description as string | undefined), ...field, ...extensions };
      if (description !== undefined) fields[property]['description'] = description;
    }
  }
}

export const SCHEMA_DIR = join(__dirname, '..', '..', 'agent', 'model', 'schema');

/** The document split into one per group: `apps-v1.json` holds io.k8s.api.apps.v1.*; core-v1.json the rest. */
export function schemaFiles(doc: SchemaDocument): Record<string, SchemaDocument> {
  const files: Record<string, SchemaDocument> = {};
  for (const [name, schema] of Object.entries(doc.schemas)) {
    const group = /^io\.k8s\.api\.([a-z]+)\.(v[0-9a-z]+)\./.exec(name);
    const file = group && group[1] !== 'core' ? `${group[1]}-${group[2]}.json` : 'core-v1.json';
    (files[file] ??= { source: doc.source, schemas: {} }).schemas[name] = schema;
  }
  return files;
}

if (require.main === module) {
  generateSchemas().then(
    (doc) => {
      for (const [file, part] of Object.entries(schemaFiles(doc)))
        writeFileSync(join(SCHEMA_DIR, file), `${JSON.stringify(part, null, 1)}\n`);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
