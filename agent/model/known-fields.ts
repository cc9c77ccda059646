// Unknown fields of a request body, for the API server's fieldValidation (Strict: 400; Warn: a warning and
// the field dropped; Ignore: dropped silently). Known means known to the upstream schema (schema.ts), not
// implemented by the agent: a field Kubernetes knows (nodeSelector, affinity) is kept even where the agent
// ignores it. Every level is checked, status included, as upstream's strict decoding does.
import { type GroupVersion, CORE_V1 } from './group-version';
import { type Schema, kindSchema, resolve } from './schema';
import { isObject } from './shape';

function walk(value: unknown, schema: Schema, path: string, out: string[], drop: boolean): void {
  const s = resolve(schema);
  if (s.type === 'array') {
    if (Array.isArray(value) && s.items) {
      const items = s.items;
      value.forEach((item, i) => walk(item, items, `${path}[${i}]`, out, drop));
    }
    return;
  }
  if (!isObject(value)) return;
  if (s.additionalProperties) {
    for (const [k, v] of Object.entries(value)) walk(v, s.additionalProperties, `${path}[${k}]`, out, drop);
    return;
  }
  const properties = s.properties;
  if (!properties) return; // open: preserves unknown fields
  for (const [k, v] of Object.entries(value)) {
    const field = path ? `${path}.${k}` : k;
    const known = Object.hasOwn(properties, k) ? properties[k] : undefined;
    if (known) walk(v, known, field, out, drop);
    else {
      out.push(field);
      if (drop) delete value[k];
    }
  }
}

/** Paths of the fields the kind's schema does not know (`spec.containers[0].imagee`), in document order. */
export function unknownFields(kind: string, obj: unknown, gv: GroupVersion = CORE_V1): string[] {
  const out: string[] = [];
  const schema = kindSchema(kind, gv);
  if (schema) walk(obj, schema, '', out, false);
  return out;
}

/** Removes the unknown fields in place (what the API server does when it does not reject them). */
export function dropUnknownFields(kind: string, obj: unknown, gv: GroupVersion = CORE_V1): string[] {
  const out: string[] = [];
  const schema = kindSchema(kind, gv);
  if (schema) walk(obj, schema, '', out, true);
  return out;
}
