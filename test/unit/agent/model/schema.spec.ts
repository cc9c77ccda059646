// One schema source: the upstream schemas (agent/model/schema/core-v1.json, generated from the pinned
// @kubernetes/client-node) against the hand-written decoding (shape.ts) and types (pod.ts, service.ts, ...).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Upstream from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { expect } from 'chai';
import type { KubeEvent } from '../../../../agent/events/recorder';
import { unknownFields } from '../../../../agent/model/known-fields';
import type { ObjectMeta } from '../../../../agent/model/meta';
import type { Namespace } from '../../../../agent/model/namespace';
import type * as Hand from '../../../../agent/model/pod';
import { SCHEMAS, SCHEMA_SOURCE, type Schema, kindSchema } from '../../../../agent/model/schema';
import type * as HandService from '../../../../agent/model/service';
import { SERVICE_SHAPE } from '../../../../agent/model/service-decode';
import { POD_SHAPE, type Shape } from '../../../../agent/model/shape';
import { UNSUPPORTED_FIELDS } from '../../../../agent/model/unsupported-fields';
import { SERVER_VERSION } from '../../../../api/routes/discovery';
import { generateSchemas } from '../../../../scripts/generate-schemas';

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

const HAND_SHAPES: [string, Shape][] = [
  ['Pod', POD_SHAPE],
  ['Service', SERVICE_SHAPE],
];

describe('one schema source (agent/model/schema/core-v1.json)', () => {
  it('is exactly what `npm run schemas` derives from @kubernetes/client-node', async function () {
    this.timeout(20_000); // the package's first import
    const file = JSON.parse(readFileSync(join(ROOT, 'agent/model/schema/core-v1.json'), 'utf8')) as unknown;
    expect(file).to.deep.equal(await generateSchemas());
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

  it('knows every field the decoding type-checks, with the same type', () => {
    expect(findings(HAND_SHAPES).disagreements).to.deep.equal([]);
  });

  it('lists every field the decoding does not type-check as unsupported, with a reason; no stale entries', () => {
    const listed = Object.values(UNSUPPORTED_FIELDS).flat();
    expect(listed.length).to.equal(new Set(listed).size, 'each field once');
    const unchecked = [...findings(HAND_SHAPES).unchecked].sort();
    expect(unchecked).to.deep.equal([...listed].sort());
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
/** Compiles only when every named field of the hand-written type is a field of the upstream model. */
type Agrees<HandType, UpstreamModel> =
  Exclude<Named<HandType>, keyof UpstreamModel> extends never ? true : never;

/** Compile-time proof that the hand-written types name only upstream fields (`tsc` fails otherwise). */
export const TYPES_AGREE: true[] = [
  true satisfies Agrees<Hand.Pod, Upstream.V1Pod>,
  true satisfies Agrees<Hand.PodSpec, Upstream.V1PodSpec>,
  true satisfies Agrees<Hand.Container, Upstream.V1Container>,
  true satisfies Agrees<Hand.ContainerPort, Upstream.V1ContainerPort>,
  true satisfies Agrees<Hand.EnvVar, Upstream.V1EnvVar>,
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
  true satisfies Agrees<KubeEvent, Upstream.CoreV1Event>,
];
