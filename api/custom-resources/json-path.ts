// The JSONPath subset CRD printer columns use (`.spec.replicas`, `.status.conditions[?(@.type=="Ready")].status`,
// `.spec.items[0].name`, `.metadata.labels.app`): the values a path reaches in an object, in order.
import { isObject } from '../../agent/model/shape';

type Step = { key: string } | { index: number } | { filter: [string, string] } | { all: true };

/** The steps of a path, or undefined for one outside the subset (its cell is then empty). */
export function parseJsonPath(path: string): Step[] | undefined {
  const text = path
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .replace(/^\$/, '');
  const steps: Step[] = [];
  const re =
    /\.([A-Za-z0-9_\-/]+)|\[(\d+)\]|\[\*\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)\]|\['([^']+)'\]/gy;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push({ key: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ filter: [m[3], m[4] ?? ''] });
    else if (m[5] !== undefined) steps.push({ key: m[5] });
    else steps.push({ all: true });
    at = re.lastIndex;
  }
  return steps;
}

const field = (obj: unknown, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), obj);

/** The values `path` reaches in `obj` (none when it reaches nothing). */
export function evalJsonPath(obj: unknown, path: string): unknown[] {
  const steps = parseJsonPath(path);
  if (!steps) return [];
  let values: unknown[] = [obj];
  for (const step of steps) {
    values = values.flatMap((v): unknown[] => {
      if ('key' in step) return isObject(v) && v[step.key] !== undefined ? [v[step.key]] : [];
      if (!Array.isArray(v)) return [];
      if ('index' in step) return step.index < v.length ? [v[step.index]] : [];
      if ('all' in step) return v;
      const [key, want] = step.filter;
      return v.filter((item) => String(field(item, key)) === want);
    });
  }
  return values;
}
