// Field sets as structured-merge-diff (the API server's server-side apply) has them, without its schemas:
// a set of paths, each a list of path elements written as in metadata.managedFields' FieldsV1
// (`f:<field>`, `k:<key fields as JSON>` for an item of a list merged by key, `v:<value>` for an item of a
// set, `i:<index>`). Which lists are merged by key comes from the strategic-merge-patch keys the kinds
// already have; every other list, and the few atomic structs below, is owned as one leaf. Pure.
import { isObject } from '../shape';

/** One path: its elements joined by NUL (no element contains one). */
export type FieldSet = Set<string>;
/** metadata.managedFields[].fieldsV1: `{"f:spec": {"f:replicas": {}}}`; `.` marks a node that is itself a member. */
export type FieldsV1 = { [element: string]: FieldsV1 };

const SEP = '\u0000';

/** What is owned as one value, as upstream's `+structType=atomic` / `+mapType=atomic` say. */
const ATOMIC_FIELDS: ReadonlySet<string> = new Set([
  'selector',
  'configMapKeyRef',
  'secretKeyRef',
  'fieldRef',
  'resourceFieldRef',
]);
/** Maps (not structs): a map added by an update is itself a member (`.`), as upstream records it. */
const MAP_FIELDS: ReadonlySet<string> = new Set([
  'labels',
  'annotations',
  'data',
  'binaryData',
  'stringData',
  'nodeSelector',
  'limits',
  'requests',
]);
/** Lists Go always serializes (no omitempty): present, as null, before a create, so never added themselves. */
const REQUIRED_LISTS: ReadonlySet<string> = new Set(['containers']);
/** Lists of scalars that are sets (`+listType=set`): each value is an item. */
const SET_LISTS: ReadonlySet<string> = new Set(['finalizers']);

/** The list-map keys of each list field: the strategic merge key, plus `protocol` for ports (as upstream). */
export function listKeysOf(mergeKeys: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, key] of Object.entries(mergeKeys)) out[field] = [key];
  if (out['ports']) out['ports'] = [...out['ports'], 'protocol'];
  return out;
}
/** Key fields left out take upstream's default. */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

/** Which part of an object a write owns: the main resource (no status) or the status subresource. */
export type Scope = 'main' | 'status';
/** Set by the server, never owned (upstream's stripped fields). */
const SERVER_META: ReadonlySet<string> = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);

/** Added, modified and removed paths between two objects (upstream's TypedValue.Compare). */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

