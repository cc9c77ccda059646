// metadata.managedFields as the API server keeps them (structured-merge-diff's Updater): an update gives its
// manager what it changed and takes it from the others; an apply owns exactly what it applied, conflicts
// with another manager's fields whose value it would change (unless forced, which takes them over), and
// removes what it applied before and no longer does when nobody else owns it. Pure.
import { MiniKubeletError } from '../../errors';
import { isObject } from '../shape';
import {
  type Comparison,
  type FieldSet,
  type FieldsV1,
  type Scope,
  compare,
  difference,
  fieldsOf,
  fromFieldsV1,
  intersection,
  ownsBelow,
  pathText,
  removePath,
  toFieldsV1,
  union,
} from './field-set';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** Who writes: the manager name, the API version it writes in, the subresource (if any), the time. */
export interface Writer {
  manager: string;
  apiVersion: string;
  subresource?: string;
  /** RFC 3339, seconds. */
  time: string;
}

interface Manager {
  entry: Omit<ManagedFieldsEntry, 'fieldsV1' | 'fieldsType'>;
  set: FieldSet;
}

const identity = (e: Manager['entry']): string =>
  JSON.stringify([e.manager, e.operation, e.apiVersion, e.subresource ?? '']);

/** `managedFields: [{}]` in a request: clear them all (upstream's reset). */
export const isReset = (given: unknown): boolean =>
  Array.isArray(given) && given.length === 1 && isObject(given[0]) && Object.keys(given[0]).length === 0;

/** The entries of a stored or sent list; what is not an entry is left out. */
function decode(entries: unknown): Manager[] {
  if (!Array.isArray(entries)) return [];
  return entries.filter(isObject).map((e) => ({
    entry: {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      ...(typeof e.time === 'string' ? { time: e.time } : {}),
      ...(typeof e.subresource === 'string' && e.subresource ? { subresource: e.subresource } : {}),
    },
    set: fromFieldsV1(e.fieldsV1),
  }));
}

/** Upstream's order: Apply before Update, then by time, manager, apiVersion, subresource; empty sets dropped. */
function encode(managers: Manager[]): ManagedFieldsEntry[] {
  return managers
    .filter((m) => m.set.size > 0)
    .sort(
      (p, q) =>
        p.entry.operation.localeCompare(q.entry.operation) ||
        (p.entry.time ?? '').localeCompare(q.entry.time ?? '') ||
        p.entry.manager.localeCompare(q.entry.manager) ||
        p.entry.apiVersion.localeCompare(q.entry.apiVersion) ||
        (p.entry.subresource ?? '').localeCompare(q.entry.subresource ?? ''),
    )
    .map(({ entry: { manager, operation, apiVersion, time, subresource }, set }) => ({
      manager,
      operation,
      apiVersion,
      ...(time ? { time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(set),
      ...(subresource ? { subresource } : {}),
    }));
}

/** The writer's entry (taken out of `managers`, or a new one) and the others. */
function split(managers: Manager[], w: Writer, operation: 'Apply' | 'Update'): [Manager, Manager[]] {
  const entry: Manager['entry'] = {
    manager: w.manager,
    operation,
    apiVersion: w.apiVersion,
    time: w.time,
    ...(w.subresource ? { subresource: w.subresource } : {}),
  };
  const id = identity(entry);
  const mine = managers.find((m) => identity(m.entry) === id);
  return [{ entry, set: mine?.set ?? new Set() }, managers.filter((m) => m !== mine)];
}

/** Takes `changed` from every other manager and what is gone from everyone. */
const disown = (others: Manager[], changed: FieldSet, removed: FieldSet): Manager[] =>
  others.map((m) => ({ entry: m.entry, set: difference(difference(m.set, changed), removed) }));

/**
 * The managed fields after an update (create, PUT, a non-apply patch, a subresource write) from `old`
 * (undefined: a create) to `next`; `given` is what the request's object carried (its own list, if any,
 * replaces the stored one).
 */
export function recordUpdate(
  old: unknown,
  next: unknown,
  prior: unknown,
  w: Writer,
  listKeys: Record<string, string[]>,
  scope: Scope = 'main',
): ManagedFieldsEntry[] {
  const c = compare(old, next, listKeys, scope);
  const [me, others] = split(decode(prior), w, 'Update');
  const changed = union(c.added, c.modified);
  const mine = { entry: me.entry, set: difference(union(me.set, changed), c.removed) };
  return encode([mine, ...disown(others, changed, c.removed)]);
}

export interface ApplyResult {
  object: Record<string, unknown>;
  managedFields: ManagedFieldsEntry[];
}

/** An apply conflict as the API server words it (upstream's NewConflictError). */
export function applyConflict(conflicts: { manager: Manager['entry']; path: string }[]): MiniKubeletError {
  const who = (e: Manager['entry']): string =>
    e.operation === 'Update'
      ? `${JSON.stringify(e.manager)} using ${e.apiVersion}`
      : JSON.stringify(e.manager);
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${who(c.manager)}`,
    field: pathText(c.path),
  }));
  const [only] = conflicts;
  if (conflicts.length === 1 && only) {
    return new MiniKubeletError(
      'Conflict',
      `Apply failed with 1 conflict: conflict with ${who(only.manager)}: ${pathText(only.path)}`,
      { causes },
    );
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const key = who(c.manager);
    byManager.set(key, [...(byManager.get(key) ?? []), pathText(c.path)]);
  }
  const lines = [...byManager.keys()]
    .sort()
    .flatMap((m) => [`conflicts with ${m}:`, ...(byManager.get(m) ?? []).map((p) => `- ${p}`)]);
  return new MiniKubeletError(
    'Conflict',
    `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`,
    {
      causes,
    },
  );
}

/**
 * A server-side apply of `config` to `live` (its stored managers in `prior`), `merged` being the config
 * merged into the live object: the object to store and its managed fields, or an apply conflict.
 */
export function recordApply(
  live: unknown,
  config: unknown,
  merged: Record<string, unknown>,
  prior: unknown,
  w: Writer,
  opts: { force: boolean; listKeys: Record<string, string[]> },
): ApplyResult {
  const applied = fieldsOf(config, opts.listKeys);
  const [me, others] = split(decode(prior), w, 'Apply');
  const c: Comparison = compare(live, merged, opts.listKeys);
  const changed = union(c.added, c.modified);
  const conflicts = others.flatMap((m) =>
    [...intersection(m.set, changed)].sort().map((path) => ({ manager: m.entry, path })),
  );
  if (conflicts.length && !opts.force) throw applyConflict(conflicts);
  const kept = others.map((m) => ({ entry: m.entry, set: difference(m.set, changed) }));
  // What this manager applied before and no longer does goes, unless another manager owns it (or below it).
  for (const path of [...difference(me.set, applied)].sort())
    if (!kept.some((m) => ownsBelow(m.set, path)) && !ownsBelow(applied, path)) removePath(merged, path);
  const gone = compare(live, merged, opts.listKeys).removed;
  const mine = { entry: me.entry, set: applied };
  return { object: merged, managedFields: encode([mine, ...disown(kept, new Set(), gone)]) };
}
