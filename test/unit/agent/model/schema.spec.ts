// One schema source: the upstream schemas (agent/model/schema/*.json, generated from the pinned
// @kubernetes/client-node) against the decoding derived from them (shape.ts, known-fields.ts) and the
// hand-written types (pod.ts, service.ts, meta.ts: what the agent understands), checked when this file
// compiles: each field they name is upstream's with a compatible type, and each upstream field of the
// writable types is either named there or listed in agent/model/unsupported-fields.ts with a reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Upstream from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { expect } from 'chai';
import type { KubeEvent } from '../../../../agent/events/recorder';
import { unknownFields } from '../../../../agent/model/known-fields';
import type { ObjectMeta } from '../../../../agent/model/meta';
import type { ConfigMap, Secret } from '../../../../agent/model/config-objects';
import type { Namespace } from '../../../../agent/model/namespace';
import type * as HandSlice from '../../../../agent/model/endpoint-slice';
import type * as HandNode from '../../../../agent/model/node';
import type * as Hand from '../../../../agent/model/pod';
import { SCHEMAS, SCHEMA_SOURCE, type Schema, kindSchema } from '../../../../agent/model/schema';
import type * as HandService from '../../../../agent/model/service';
import { decodePod } from '../../../../agent/model/pod-decode';
import {
  CONFIGMAP_SHAPE,
  POD_SHAPE,
  SECRET_SHAPE,
  SERVICE_SHAPE,
  type Shape,
} from '../../../../agent/model/shape';
import { UNSUPPORTED_FIELDS } from '../../../../agent/model/unsupported-fields';
import { SERVER_VERSION } from '../../../../api/routes/discovery';
import { generateSchemas, schemaFiles } from '../../../../scripts/generate-schemas';

const REF = '#/components/schemas/';
const ROOT = join(__dirname, '..', '..', '..', '..', '..');

/** A schema with its definition's short name (`Container`) when it is a reference. */
function deref(s: Schema): { name?: string; schema: Schema } {
  if (s.$ref === undefined) return { schema: s };
  const full = s.$ref.slice(REF.length);
  const schema = SCHEMAS[full];
  if (!schema) throw new Error(`dangling ${s.$ref}`);
  return { name: full.slice(full.lastIndexOf('.') + 1), schema };
}

/** Does a value the shape lets through have the schema's type? */
function compatible(shape: Shape, s: Schema): boolean {
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  switch (shape.type) {
    case 'any':
      return true;
    case 'string':
      return s.type === 'string' && !intOrString;
    case 'number':
      return s.type === 'integer' || s.type === 'number';
    case 'boolean':
      return s.type === 'boolean';
    case 'intOrString':
    case 'quantity':
      return intOrString;
    case 'stringMap':
      return (
        s.type === 'object' &&
        s.additionalProperties !== undefined &&
        deref(s.additionalProperties).schema.type === 'string'
      );
    case 'array':
      return s.type === 'array';
    case 'object':
      return s.type === 'object';
  }
  return false;
}

interface Findings {
  /** Shape fields missing from the schema or of another type. */
  disagreements: string[];
  /** Schema fields the shape does not type-check, as `Definition.field`. */
  unchecked: Set<string>;
}

function compare(schema: Schema, shape: Shape, path: string, f: Findings): void {
  const { name, schema: s } = deref(schema);
  if (!compatible(shape, s)) {
    f.disagreements.push(`${path}: checked as ${shape.type}, upstream ${JSON.stringify(s)}`);
    return;
  }
  if (shape.type === 'array' && shape.items && s.items) return compare(s.items, shape.items, `${path}[]`, f);
  if (shape.values && s.additionalProperties)
    return compare(s.additionalProperties, shape.values, `${path}[]`, f);
  const fields = shape.type === 'object' ? (shape.fields ?? {}) : {};
  // An object shape without fields (resources.limits) checks only that it is an object.
  if (Object.keys(fields).length === 0) return;
  const properties = s.properties ?? {};
  for (const [k, sub] of Object.entries(fields)) {
    const upstream = Object.hasOwn(properties, k) ? properties[k] : undefined;
    if (!upstream) f.disagreements.push(`${path}.${k}: not in the upstream schema`);
    else compare(upstream, sub, `${path}.${k}`, f);
  }
  for (const k of Object.keys(properties)) if (!Object.hasOwn(fields, k)) f.unchecked.add(`${name}.${k}`);
}

