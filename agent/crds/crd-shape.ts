// The Go types a CRD body decodes into, checked before anything reads it: a value of the wrong JSON type is
// the decoder's 400 (`json: cannot unmarshal bool into Go struct field ... of type string`), as upstream.
import { decodeError, jsonTypeName } from '../model/decode-error';
import { isObject } from '../model/shape';

type GoType = 'string' | 'bool' | 'object' | 'strings' | 'objects';

const SPEC: Record<string, GoType> = {
  group: 'string',
  scope: 'string',
  names: 'object',
  versions: 'objects',
};
const NAMES: Record<string, GoType> = {
  plural: 'string',
  singular: 'string',
  kind: 'string',
  listKind: 'string',
  shortNames: 'strings',
  categories: 'strings',
};
const VERSION: Record<string, GoType> = {
  name: 'string',
  served: 'bool',
  storage: 'bool',
  schema: 'object',
  subresources: 'object',
  additionalPrinterColumns: 'objects',
};
const GO: Record<GoType, string> = {
  string: 'string',
  bool: 'bool',
  object: 'struct',
  strings: '[]string',
  objects: '[]struct',
};

function fits(v: unknown, t: GoType): boolean {
  if (v === null || v === undefined) return true;
  if (t === 'string') return typeof v === 'string';
  if (t === 'bool') return typeof v === 'boolean';
  if (t === 'object') return isObject(v);
  if (t === 'strings') return Array.isArray(v) && v.every((x) => typeof x === 'string' || x === null);
  return Array.isArray(v) && v.every((x) => isObject(x) || x === null);
}

function check(obj: Record<string, unknown>, fields: Record<string, GoType>, path: string): void {
  for (const [k, t] of Object.entries(fields)) {
    if (fits(obj[k], t)) continue;
    throw decodeError(
      'CustomResourceDefinition',
      'v1',
      `json: cannot unmarshal ${jsonTypeName(obj[k])} into Go struct field ${path}.${k} of type ${GO[t]}`,
    );
  }
}

/** Throws the decoder's 400 for a CRD body whose fields are not of their Go types. */
export function checkCrdShape(raw: unknown): void {
  if (!isObject(raw)) return;
  check(raw, { spec: 'object' }, 'CustomResourceDefinition');
  const spec = isObject(raw.spec) ? raw.spec : {};
  check(spec, SPEC, 'CustomResourceDefinition.spec');
  if (isObject(spec.names)) check(spec.names, NAMES, 'CustomResourceDefinition.spec.names');
  for (const v of Array.isArray(spec.versions) ? spec.versions : [])
    if (isObject(v)) {
      check(v, VERSION, 'CustomResourceDefinition.spec.versions');
      const schema = isObject(v.schema) ? v.schema : {};
      check(schema, { openAPIV3Schema: 'object' }, 'CustomResourceDefinition.spec.versions.schema');
    }
}
