// Structural checks on decoded JSON before defaults and validation touch it: wrong types become field
// errors instead of exceptions deep inside the agent. The shapes are derived from the upstream schemas
// (schema.ts), so every field Kubernetes knows is type-checked, whether or not the agent acts on it.
import { decodeError } from './decode-error';
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
}

/** What a value of the type must be, with its article. */
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

/**
 * Field errors for values of the wrong type in `out`; in `decode`, what Go's decoder itself refuses (a
 * quantity that does not parse), which is a 400 for the whole body rather than a field error.
 */
export function checkShape(
  value: unknown,
  shape: Shape,
  path: string,
  out: FieldError[],
  decode: string[],
): void {
  if (value === undefined || value === null || shape.type === 'any') return;
  const bad = (): void => {
    out.push(fieldError('Invalid', path, value, `must be ${typeName[shape.type]}`));
  };
  switch (shape.type) {
    case 'object':
      if (!isObject(value)) return bad();
      for (const [k, s] of Object.entries(shape.fields ?? {}))
        checkShape(value[k], s, path ? `${path}.${k}` : k, out, decode);
      if (shape.values)
        for (const [k, v] of Object.entries(value)) checkShape(v, shape.values, `${path}[${k}]`, out, decode);
      return;
    case 'array':
      if (!Array.isArray(value)) return bad();
      value.forEach((v: unknown, i) => {
        if (!shape.items) return;
        // A null entry is no entry at all: the defaults and validation that follow read each one's fields.
        if (v === null && shape.items.type !== 'any') {
          out.push(fieldError('Invalid', `${path}[${i}]`, v, `must be ${typeName[shape.items.type]}`));
          return;
        }
        checkShape(v, shape.items, `${path}[${i}]`, out, decode);
      });
      return;
    case 'stringMap':
      if (!isObject(value)) return bad();
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') out.push(fieldError('Invalid', `${path}[${k}]`, v, 'must be a string'));
      }
      return;
    case 'intOrString':
      if (typeof value !== 'string' && !Number.isInteger(value)) bad();
      return;
    case 'quantity': {
      if (typeof value !== 'string' && !Number.isFinite(value)) return bad();
      const read = readQuantity(value as string | number);
      if ('error' in read) decode.push(read.error);
      return;
    }
    case 'string':
    case 'number':
    case 'boolean':
      if (typeof value !== shape.type) bad();
      return;
  }
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
  checkShape(body, shape, '', out, decode);
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
  if (ref === QUANTITY_REF) return { type: 'quantity' };
  if (ref !== undefined) {
    const known = made.get(ref);
    if (known) return known;
    const shape: Shape = { type: 'object' };
    made.set(ref, shape); // before the fields: a type that contains itself ends here
    Object.assign(shape, shapeOf(resolve(schema), made));
    return shape;
  }
  if (schema['x-kubernetes-int-or-string']) return { type: 'intOrString' };
  switch (schema.type) {
    case 'string':
      return { type: 'string' };
    case 'integer':
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'array':
      return { type: 'array', items: schema.items ? shapeOf(schema.items, made) : ANY };
    case 'object': {
      const values = schema.additionalProperties ? shapeOf(schema.additionalProperties, made) : undefined;
      if (values?.type === 'string') return { type: 'stringMap' };
      if (values) return { type: 'object', values };
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
