// A custom resource checked against its version's openAPIV3Schema, as the API server's structural schema
// does it: unknown fields pruned (apiVersion, kind and metadata at the root are the API's own), defaults
// filled, then every value validated, the errors worded as kube-openapi's (`spec.replicas in body must be of
// type integer: "string"`). CEL rules (x-kubernetes-validations) are not evaluated.
import { isIP } from 'node:net';
import { type FieldError, fieldError } from '../model/field-errors';
import type { JSONSchemaProps } from '../model/crd';
import { isObject } from '../model/shape';

const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** The fields the schema does not declare, in document order; dropped in place when `drop`. */
export function pruneUnknownFields(value: unknown, schema: JSONSchemaProps, drop = true): string[] {
  const out: string[] = [];
  prune(value, schema, '', out, true, drop);
  return out;
}

function prune(
  value: unknown,
  schema: JSONSchemaProps,
  path: string,
  out: string[],
  root: boolean,
  drop: boolean,
): void {
  if (Array.isArray(value)) {
    if (schema.items) {
      const items = schema.items;
      value.forEach((v, i) => prune(v, items, `${path}[${i}]`, out, false, drop));
    }
    return;
  }
  if (!isObject(value)) return;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const extra = schema.additionalProperties;
  for (const [k, v] of Object.entries(value)) {
    if (root && ROOT_FIELDS.has(k)) continue;
    const field = join(path, k);
    const known = schema.properties?.[k];
    if (known) prune(v, known, field, out, false, drop);
    else if (isObject(extra)) prune(v, extra, field, out, false, drop);
    else if (!preserve && extra !== true) {
      out.push(field);
      if (drop) delete value[k];
    }
  }
}

/** Fills each absent property that has a default (structural defaulting), in place. */
export function applyDefaults(value: unknown, schema: JSONSchemaProps): void {
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items) for (const v of value) applyDefaults(v, items);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, s] of Object.entries(schema.properties ?? {})) {
    if (value[k] === undefined && s.default !== undefined) value[k] = structuredClone(s.default);
    if (value[k] !== undefined) applyDefaults(value[k], s);
  }
  const extra = schema.additionalProperties;
  if (isObject(extra))
    for (const [k, v] of Object.entries(value)) if (!schema.properties?.[k]) applyDefaults(v, extra);
}

/** The JSON type kube-openapi names a value by in its messages. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function typeMatches(type: string, v: unknown): boolean {
  const actual = typeName(v);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

const FORMATS: Record<string, (v: string) => boolean> = {
  'date-time': (v) => /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.test(v),
  date: (v) => /^\d{4}-\d\d-\d\d$/.test(v) && !Number.isNaN(Date.parse(v)),
  email: (v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  ipv4: (v) => isIP(v) === 4,
  ipv6: (v) => isIP(v) === 6,
  hostname: (v) =>
    /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i.test(v),
  byte: (v) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v),
};

const quoteAll = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');

/** Every way `value` breaks `schema`, as field errors (`path` is the value's field path). */
export function validateValue(value: unknown, schema: JSONSchemaProps, path: string): FieldError[] {
  const out: FieldError[] = [];
  check(value, schema, path, out);
  return out;
}

function check(v: unknown, s: JSONSchemaProps, path: string, out: FieldError[]): void {
  const body = (text: string): string => `${path} in body ${text}`;
  const invalid = (value: unknown, text: string): void => {
    out.push(fieldError('Invalid', path, value, body(text)));
  };
  if (v === null && s.nullable) return;
  if (s['x-kubernetes-int-or-string']) {
    const t = typeName(v);
    if (t !== 'integer' && t !== 'string')
      return invalid(t, `must be of type integer,string: ${JSON.stringify(t)}`);
  } else if (s.type && !typeMatches(s.type, v)) {
    const t = typeName(v);
    return invalid(t, `must be of type ${s.type}: ${JSON.stringify(t)}`);
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v)))
    out.push(fieldError('NotSupported', path, v, `supported values: ${quoteAll(s.enum)}`));
  if (typeof v === 'number') checkNumber(v, s, invalid);
  if (typeof v === 'string') checkString(v, s, path, out, invalid);
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems)
      invalid(v.length, `should have at least ${s.minItems} items`);
    if (s.maxItems !== undefined && v.length > s.maxItems)
      out.push(fieldError('TooMany', path, v.length, `must have at most ${s.maxItems} items`));
    const items = s.items;
    if (items) v.forEach((item, i) => check(item, items, `${path}[${i}]`, out));
  }
  if (isObject(v)) checkObject(v, s, path, out, invalid);
}