function findings(roots: [string, Shape][]): Findings {
  const f: Findings = { disagreements: [], unchecked: new Set() };
  for (const [kind, shape] of roots) {
    const top = kindSchema(kind);
    if (!top?.properties) throw new Error(`no schema for ${kind}`);
    for (const [k, sub] of Object.entries(shape.fields ?? {})) {
      const upstream = top.properties[k];
      if (!upstream) f.disagreements.push(`${kind}.${k}: not in the upstream schema`);
      else compare(upstream, sub, `${kind}.${k}`, f);
    }
  }
  return f;
}

const DERIVED_SHAPES: [string, Shape][] = [
  ['Pod', POD_SHAPE],
  ['Service', SERVICE_SHAPE],
  ['ConfigMap', CONFIGMAP_SHAPE],
  ['Secret', SECRET_SHAPE],
];

describe('one schema source (agent/model/schema/<group>-<version>.json)', () => {
  it('is exactly what `npm run schemas` derives from @kubernetes/client-node, one file per group', async function () {
    this.timeout(20_000); // the package's first import
    const files = schemaFiles(await generateSchemas());
    expect(Object.keys(files).sort()).to.deep.equal([
      'apps-v1.json',
      'autoscaling-v1.json',
      'autoscaling-v2.json',
      'batch-v1.json',
      'coordination-v1.json',
      'core-v1.json',
      'discovery-v1.json',
      'networking-v1.json',
      'policy-v1.json',
      'rbac-v1.json',
      'scheduling-v1.json',
    ]);
    for (const [name, part] of Object.entries(files)) {
      const file = JSON.parse(readFileSync(join(ROOT, 'agent/model/schema', name), 'utf8')) as unknown;
      expect(file, name).to.deep.equal(part);
    }
  });

  it('is pinned to the Kubernetes version /version reports', () => {
    const pkg = (file: string): { version?: string; devDependencies?: Record<string, string> } =>
      JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { version?: string };
    const pinned = pkg('package.json').devDependencies?.['@kubernetes/client-node'];
    expect(pinned).to.match(/^\d+\.\d+\.\d+$/, 'an exact version, not a range');
    expect(pkg('node_modules/@kubernetes/client-node/package.json').version).to.equal(pinned);
    expect(SCHEMA_SOURCE).to.equal(
      `@kubernetes/client-node ${pinned} (Kubernetes ${SERVER_VERSION.major}.${SERVER_VERSION.minor})`,
    );
  });

  it('decoding type-checks every upstream field of Pods and Services (status aside), with its upstream type', () => {
    const f = findings(DERIVED_SHAPES);
    expect(f.disagreements).to.deep.equal([]);
    expect([...f.unchecked]).to.deep.equal([]);
  });

  it('type-checks a field the agent ignores as upstream types it (Go decoding errors, 400)', () => {
    const pod = (spec: object): unknown => ({
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
    });
    const decoding = 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal';
    expect(() => decodePod(pod({ nodeSelector: { disk: 5 } }), 'default')).to.throw(
      `${decoding} number into Go struct field PodSpec.spec.nodeSelector of type string`,
    );
    expect(() => decodePod(pod({ priority: 'high' }), 'default')).to.throw(
      `${decoding} string into Go struct field PodSpec.spec.priority of type int32`,
    );
    const limits = { resources: { limits: { cpu: 0.5, memory: '1Gi' }, requests: { cpu: true } } };
    expect(() => decodePod(pod({ containers: [{ name: 'c', image: 'i', ...limits }] }), 'default')).to.throw(
      'Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression',
    );
  });

  it('lists as unsupported only upstream fields, each once, each under a reason', () => {
    const listed: string[] = Object.values(UNSUPPORTED_FIELDS).flat();
    expect(listed.length).to.equal(new Set(listed).size, 'each field once');
    const upstream = (entry: string): boolean => {
      const [definition, field] = entry.split('.');
      const full = Object.keys(SCHEMAS).find((n) => n.endsWith(`.${definition ?? ''}`));
      return Object.hasOwn(SCHEMAS[full ?? '']?.properties ?? {}, field ?? '');
    };
    expect(listed.filter((e) => !upstream(e))).to.deep.equal([]);
    for (const reason of Object.keys(UNSUPPORTED_FIELDS)) expect(reason.length).to.be.greaterThan(20);
  });

  it('can fail: a field of the wrong type, an invented field and an unlisted one are found', () => {
    const wrong: Shape = {
      type: 'object',
      fields: {
        spec: {
          type: 'object',
          fields: {
            hostNetwork: { type: 'string' },
            inventedField: { type: 'string' },
            containers: { type: 'array', items: { type: 'object', fields: { name: { type: 'string' } } } },
          },
        },
      },
    };
    const f = findings([['Pod', wrong]]);
    expect(f.disagreements).to.have.length(2);
    expect(f.disagreements[0]).to.match(/^Pod\.spec\.hostNetwork: checked as string/);
    expect(f.disagreements[1]).to.equal('Pod.spec.inventedField: not in the upstream schema');
    expect([...f.unchecked]).to.include.members(['PodSpec.nodeSelector', 'Container.image']);
  });

  it('strict decoding reads it to every depth, status included', () => {
    const pod = {
      spec: {
        nodeSelector: { disk: 'ssd' },
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {}, bogus: 1 } },
        containers: [{ name: 'a', resources: { limits: { cpu: '1' } }, env: [{ name: 'X', valueFrom: {} }] }],
      },
      status: { phase: 'Running', podIPs: [{ ip: '10.0.0.1', extra: true }] },
      metadata: { managedFields: [{ fieldsV1: { 'f:spec': {} } }] },
    };
    expect(unknownFields('Pod', pod)).to.deep.equal([
      'spec.affinity.nodeAffinity.bogus',
      'status.podIPs[0].extra',
    ]);
  });
});

