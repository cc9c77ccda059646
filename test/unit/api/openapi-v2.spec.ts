// /openapi/v2 (api/openapi-v2.ts, api/openapi-v2-protobuf.ts, api/routes/openapi-v2.ts): the Swagger 2.0
// document as JSON and as gnostic's openapi_v2.Document protobuf, read back here field by field with the
// field numbers of google/gnostic-models' OpenAPIv2.proto.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { type DocumentV2, openApiV2Document } from '../../../api/openapi-v2';
import { encodeOpenApiV2 } from '../../../api/openapi-v2-protobuf';
import { type WireFields, type WireValue, readFields } from '../../../api/protobuf-wire';
import { Harness } from '../../helpers/harness';

const PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

const bytes = (v: WireValue | undefined): Buffer => {
  if (v?.wire !== 2) throw new Error(`expected a length-delimited field, got ${JSON.stringify(v)}`);
  return v.bytes;
};
const text = (f: WireFields, n: number): string | undefined => f.get(n)?.map((v) => bytes(v).toString())[0];
const texts = (f: WireFields, n: number): string[] => (f.get(n) ?? []).map((v) => bytes(v).toString());
const sub = (f: WireFields, n: number): WireFields => readFields(bytes(f.get(n)?.[0]));
/** A repeated Named* message (name = 1, value = 2) as name -> the value's fields. */
const named = (f: WireFields, n: number): Map<string, WireFields> =>
  new Map(
    (f.get(n) ?? []).map((v) => {
      const entry = readFields(bytes(v));
      return [text(entry, 1) ?? '', readFields(bytes(entry.get(2)?.[0]))];
    }),
  );
/** A vendor extension's value: NamedAny -> Any.yaml (JSON here). */
const extension = (f: WireFields, n: number, name: string): unknown => {
  const any = named(f, n).get(name);
  return any ? JSON.parse(text(any, 2) ?? '') : undefined;
};

