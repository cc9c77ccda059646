// Structural checks on decoded JSON before defaults and validation touch it: wrong types become field
// errors instead of exceptions deep inside the agent. The shapes are derived from the upstream schemas
// (schema.ts), so every field Kubernetes knows is type-checked, whether or not the agent acts on it.
import { decodeError, jsonTypeName } from './decode-error';
import { fieldError, type FieldError } from './field-errors';
import { type GroupVersion, CORE_V1 } from './group-version';
import { readQuantity } from './quantity';
import { type Schema, kindSchema, resolve } from './schema';

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Shape {
  type:
    'object' | 'array' | 'string' | 'number' | 'boolean' | 'stringMap' | 'intOrString' | 'quantity' | 'any';
  fields?: Record<string, Shape>;
  items?: Shape;
  /** A map: every value has this shape. */
  values?: Shape;
  /** The Go type upstream decodes into, as its json errors name it (`int32`, `[]v1.Container`). */
  go?: string;
  /** An object that is a Go struct: its type's name (`PodSpec`), which Go's errors name the field by. */
  struct?: string;
}

/** What a null entry of a list must be, with its article. */
const typeName: Record<Shape['type'], string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  stringMap: 'a map of strings',
  intOrString: 'an integer or string',
  quantity: 'a quantity (a string or a number)',
  any: 'a value',
};

/** Where checkShape is in the body, as Go's decoder tracks it: the innermost struct and the JSON field path. */
interface Context {
  path: string;
  struct: string;
  goPath: string;
  out: FieldError[];
  /** What a custom decoder refuses (a quantity that does not parse): it stops Go's decoding at once. */
  decode: string[];
  /** Values of the wrong JSON type: Go's decoder goes on and reports the first. */
  types: string[];
}

const INT_RANGE: Record<string, number> = { int32: 2 ** 31, int64: 2 ** 63 };

/**
 * `json: cannot unmarshal <what> into Go struct field <Struct>.<path> of type <type>`, in Go's words: a number
 * that does not fit a number type is named with its text (`number 1.5`).
 */
function wrongType(value: unknown, goType: string, c: Context, numberTarget = false): void {
  const what = numberTarget && typeof value === 'number' ? `number ${String(value)}` : jsonTypeName(value);
  c.types.push(
    `json: cannot unmarshal ${what} into Go struct field ${c.struct}.${c.goPath} of type ${goType}`,
  );
}

const field = (c: Context, k: string, struct: string): Context => ({
  ...c,
  path: c.path ? `${c.path}.${k}` : k,
  goPath: c.goPath ? `${c.goPath}.${k}` : k,
  struct,
});

function check(value: unknown, shape: Shape, c: Context): void {
  if (value === undefined || value === null || shape.type === 'any') return;
  const go = shape.go ?? shape.type;
  switch (shape.type) {
    case 'object':
      if (!isObject(value)) return wrongType(value, go, c);
      for (const [k, v] of Object.entries(value)) {
        const f = shape.fields && Object.hasOwn(shape.fields, k) ? shape.fields[k] : undefined;
        if (f) check(v, f, field(c, k, shape.struct ?? c.struct));
        else if (shape.values) check(v, shape.values, { ...c, path: `${c.path}[${k}]` });
      }
      return;
    case 'array':
      if (!Array.isArray(value)) return wrongType(value, go, c);
      value.forEach((v: unknown, i) => {
        if (!shape.items) return;
        const at = { ...c, path: `${c.path}[${i}]` };
        // A null entry is no entry at all: the defaults and validation that follow read each one's fields.
        if (v === null && shape.items.type !== 'any') {
          c.out.push(fieldError('Invalid', at.path, v, `must be ${typeName[shape.items.type]}`));
          return;
        }
        check(v, shape.items, at);
      });
      return;
    case 'stringMap':
      if (!isObject(value)) return wrongType(value, go, c);
      for (const v of Object.values(value)) if (typeof v !== 'string') wrongType(v, 'string', c);
      return;
    case 'intOrString':
      // IntOrString decodes a non-string into its int32
      if (typeof value !== 'string' && !isInt(value, 'int32')) wrongType(value, 'int32', c, true);
      return;
    case 'quantity': {
      // Quantity decodes itself: any other JSON value is parsed as its text, which no quantity matches
      const text = typeof value === 'string' || Number.isFinite(value) ? value : JSON.stringify(value);
      const read = readQuantity(text as string | number);
      if ('error' in read) c.decode.push(read.error);
      return;
    }
    case 'number':
      if (typeof value !== 'number' || (go in INT_RANGE && !isInt(value, go))) wrongType(value, go, c, true);
      return;
    case 'string':
    case 'boolean':
      if (typeof value !== shape.type) wrongType(value, go, c);
      return;
  }
}

const isInt = (v: unknown, go: string): boolean => {
  const limit = INT_RANGE[go] ?? 2 ** 63;
  return typeof v === 'number' && Number.isInteger(v) && v >= -limit && v < limit;
};