type Invalid = (value: unknown, text: string) => void;

function checkNumber(v: number, s: JSONSchemaProps, invalid: Invalid): void {
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum))
    invalid(v, `should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`);
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum))
    invalid(v, `should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`);
  if (s.multipleOf && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9)
    invalid(v, `should be a multiple of ${s.multipleOf}`);
}

function checkString(v: string, s: JSONSchemaProps, path: string, out: FieldError[], invalid: Invalid): void {
  const length = [...v].length;
  if (s.minLength !== undefined && length < s.minLength)
    invalid(v, `should be at least ${s.minLength} chars long`);
  if (s.maxLength !== undefined && length > s.maxLength)
    out.push(fieldError('TooLong', path, v, `may not be more than ${s.maxLength} bytes`));
  if (s.pattern !== undefined && !safeTest(s.pattern, v)) invalid(v, `should match '${s.pattern}'`);
  const format = s.format ? FORMATS[s.format] : undefined;
  if (format && !format(v)) invalid(v, `must be of type ${s.format}: ${JSON.stringify(v)}`);
}

function checkObject(
  v: Record<string, unknown>,
  s: JSONSchemaProps,
  path: string,
  out: FieldError[],
  invalid: Invalid,
): void {
  for (const key of s.required ?? [])
    if (v[key] === undefined) out.push(fieldError('Required', join(path, key), undefined, ''));
  const count = Object.keys(v).length;
  if (s.minProperties !== undefined && count < s.minProperties)
    invalid(count, `should have at least ${s.minProperties} properties`);
  if (s.maxProperties !== undefined && count > s.maxProperties)
    invalid(count, `should have at most ${s.maxProperties} properties`);
  const extra = s.additionalProperties;
  for (const [k, value] of Object.entries(v)) {
    const known = s.properties?.[k];
    if (known) check(value, known, join(path, k), out);
    else if (isObject(extra)) check(value, extra, join(path, k), out);
  }
}

/** A pattern that is not a valid JavaScript regular expression matches nothing (the CRD check refuses it). */
function safeTest(pattern: string, v: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(v);
  } catch {
    return false;
  }
}

/**
 * The structural checks of a CRD version's schema (what NewStructural and validateStructuralInvariants refuse):
 * every node with a type, or int-or-string, or preserve-unknown-fields; a root of type object.
 */
export function schemaProblems(schema: JSONSchemaProps, path: string): FieldError[] {
  const out: FieldError[] = [];
  if (schema.type !== 'object')
    out.push(fieldError('Invalid', `${path}.type`, schema.type ?? '', 'must be object at the root'));
  walkSchema(schema, path, out);
  return out;
}

function walkSchema(s: JSONSchemaProps, path: string, out: FieldError[]): void {
  const typed =
    s.type !== undefined || s['x-kubernetes-int-or-string'] || s['x-kubernetes-preserve-unknown-fields'];
  if (!typed)
    out.push(
      fieldError('Required', `${path}.type`, undefined, 'must not be empty for specified object fields'),
    );
  if (s.type === 'array' && !s.items)
    out.push(fieldError('Required', `${path}.items`, undefined, 'must be specified'));
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, 'u');
    } catch {
      out.push(fieldError('Invalid', `${path}.pattern`, s.pattern, 'must be a valid regular expression'));
    }
  }
  for (const [k, p] of Object.entries(s.properties ?? {})) walkSchema(p, `${path}.properties[${k}]`, out);
  if (s.items) walkSchema(s.items, `${path}.items`, out);
  if (isObject(s.additionalProperties))
    walkSchema(s.additionalProperties, `${path}.additionalProperties`, out);
}