const emptyish = (v: unknown): boolean =>
  v === undefined || (isObject(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);
type ListShape = { kind: 'keyed'; keys: string[] } | { kind: 'set' } | { kind: 'atomic' };

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

const keyOf = (item: Record<string, unknown>, keys: string[]): string | undefined => {
  const key: Record<string, unknown> = {};
  for (const k of [...keys].sort()) {
    const v = item[k] ?? KEY_DEFAULTS[k];
    if (v === undefined || isObject(v) || Array.isArray(v)) return undefined;
    key[k] = v;
  }
  return `k:${JSON.stringify(key)}`;
};

/** A list's items by path element, or undefined when they cannot be told apart (then it is atomic). */
function itemsOf(list: unknown[], shape: ListShape): Map<string, unknown> | undefined {
  if (shape.kind === 'atomic') return undefined;
  const out = new Map<string, unknown>();
  for (const item of list) {
    const el =
      shape.kind === 'set'
        ? isObject(item) || Array.isArray(item)
          ? undefined
          : `v:${JSON.stringify(item)}`
        : isObject(item)
          ? keyOf(item, shape.keys)
          : undefined;
    if (el === undefined || out.has(el)) return undefined;
    out.set(el, item);
  }
  return out;
}

/** Walks two values (either may be absent) and reports the differences; `fieldsOf` is a walk from nothing. */
class Walker {
  readonly result: Comparison = { added: new Set(), modified: new Set(), removed: new Set() };
  constructor(
    private readonly listKeys: Record<string, string[]>,
    /** Record an added map or list item as a member itself (upstream's Compare does; its ToFieldSet does not for maps). */
    private readonly markAddedMaps: boolean,
  ) {}

  private shapeOf(field: string): ListShape {
    const keys = this.listKeys[field];
    if (keys) return { kind: 'keyed', keys };
    return SET_LISTS.has(field) ? { kind: 'set' } : { kind: 'atomic' };
  }

  private leaf(path: string, a: unknown, b: unknown): void {
    const r = this.result;
    if (a === undefined) r.added.add(path);
    else if (b === undefined) r.removed.add(path);
    else if (!deepEqual(a, b)) r.modified.add(path);
  }

  /** One member of a struct, map or list at `path`; an item of a list is itself a member. */
  item(path: string, field: string, a: unknown, b: unknown, listItem: boolean): void {
    if (listItem) this.mark(path, a, b);
    this.value(path, field, a, b);
  }

  private mark(path: string, a: unknown, b: unknown): void {
    if (a === undefined && b !== undefined) this.result.added.add(path);
    else if (b === undefined && a !== undefined) this.result.removed.add(path);
  }

  value(path: string, field: string, a: unknown, b: unknown): void {
    if (ATOMIC_FIELDS.has(field) || (emptyish(a) && emptyish(b))) return this.leaf(path, a, b);
    if ((isObject(a) || a === undefined) && (isObject(b) || b === undefined)) {
      if (this.markAddedMaps && MAP_FIELDS.has(field)) this.mark(path, a, b);
      return this.map(path, a, b);
    }
    if ((Array.isArray(a) || a === undefined) && (Array.isArray(b) || b === undefined)) {
      const shape = this.shapeOf(field);
      const ia = a === undefined ? new Map<string, unknown>() : itemsOf(a, shape);
      const ib = b === undefined ? new Map<string, unknown>() : itemsOf(b, shape);
      if (ia && ib) {
        if (this.markAddedMaps && !REQUIRED_LISTS.has(field)) this.mark(path, a, b);
        for (const el of new Set([...ia.keys(), ...ib.keys()]))
          this.item(`${path}${SEP}${el}`, field, ia.get(el), ib.get(el), true);
        return;
      }
    }
    this.leaf(path, a, b);
  }

  private map(path: string, a?: Record<string, unknown>, b?: Record<string, unknown>): void {
    const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
    for (const k of keys) this.item(`${path}${SEP}f:${k}`, k, a?.[k], b?.[k], false);
  }

  /** The root: only the fields a write in `scope` owns. */
  root(a: unknown, b: unknown, scope: Scope): void {
    const ra = isObject(a) ? a : {};
    const rb = isObject(b) ? b : {};
    if (scope === 'status') return this.item('f:status', 'status', ra['status'], rb['status'], false);
    const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
    for (const k of keys) {
      if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
      if (k !== 'metadata') {
        this.item(`f:${k}`, k, ra[k], rb[k], false);
        continue;
      }
      const ma = isObject(ra[k]) ? ra[k] : {};
      const mb = isObject(rb[k]) ? rb[k] : {};
      for (const mk of new Set([...Object.keys(ma), ...Object.keys(mb)]))
        if (!SERVER_META.has(mk)) this.item(`f:metadata${SEP}f:${mk}`, mk, ma[mk], mb[mk], false);
    }
  }
}

/** What changed from `a` to `b`, in the fields a `scope` write owns. */
export const compare = (
  a: unknown,
  b: unknown,
  listKeys: Record<string, string[]>,
  scope: Scope = 'main',
): Comparison => {
  const w = new Walker(listKeys, true);
  w.root(a, b, scope);
  return w.result;
};

/** The fields an applied configuration sets (upstream's ToFieldSet). */
export function fieldsOf(obj: unknown, listKeys: Record<string, string[]>, scope: Scope = 'main'): FieldSet {
  const w = new Walker(listKeys, false);
  w.root(undefined, obj, scope);
  return w.result.added;
}

export const union = (...sets: FieldSet[]): FieldSet => {
  const out = new Set<string>();
  for (const s of sets) for (const p of s) out.add(p);
  return out;
};

export const difference = (a: FieldSet, b: FieldSet): FieldSet => new Set([...a].filter((p) => !b.has(p)));

export const intersection = (a: FieldSet, b: FieldSet): FieldSet => new Set([...a].filter((p) => b.has(p)));

/** Whether `set` holds `path` or anything below it. */
export const ownsBelow = (set: FieldSet, path: string): boolean => {
  if (set.has(path)) return true;
  const prefix = path + SEP;
  for (const p of set) if (p.startsWith(prefix)) return true;
  return false;
};

/** The FieldsV1 tree of a set (what metadata.managedFields stores). */
export function toFieldsV1(set: FieldSet): FieldsV1 {
  const root: FieldsV1 = {};
  const members: FieldsV1[] = [];
  for (const path of [...set].sort()) {
    let node = root;
    for (const el of path.split(SEP)) node = node[el] ??= {};
    members.push(node);
  }
  for (const node of members) if (Object.keys(node).length > 0) node['.'] = {};
  return root;
}

/** The set a FieldsV1 tree stands for. */
export function fromFieldsV1(tree: unknown): FieldSet {
  const out = new Set<string>();
  const walk = (node: Record<string, unknown>, path: string): void => {
    const children = Object.entries(node).filter(([k]) => k !== '.');
    if (path && (children.length === 0 || '.' in node)) out.add(path);
    for (const [el, child] of children) walk(isObject(child) ? child : {}, path ? `${path}${SEP}${el}` : el);
  };
  if (isObject(tree)) walk(tree, '');
  return out;
}

/** A path as upstream prints it in conflicts: `.spec.replicas`, `.spec.containers[name="app"].image`. */
export function pathText(path: string): string {
  return path
    .split(SEP)
    .map((el) => {
      const body = el.slice(2);
      switch (el.slice(0, 2)) {
        case 'f:':
          return `.${body}`;
        case 'k:': {
          const key = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.entries(key)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`;
        }
        case 'v:':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

/** Removes the value at `path` from `obj` (in place); a path that is not there changes nothing. */
export function removePath(obj: unknown, path: string): void {
  const els = path.split(SEP);
  let node: unknown = obj;
  for (let i = 0; i < els.length; i++) {
    const el = els[i]!;
    const last = i === els.length - 1;
    if (el.startsWith('f:') && isObject(node)) {
      if (last) delete node[el.slice(2)];
      else node = node[el.slice(2)];
    } else if (Array.isArray(node)) {
      const idx = node.findIndex((item) => elementOf(item, el) === el);
      if (idx < 0) return;
      if (last) node.splice(idx, 1);
      else node = node[idx];
    } else return;
  }
}

const elementOf = (item: unknown, el: string): string | undefined => {
  if (el.startsWith('v:')) return `v:${JSON.stringify(item)}`;
  if (!el.startsWith('k:') || !isObject(item)) return undefined;
  return keyOf(item, Object.keys(JSON.parse(el.slice(2)) as object));
};
