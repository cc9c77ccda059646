// A Node written through the API (PUT, and what a PATCH made): what users change of the one node is its
// labels, annotations and spec (`kubectl cordon` sets spec.unschedulable, `kubectl taint` spec.taints); the
// status stays the reporter's (the main resource ignores a body's status, as upstream's node strategy).
// Taints validated as upstream's validateNodeTaints.
import { badRequest } from '../errors';
import { decodeError, jsonTypeName } from './decode-error';
import { type FieldError, fieldError, invalidError } from './field-errors';
import { checkMetadataMaps, labelValueProblems, qualifiedNameProblems } from './meta-validation';
import { type Node, type NodeSpec, TAINT_EFFECTS, type Taint, type TaintEffect } from './node';
import { isObject } from './shape';

const stringMap = (v: unknown): Record<string, string> | undefined =>
  isObject(v) ? (v as Record<string, string>) : undefined;

/** validateTaintEffect: required, then one of the three effects. */
export function taintEffectErrors(effect: unknown, field: string): FieldError[] {
  if (effect === undefined || effect === '') return [fieldError('Required', field, undefined, '')];
  if (!TAINT_EFFECTS.includes(effect as TaintEffect)) {
    const supported = TAINT_EFFECTS.map((e) => JSON.stringify(e)).join(', ');
    return [fieldError('NotSupported', field, effect, `supported values: ${supported}`)];
  }
  return [];
}

function taintErrors(taints: unknown[]): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  taints.forEach((raw, i) => {
    const path = `spec.taints[${i}]`;
    const t = isObject(raw) ? raw : {};
    const key = typeof t.key === 'string' ? t.key : '';
    for (const p of qualifiedNameProblems(key)) out.push(fieldError('Invalid', `${path}.key`, key, p));
    if (typeof t.value === 'string' && t.value !== '')
      for (const p of labelValueProblems(t.value))
        out.push(fieldError('Invalid', `${path}.value`, t.value, p));
    out.push(...taintEffectErrors(t.effect, `${path}.effect`));
    const unique = `${String(t.effect)}\u0000${key}`;
    if (seen.has(unique))
      out.push(fieldError('Duplicate', path, raw, 'taints must be unique by key and effect pair'));
    seen.add(unique);
  });
  return out;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** metav1.Time's decoding: an RFC 3339 string or the decoder's 400 (a stored bad time breaks every client). */
function decodeTime(v: unknown): string {
  if (typeof v !== 'string')
    throw decodeError('Node', 'v1', `json: cannot unmarshal ${jsonTypeName(v)} into Go value of type string`);
  if (!RFC3339.test(v) || Number.isNaN(Date.parse(v)))
    throw decodeError('Node', 'v1', `parsing time "${v}" as "2006-01-02T15:04:05Z07:00"`);
  return v;
}

function decodeSpec(raw: unknown, name: string): NodeSpec {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw))
    throw invalidError('Node', name, [fieldError('Invalid', 'spec', raw, 'must be an object')]);
  const spec: NodeSpec = {};
  if (raw.unschedulable !== undefined && raw.unschedulable !== null) {
    if (typeof raw.unschedulable !== 'boolean')
      throw invalidError('Node', name, [
        fieldError('Invalid', 'spec.unschedulable', raw.unschedulable, 'must be a boolean'),
      ]);
    if (raw.unschedulable) spec.unschedulable = true;
  }
  if (raw.taints !== undefined && raw.taints !== null) {
    if (!Array.isArray(raw.taints))
      throw invalidError('Node', name, [fieldError('Invalid', 'spec.taints', raw.taints, 'must be a list')]);
    const errors = taintErrors(raw.taints);
    if (errors.length) throw invalidError('Node', name, errors);
    const taints = (raw.taints as Record<string, unknown>[]).map((t): Taint => {
      const taint: Taint = { key: t.key as string, effect: t.effect as TaintEffect };
      if (typeof t.value === 'string' && t.value !== '') taint.value = t.value;
      if (t.timeAdded !== undefined && t.timeAdded !== null) taint.timeAdded = decodeTime(t.timeAdded);
      return taint;
    });
    if (taints.length) spec.taints = taints;
  }
  return spec;
}

/** The stored Node after a write of `raw`: metadata maps and spec from the body, the rest from `old`. */
export function decodeNodeUpdate(old: Node, raw: unknown): Node {
  const name = old.metadata.name;
  const body = isObject(raw) ? raw : {};
  const m = isObject(body.metadata) ? body.metadata : {};
  if (m.name !== undefined && m.name !== name) throw badRequest('metadata.name: field is immutable');
  checkMetadataMaps('Node', name, m);
  const labels = stringMap(m.labels);
  const annotations = stringMap(m.annotations);
  const metadata = { ...old.metadata };
  delete metadata.labels;
  delete metadata.annotations;
  return {
    ...old,
    metadata: { ...metadata, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: decodeSpec(body.spec, name),
  };
}