/** The named fields of a type (index signatures left out). */
type Named<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
/** A field's type as the hand-written types hold it: client-node turns timestamps into Dates. */
type AsStored<U> = U extends Date ? string : U;
type Primitive = string | number | boolean | Date;
/** Fields of the hand-written type that upstream does not have, or whose primitive type differs. */
type Disagreeing<H, U> =
  | Exclude<Named<H>, keyof U>
  | {
      [K in Named<H> & keyof U]: NonNullable<U[K]> extends Primitive
        ? NonNullable<H[K]> extends AsStored<NonNullable<U[K]>>
          ? never
          : K
        : never;
    }[Named<H> & keyof U];
/** Compiles only when every named field of the hand-written type is upstream's, with a compatible type. */
type Agrees<H, U> = Disagreeing<H, U> extends never ? true : Disagreeing<H, U>;

type Listed = (typeof UNSUPPORTED_FIELDS)[keyof typeof UNSUPPORTED_FIELDS][number];
/** The fields listed as unsupported for one upstream definition (`PodSpec`). */
type UnsupportedOf<D extends string> = Listed extends infer L
  ? L extends `${D}.${infer F}`
    ? F
    : never
  : never;
/** Upstream fields the hand-written type neither names nor lists as unsupported, or both names and lists. */
type Uncovered<H, U, D extends string> =
  Exclude<Named<U>, Named<H> | UnsupportedOf<D>> | Extract<Named<H>, UnsupportedOf<D>>;
/** Compiles only when every upstream field is understood (named) or listed as unsupported, not both. */
type Covers<H, U, D extends string> = Uncovered<H, U, D> extends never ? true : Uncovered<H, U, D>;

type HandEnvSource = NonNullable<Hand.EnvVar['valueFrom']>;