/** What upstream's 1.34 document says of a few lists kubectl's client-side apply merges (`Type.field`). */
const UPSTREAM_LISTS: Record<string, Record<string, unknown>> = {
  'PodSpec.containers': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'PodSpec.volumes': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' },
  'Container.ports': {
    type: 'map',
    keys: ['containerPort', 'protocol'],
    mergeKey: 'containerPort',
    strategy: 'merge',
  },
  'Container.env': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'Container.volumeMounts': { type: 'map', keys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' },
};
/**
 * What upstream's 1.34 document says of a few definitions and fields (`Type` or `Type.field`): from the model
 * comments of @kubernetes/client-node, one quoted as the models escape it, and two upstream types by reference
 * (which the models leave without a description).
 */
const UPSTREAM_DESCRIPTIONS: Record<string, string> = {
  PodSpec: 'PodSpec is a description of a pod.',
  'PodSpec.containers':
    'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.',
  'PodSpec.dnsPolicy':
    "Set DNS policy for the pod. Defaults to \"ClusterFirst\". Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'. DNS parameters given in DNSConfig will be merged with the policy selected with DNSPolicy. To have DNS options set along with hostNetwork, you have to specify DNS policy explicitly to 'ClusterFirstWithHostNet'.",
  'DeploymentSpec.replicas':
    'Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.',
  'DeploymentSpec.strategy': 'The deployment strategy to use to replace existing pods with new ones.',
  'Pod.spec':
    'Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
};
/** A property's list extensions, read by `get` (a vendor extension by name). */
const listExtensions = (get: (name: string) => unknown): Record<string, unknown> => ({
  type: get('x-kubernetes-list-type'),
  keys: get('x-kubernetes-list-map-keys'),
  mergeKey: get('x-kubernetes-patch-merge-key'),
  strategy: get('x-kubernetes-patch-strategy'),
});

describe('/openapi/v2: the Swagger 2.0 document as JSON and gnostic protobuf', () => {
  let h: Harness;
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  after(async () => h.stop());

  const get = (accept: string, headers: Record<string, string> = {}) =>
    h.api.inject({ method: 'GET', url: '/openapi/v2', headers: { accept, ...headers } });

  it('serves JSON by default: every kind marked with its group-version-kind, v2 references', async () => {
    const res = await get('application/json');
    expect(res.statusCode).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/json');
    const doc = res.json<DocumentV2>();
    expect(doc.swagger).to.equal('2.0');
    expect(
      doc.definitions['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind'],
    ).to.deep.equal([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    expect(doc.definitions['io.k8s.api.apps.v1.Deployment']?.properties?.spec?.$ref).to.equal(
      '#/definitions/io.k8s.api.apps.v1.DeploymentSpec',
    );
    expect(res.body).to.not.contain('#/components/schemas/');
    const patch = doc.paths['/api/v1/namespaces/{namespace}/secrets/{name}']?.patch;
    expect(patch?.['x-kubernetes-group-version-kind']).to.deep.equal({
      group: '',
      version: 'v1',
      kind: 'Secret',
    });
    expect(patch?.parameters).to.deep.equal([
      { name: 'fieldValidation', in: 'query', type: 'string', uniqueItems: true },
    ]);
  });

  it('serves gnostic protobuf when asked, the fields where OpenAPIv2.proto numbers them', async () => {
    const res = await get(PROTOBUF);
    expect(res.statusCode).to.equal(200);
    expect(res.headers['content-type']).to.equal(
      'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    );
    const doc = readFields(res.rawPayload);
    expect(text(doc, 1)).to.equal('2.0'); // swagger
    expect(text(sub(doc, 2), 1)).to.equal('Kubernetes'); // info.title
    expect(text(sub(doc, 2), 2)).to.match(/^v1\.\d+\.\d+$/); // info.version

    const definitions = named(sub(doc, 9), 1); // Definitions.additional_properties: NamedSchema
    const json = (await get('application/json')).json<DocumentV2>();
    expect([...definitions.keys()]).to.deep.equal(Object.keys(json.definitions));
    const deployment = definitions.get('io.k8s.api.apps.v1.Deployment') as WireFields;
    expect(texts(sub(deployment, 22), 1)).to.deep.equal(['object']); // type: TypeItem.value
    expect(extension(deployment, 31, 'x-kubernetes-group-version-kind')).to.deep.equal([
      { group: 'apps', version: 'v1', kind: 'Deployment' },
    ]);
    const properties = named(sub(deployment, 25), 1); // Properties.additional_properties
    expect(text(properties.get('spec') as WireFields, 1)).to.equal(
      '#/definitions/io.k8s.api.apps.v1.DeploymentSpec',
    );

    const meta = named(
      sub(definitions.get('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta') as WireFields, 25),
      1,
    );
    const labels = meta.get('labels') as WireFields;
    const values = readFields(bytes(sub(labels, 21).get(1)?.[0])); // additionalProperties: AdditionalPropertiesItem.schema
    expect(texts(sub(values, 22), 1)).to.deep.equal(['string']);
    const finalizers = meta.get('finalizers') as WireFields;
    const item = readFields(bytes(sub(finalizers, 23).get(1)?.[0])); // items: ItemsItem.schema
    expect(texts(sub(item, 22), 1)).to.deep.equal(['string']);
    const generation = meta.get('generation') as WireFields;
    expect(text(generation, 2)).to.equal('int64'); // format

    const intOrString = definitions.get('io.k8s.apimachinery.pkg.util.intstr.IntOrString') as WireFields;
    expect(extension(intOrString, 31, 'x-kubernetes-int-or-string')).to.equal(true);
  });

  it("encodes each kind's PATCH operation as kubectl's fieldValidation check reads it", async () => {
    const doc = readFields((await get(PROTOBUF)).rawPayload);
    const paths = named(sub(doc, 8), 2); // Paths.path: NamedPathItem
    const item = paths.get('/apis/batch/v1/namespaces/{namespace}/jobs/{name}') as WireFields;
    const patch = sub(item, 8); // PathItem.patch
    expect(extension(patch, 13, 'x-kubernetes-group-version-kind')).to.deep.equal({
      group: 'batch',
      version: 'v1',
      kind: 'Job',
    });
    // parameters: ParametersItem.parameter -> Parameter.non_body_parameter -> query_parameter_sub_schema
    const query = sub(sub(sub(sub(patch, 8), 1), 2), 3);
    expect({ in: text(query, 2), name: text(query, 4), type: text(query, 6) }).to.deep.equal({
      in: 'query',
      name: 'fieldValidation',
      type: 'string',
    });
    expect(query.get(20)).to.deep.equal([{ wire: 0, value: 1n }]); // unique_items
  });

  it("carries upstream's patch merge keys and strategies (what kubectl <= 1.25 computes apply patches from)", async () => {
    const json = (await get('application/json')).json<DocumentV2>();
    const definitions = named(sub(readFields((await get(PROTOBUF)).rawPayload), 9), 1);
    for (const [field, expected] of Object.entries(UPSTREAM_LISTS)) {
      const [type = '', property = ''] = field.split('.');
      const name = `io.k8s.api.core.v1.${type}`;
      const fromJson = json.definitions[name]?.properties?.[property] ?? {};
      expect(
        listExtensions((x) => fromJson[x as `x-${string}`]),
        `${field} (JSON)`,
      ).to.deep.equal(expected);
      const properties = named(sub(definitions.get(name) as WireFields, 25), 1);
      const fromProtobuf = properties.get(property) as WireFields;
      expect(
        listExtensions((x) => extension(fromProtobuf, 31, x)),
        `${field} (protobuf)`,
      ).to.deep.equal(expected);
    }
    const strategy = json.definitions['io.k8s.api.apps.v1.DeploymentSpec']?.properties?.strategy;
    expect(strategy).to.deep.equal({
      description: UPSTREAM_DESCRIPTIONS['DeploymentSpec.strategy'],
      $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy',
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
  });

  it("carries upstream's descriptions, what `kubectl explain` prints (gnostic Schema.description = 4)", async () => {
    const json = (await get('application/json')).json<DocumentV2>();
    const definitions = named(sub(readFields((await get(PROTOBUF)).rawPayload), 9), 1);
    for (const [field, expected] of Object.entries(UPSTREAM_DESCRIPTIONS)) {
      const [type = '', property] = field.split('.');
      const name = `io.k8s.api.${type.startsWith('Deployment') ? 'apps' : 'core'}.v1.${type}`;
      const fromJson = json.definitions[name];
      expect(
        property ? fromJson?.properties?.[property]?.description : fromJson?.description,
        `${field} (JSON)`,
      ).to.equal(expected);
      let fromProtobuf = definitions.get(name) as WireFields;
      if (property) fromProtobuf = named(sub(fromProtobuf, 25), 1).get(property) as WireFields;
      expect(text(fromProtobuf, 4), `${field} (protobuf)`).to.equal(expected);
    }
  });

  it('builds the encoding once and answers a matching If-None-Match with 304', async () => {
    const first = await get(PROTOBUF);
    const second = await get(PROTOBUF);
    expect(second.rawPayload.equals(first.rawPayload)).to.equal(true);
    const etag = String(first.headers.etag);
    expect(etag).to.match(/^"[0-9A-F]+"$/);
    expect(String((await get('application/json')).headers.etag)).to.not.equal(etag);
    const again = await get(PROTOBUF, { 'if-none-match': etag });
    expect(again.statusCode).to.equal(304);
    expect(again.body).to.equal('');
  });

  it('refuses a schema keyword it has no field for, rather than dropping it', () => {
    const doc = openApiV2Document([], 'v1.34.0');
    doc.definitions['x.Y'] = { type: 'object', minLength: 1 } as never;
    expect(() => encodeOpenApiV2(doc)).to.throw(
      'definitions.x.Y: the protobuf OpenAPI v2 encoder has no field for minLength',
    );
  });
});