/**
 * Field errors (null list entries) in `out`; in `decode`, what Go's decoder refuses, a value of the wrong JSON
 * type first in the body's order unless a custom decoder's error (a quantity) stopped it before.
 */
export function checkShape(
  value: unknown,
  shape: Shape,
  kind: string,
  out: FieldError[],
  decode: string[],
): void {
  const types: string[] = [];
  const hard: string[] = [];
  check(value, shape, { path: '', struct: kind, goPath: '', out, decode: hard, types });
  decode.push(...hard, ...types);
}

/**
 * checkShape on a request body: throws the 400 `<kind> in version "<version>" cannot be handled as a <kind>`
 * for what Go's decoder refuses (before any field error, as decoding comes before validation).
 */
export function checkBodyShape(
  body: unknown,
  shape: Shape,
  kind: string,
  version: string,
  out: FieldError[],
): void {
  const decode: string[] = [];
  checkShape(body, shape, kind, out, decode);
  if (decode[0] !== undefined) throw decodeError(kind, version, decode[0]);
}

/**
 * A deep copy of a body checkShape passed, without the fields it sets to null: Go's decoder leaves such a
 * field at its zero value, which for the agent is an unset field (defaults and validation see `undefined`).
 */
export function shapedCopy<T>(value: Record<string, unknown>, shape: Shape): T {
  const copy = structuredClone(value);
  dropNullFields(copy, shape);
  return copy as T;
}

function dropNullFields(value: unknown, shape: Shape): void {
  if (Array.isArray(value)) {
    if (shape.items) for (const v of value) dropNullFields(v, shape.items);
    return;
  }
  if (!isObject(value) || shape.type !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    const field = shape.fields && Object.hasOwn(shape.fields, k) ? shape.fields[k] : undefined;
    if (field && v === null) delete value[k];
    else if (field ?? shape.values) dropNullFields(v, (field ?? shape.values) as Shape);
  }
}

const QUANTITY_REF = '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity';
const ANY: Shape = { type: 'any' };

/** The shape an upstream schema describes; `made` holds the definitions' shapes made so far (one per $ref). */
export function shapeOf(schema: Schema, made = new Map<string, Shape>()): Shape {
  const ref = schema.$ref;
  if (ref === QUANTITY_REF) return { type: 'quantity', go: 'resource.Quantity' };
  if (ref !== undefined) {
    const known = made.get(ref);
    if (known) return known;
    const shape: Shape = { type: 'object' };
    made.set(ref, shape); // before the fields: a type that contains itself ends here
    Object.assign(shape, shapeOf(resolve(schema), made));
    // io.k8s.api.core.v1.PodSpec: the Go type v1.PodSpec
    const [name = '', pkg = ''] = ref.split('.').reverse();
    if (shape.type === 'object' && shape.fields) Object.assign(shape, { struct: name, go: `${pkg}.${name}` });
    return shape;
  }
  if (schema['x-kubernetes-int-or-string']) return { type: 'intOrString' };
  switch (schema.type) {
    case 'string':
      return { type: 'string', go: 'string' };
    case 'integer':
      return { type: 'number', go: schema.format === 'int32' ? 'int32' : 'int64' };
    case 'number':
      return { type: 'number', go: 'float64' };
    case 'boolean':
      return { type: 'boolean', go: 'bool' };
    case 'array': {
      const items = schema.items ? shapeOf(schema.items, made) : ANY;
      return { type: 'array', items, ...(items.go ? { go: `[]${items.go}` } : {}) };
    }
    case 'object': {
      const values = schema.additionalProperties ? shapeOf(schema.additionalProperties, made) : undefined;
      if (values?.type === 'string') return { type: 'stringMap', go: 'map[string]string' };
      if (values) return { type: 'object', values, go: `map[string]${values.go ?? 'interface {}'}` };
      const fields = Object.entries(schema.properties ?? {}).map(([k, s]) => [k, shapeOf(s, made)] as const);
      return { type: 'object', fields: Object.fromEntries(fields) };
    }
    default:
      return ANY; // x-kubernetes-preserve-unknown-fields
  }
}

/** A kind's shape for a request body: everything but status, which the server owns and replaces. */
export function kindShape(kind: string, gv: GroupVersion = CORE_V1): Shape {
  const schema = kindSchema(kind, gv);
  if (!schema) throw new Error(`no upstream schema for ${kind}`);
  const { status: _status, ...fields } = shapeOf(schema).fields ?? {};
  return { type: 'object', fields };
}

export const POD_SHAPE = kindShape('Pod');
export const SERVICE_SHAPE = kindShape('Service');
export const SERVICE_ACCOUNT_SHAPE = kindShape('ServiceAccount');
export const CONFIGMAP_SHAPE = kindShape('ConfigMap');
export const SECRET_SHAPE = kindShape('Secret');