/** Compile-time proof (`tsc` fails otherwise); a failing line names the fields that disagree. */
export const TYPES_AGREE: true[] = [
  true satisfies Agrees<Hand.Pod, Upstream.V1Pod>,
  true satisfies Agrees<Hand.PodSpec, Upstream.V1PodSpec>,
  true satisfies Agrees<Hand.Container, Upstream.V1Container>,
  true satisfies Agrees<Hand.EphemeralContainer, Upstream.V1EphemeralContainer>,
  true satisfies Agrees<Hand.ContainerPort, Upstream.V1ContainerPort>,
  true satisfies Agrees<Hand.EnvVar, Upstream.V1EnvVar>,
  true satisfies Agrees<HandEnvSource, Upstream.V1EnvVarSource>,
  true satisfies Agrees<Hand.KeySelector, Upstream.V1ConfigMapKeySelector>,
  true satisfies Agrees<Hand.KeySelector, Upstream.V1SecretKeySelector>,
  true satisfies Agrees<Hand.EnvFromSource, Upstream.V1EnvFromSource>,
  true satisfies Agrees<Hand.VolumeMount, Upstream.V1VolumeMount>,
  true satisfies Agrees<Hand.SecurityContext, Upstream.V1SecurityContext>,
  true satisfies Agrees<Hand.ResourceRequirements, Upstream.V1ResourceRequirements>,
  true satisfies Agrees<Hand.Probe, Upstream.V1Probe>,
  true satisfies Agrees<Hand.Handler, Upstream.V1LifecycleHandler>,
  true satisfies Agrees<Hand.Lifecycle, Upstream.V1Lifecycle>,
  true satisfies Agrees<Hand.ExecAction, Upstream.V1ExecAction>,
  true satisfies Agrees<Hand.HttpGetAction, Upstream.V1HTTPGetAction>,
  true satisfies Agrees<Hand.TcpSocketAction, Upstream.V1TCPSocketAction>,
  true satisfies Agrees<Hand.Volume, Upstream.V1Volume>,
  true satisfies Agrees<Hand.KeyToPath, Upstream.V1KeyToPath>,
  true satisfies Agrees<Hand.ConfigMapVolumeSource, Upstream.V1ConfigMapVolumeSource>,
  true satisfies Agrees<Hand.SecretVolumeSource, Upstream.V1SecretVolumeSource>,
  true satisfies Agrees<Hand.DownwardAPIVolumeSource, Upstream.V1DownwardAPIVolumeSource>,
  true satisfies Agrees<Hand.DownwardAPIVolumeFile, Upstream.V1DownwardAPIVolumeFile>,
  true satisfies Agrees<Hand.ResourceFieldSelector, Upstream.V1ResourceFieldSelector>,
  true satisfies Agrees<Hand.ProjectedVolumeSource, Upstream.V1ProjectedVolumeSource>,
  true satisfies Agrees<Hand.VolumeProjection, Upstream.V1VolumeProjection>,
  true satisfies Agrees<Hand.ServiceAccountTokenProjection, Upstream.V1ServiceAccountTokenProjection>,
  true satisfies Agrees<Hand.PodDnsConfig, Upstream.V1PodDNSConfig>,
  true satisfies Agrees<Hand.PodStatus, Upstream.V1PodStatus>,
  true satisfies Agrees<Hand.PodCondition, Upstream.V1PodCondition>,
  true satisfies Agrees<Hand.ContainerStatus, Upstream.V1ContainerStatus>,
  true satisfies Agrees<Hand.ContainerState, Upstream.V1ContainerState>,
  true satisfies Agrees<Hand.ContainerStateWaiting, Upstream.V1ContainerStateWaiting>,
  true satisfies Agrees<Hand.ContainerStateRunning, Upstream.V1ContainerStateRunning>,
  true satisfies Agrees<Hand.ContainerStateTerminated, Upstream.V1ContainerStateTerminated>,
  true satisfies Agrees<ObjectMeta, Upstream.V1ObjectMeta>,
  true satisfies Agrees<HandService.Service, Upstream.V1Service>,
  true satisfies Agrees<HandService.ServiceSpec, Upstream.V1ServiceSpec>,
  true satisfies Agrees<HandService.ServicePort, Upstream.V1ServicePort>,
  true satisfies Agrees<HandService.Endpoints, Upstream.V1Endpoints>,
  true satisfies Agrees<HandService.EndpointSubset, Upstream.V1EndpointSubset>,
  true satisfies Agrees<HandService.EndpointAddress, Upstream.V1EndpointAddress>,
  true satisfies Agrees<HandService.EndpointPort, Upstream.CoreV1EndpointPort>,
  true satisfies Agrees<Namespace, Upstream.V1Namespace>,
  true satisfies Agrees<HandNode.Node, Upstream.V1Node>,
  true satisfies Agrees<HandNode.NodeCondition, Upstream.V1NodeCondition>,
  true satisfies Agrees<HandNode.NodeSystemInfo, Upstream.V1NodeSystemInfo>,
  true satisfies Agrees<KubeEvent, Upstream.CoreV1Event>,
  true satisfies Agrees<ConfigMap, Upstream.V1ConfigMap>,
  true satisfies Agrees<Secret, Upstream.V1Secret>,
  true satisfies Agrees<HandSlice.EndpointSlice, Upstream.V1EndpointSlice>,
  true satisfies Agrees<HandSlice.SliceEndpoint, Upstream.V1Endpoint>,
  true satisfies Agrees<HandSlice.EndpointConditions, Upstream.V1EndpointConditions>,
  true satisfies Agrees<HandSlice.SlicePort, Upstream.DiscoveryV1EndpointPort>,
];

