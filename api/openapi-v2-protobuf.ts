// /openapi/v2 as protobuf (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`, what client-go's
// discovery asks for): gnostic's openapi_v2.Document message, field numbers from google/gnostic-models'
// openapiv2/OpenAPIv2.proto, written with our own wire writer. Vendor extensions are NamedAny values whose
// Any carries the value as YAML text (JSON is YAML), as gnostic's compiler writes them and kube-openapi reads
// them. Only the parts of a document api/openapi-v2.ts builds are encoded; anything else is refused, so a
// schema regeneration that brings new keywords fails the unit test rather than vanishing from the document.
import { WireWriter } from './protobuf-wire';
import type { DocumentV2, OperationV2, QueryParameterV2, SchemaV2 } from './openapi-v2';

/** Field numbers of the gnostic messages written here. */
const DOCUMENT = { swagger: 1, info: 2, paths: 8, definitions: 9 } as const;
const INFO = { title: 1, version: 2 } as const;
const NAMED = { name: 1, value: 2 } as const; // every Named* message
const ANY_YAML = 2;
const PATHS_PATH = 2;
const PATH_ITEM_PATCH = 8;
const OPERATION = { parameters: 8, responses: 9, vendorExtension: 13 } as const;
const RESPONSES_CODE = 1;
const RESPONSE_VALUE_RESPONSE = 1;
const RESPONSE_DESCRIPTION = 1;
const PARAMETERS_ITEM_PARAMETER = 1;
const PARAMETER_NON_BODY = 2;
const NON_BODY_QUERY = 3;
const QUERY = { in: 2, name: 4, type: 6, uniqueItems: 20 } as const;
const SCHEMA = {
  ref: 1,
  format: 2,
  description: 4,
  required: 19,
  additionalProperties: 21,
  type: 22,
  items: 23,
  properties: 25,
  vendorExtension: 31,
} as const;
const ADDITIONAL = { schema: 1, boolean: 2 } as const;
const REPEATED_VALUE = 1; // TypeItem.value, ItemsItem.schema, Properties/Definitions.additional_properties

const named = (name: string, value: WireWriter): WireWriter =>
  new WireWriter().string(NAMED.name, name).message(NAMED.value, value);

const vendorExtension = (name: string, value: unknown): WireWriter =>
  named(name, new WireWriter().string(ANY_YAML, JSON.stringify(value)));

function schema(s: SchemaV2, where: string): WireWriter {
  const w = new WireWriter();
  const extensions: [string, unknown][] = [];
  for (const key of Object.keys(s)) {
    if (key.startsWith('x-')) extensions.push([key, s[key as `x-${string}`]]);
    else if (!(key in KNOWN))
      throw new Error(`${where}: the protobuf OpenAPI v2 encoder has no field for ${key}`);
  }
  if (s.$ref) w.string(SCHEMA.ref, s.$ref);
  if (s.format) w.string(SCHEMA.format, s.format);
  if (s.description) w.string(SCHEMA.description, s.description);
  for (const r of s.required ?? []) w.string(SCHEMA.required, r);
  const extra = s.additionalProperties;
  if (typeof extra === 'boolean')
    w.message(SCHEMA.additionalProperties, new WireWriter().bool(ADDITIONAL.boolean, extra));
  else if (extra)
    w.message(
      SCHEMA.additionalProperties,
      new WireWriter().message(ADDITIONAL.schema, schema(extra, `${where}.additionalProperties`)),
    );
  if (s.type) w.message(SCHEMA.type, new WireWriter().string(REPEATED_VALUE, s.type));
  if (s.items)
    w.message(SCHEMA.items, new WireWriter().message(REPEATED_VALUE, schema(s.items, `${where}.items`)));
  if (s.properties) w.message(SCHEMA.properties, namedSchemas(s.properties, where));
  for (const [name, value] of extensions) w.message(SCHEMA.vendorExtension, vendorExtension(name, value));
  return w;
}
const KNOWN: Record<string, true> = {
  $ref: true,
  format: true,
  description: true,
  required: true,
  additionalProperties: true,
  type: true,
  items: true,
  properties: true,
};

/** Properties and Definitions: a repeated NamedSchema, in the object's order. */
function namedSchemas(schemas: Record<string, SchemaV2>, where: string): WireWriter {
  const w = new WireWriter();
  for (const [name, s] of Object.entries(schemas))
    w.message(REPEATED_VALUE, named(name, schema(s, `${where}.${name}`)));
  return w;
}

const queryParameter = (p: QueryParameterV2): WireWriter => {
  const query = new WireWriter().string(QUERY.in, p.in).string(QUERY.name, p.name).string(QUERY.type, p.type);
  if (p.uniqueItems) query.bool(QUERY.uniqueItems, true);
  const nonBody = new WireWriter().message(NON_BODY_QUERY, query);
  return new WireWriter().message(
    PARAMETERS_ITEM_PARAMETER,
    new WireWriter().message(PARAMETER_NON_BODY, nonBody),
  );
};

function operation(op: OperationV2): WireWriter {
  const w = new WireWriter();
  for (const p of op.parameters) w.message(OPERATION.parameters, queryParameter(p));
  const responses = new WireWriter();
  for (const [code, r] of Object.entries(op.responses)) {
    const response = new WireWriter().string(RESPONSE_DESCRIPTION, r.description);
    responses.message(
      RESPONSES_CODE,
      named(code, new WireWriter().message(RESPONSE_VALUE_RESPONSE, response)),
    );
  }
  w.message(OPERATION.responses, responses);
  const gvk = op['x-kubernetes-group-version-kind'];
  w.message(OPERATION.vendorExtension, vendorExtension('x-kubernetes-group-version-kind', gvk));
  return w;
}

/** The document as gnostic's openapi_v2.Document. */
export function encodeOpenApiV2(doc: DocumentV2): Buffer {
  const paths = new WireWriter();
  for (const [path, item] of Object.entries(doc.paths))
    paths.message(PATHS_PATH, named(path, new WireWriter().message(PATH_ITEM_PATCH, operation(item.patch))));
  return new WireWriter()
    .string(DOCUMENT.swagger, doc.swagger)
    .message(
      DOCUMENT.info,
      new WireWriter().string(INFO.title, doc.info.title).string(INFO.version, doc.info.version),
    )
    .message(DOCUMENT.paths, paths)
    .message(DOCUMENT.definitions, namedSchemas(doc.definitions, 'definitions'))
    .finish();
}