/** The writable types: every upstream field is understood or listed as unsupported (status is the server's). */
export const FIELDS_COVERED: true[] = [
  true satisfies Covers<Hand.PodSpec, Upstream.V1PodSpec, 'PodSpec'>,
  true satisfies Covers<Hand.Container, Upstream.V1Container, 'Container'>,
  true satisfies Covers<Hand.ContainerPort, Upstream.V1ContainerPort, 'ContainerPort'>,
  true satisfies Covers<Hand.EnvVar, Upstream.V1EnvVar, 'EnvVar'>,
  true satisfies Covers<HandEnvSource, Upstream.V1EnvVarSource, 'EnvVarSource'>,
  true satisfies Covers<Hand.EnvFromSource, Upstream.V1EnvFromSource, 'EnvFromSource'>,
  true satisfies Covers<Hand.VolumeMount, Upstream.V1VolumeMount, 'VolumeMount'>,
  true satisfies Covers<Hand.SecurityContext, Upstream.V1SecurityContext, 'SecurityContext'>,
  true satisfies Covers<Hand.ResourceRequirements, Upstream.V1ResourceRequirements, 'ResourceRequirements'>,
  true satisfies Covers<Hand.Probe, Upstream.V1Probe, 'Probe'>,
  true satisfies Covers<Hand.Handler, Upstream.V1LifecycleHandler, 'LifecycleHandler'>,
  true satisfies Covers<Hand.Lifecycle, Upstream.V1Lifecycle, 'Lifecycle'>,
  true satisfies Covers<Hand.HttpGetAction, Upstream.V1HTTPGetAction, 'HTTPGetAction'>,
  true satisfies Covers<Hand.TcpSocketAction, Upstream.V1TCPSocketAction, 'TCPSocketAction'>,
  true satisfies Covers<Hand.Volume, Upstream.V1Volume, 'Volume'>,
  true satisfies Covers<Hand.KeyToPath, Upstream.V1KeyToPath, 'KeyToPath'>,
  true satisfies Covers<
    Hand.ConfigMapVolumeSource,
    Upstream.V1ConfigMapVolumeSource,
    'ConfigMapVolumeSource'
  >,
  true satisfies Covers<Hand.SecretVolumeSource, Upstream.V1SecretVolumeSource, 'SecretVolumeSource'>,
  true satisfies Covers<
    Hand.DownwardAPIVolumeSource,
    Upstream.V1DownwardAPIVolumeSource,
    'DownwardAPIVolumeSource'
  >,
  true satisfies Covers<
    Hand.DownwardAPIVolumeFile,
    Upstream.V1DownwardAPIVolumeFile,
    'DownwardAPIVolumeFile'
  >,
  true satisfies Covers<
    Hand.ResourceFieldSelector,
    Upstream.V1ResourceFieldSelector,
    'ResourceFieldSelector'
  >,
  true satisfies Covers<
    Hand.ProjectedVolumeSource,
    Upstream.V1ProjectedVolumeSource,
    'ProjectedVolumeSource'
  >,
  true satisfies Covers<Hand.VolumeProjection, Upstream.V1VolumeProjection, 'VolumeProjection'>,
  true satisfies Covers<Hand.PodDnsConfig, Upstream.V1PodDNSConfig, 'PodDNSConfig'>,
  true satisfies Covers<ObjectMeta, Upstream.V1ObjectMeta, 'ObjectMeta'>,
  true satisfies Covers<HandService.ServiceSpec, Upstream.V1ServiceSpec, 'ServiceSpec'>,
  true satisfies Covers<HandService.ServicePort, Upstream.V1ServicePort, 'ServicePort'>,
  true satisfies Covers<ConfigMap, Upstream.V1ConfigMap, 'ConfigMap'>,
  true satisfies Covers<Secret, Upstream.V1Secret, 'Secret'>,
];
