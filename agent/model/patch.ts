// The three patch formats the Kubernetes API accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902)
// and strategic merge patch (lists of named things merged by key, as kubectl sends for apply/set image).
// Pure functions; which one a request gets (its media type) is the API's choice (api/patching.ts).
import { MiniKubeletError } from '../errors';
import { isObject } from './shape';

type Json = unknown;

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Merge keys of the lists this agent's kinds contain (from the Kubernetes OpenAPI x-kubernetes-patch-merge-key). */
export const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  conditions: 'type',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ownerReferences: 'uid',
};

/** A Service's `spec.ports` merge by `port` (a container's by `containerPort`). */
export const SERVICE_MERGE_KEYS: Record<string, string> = { ...MERGE_KEYS, ports: 'port' };

function mergeList(
  key: string,
  target: unknown[],
  patch: unknown[],
  keys: Record<string, string>,
): unknown[] {
  const out = [...target];
  for (const item of patch) {
    if (!isObject(item)) {
      out.push(item);
      continue;
    }
    const directive = item['$patch'];
    const idx = out.findIndex((t) => isObject(t) && t[key] === item[key]);
    if (directive === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMergePatch(out[idx], item, keys);
    else out.push(strategicMergePatch({}, item, keys));
  }
  return out;
}

export function strategicMergePatch(
  target: Json,
  patch: Json,
  keys: Record<string, string> = MERGE_KEYS,
): Json {
  if (!isObject(patch)) return patch;
  if (patch['$patch'] === 'replace') {
    const { $patch: _drop, ...rest } = patch;
    return rest;
  }
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k.startsWith('$setElementOrder/') || k.startsWith('$retainKeys')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const list = k.slice('$deleteFromPrimitiveList/'.length);
      const gone = Array.isArray(v) ? v : [];
      if (Array.isArray(out[list])) out[list] = (out[list] as unknown[]).filter((x) => !gone.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const mergeKey = keys[k];
    const current = out[k];
    if (mergeKey && Array.isArray(v) && Array.isArray(current))
      out[k] = mergeList(mergeKey, current, v, keys);
    else if (isObject(v)) out[k] = strategicMergePatch(current, v, keys);
    else out[k] = v;
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new MiniKubeletError('BadRequest', `invalid JSON pointer "${path}"`);
  const parts = path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  // `/__proto__/x` would reach Object.prototype and change every object in the process.
  if (parts.includes('__proto__'))
    throw new MiniKubeletError('BadRequest', `invalid JSON pointer "${path}": __proto__ is not a field`);
  return parts;
}

/** A child by pointer segment: own properties only, array indexes only where they exist. */
function child(cur: unknown, p: string): unknown {
  if (Array.isArray(cur)) return /^(0|[1-9][0-9]*)$/.test(p) ? cur[Number(p)] : undefined;
  return isObject(cur) && Object.prototype.hasOwnProperty.call(cur, p) ? cur[p] : undefined;
}

function parentOf(
  doc: unknown,
  parts: string[],
): { parent: Record<string, unknown> | unknown[]; key: string } {
  let cur: unknown = doc;
  for (const p of parts.slice(0, -1)) {
    cur = child(cur, p);
    if (cur === undefined)
      throw new MiniKubeletError('Invalid', `the path "/${parts.join('/')}" does not exist`);
  }
  if (!Array.isArray(cur) && !isObject(cur))
    throw new MiniKubeletError('Invalid', `the path "/${parts.join('/')}" does not exist`);
  return { parent: cur, key: parts[parts.length - 1] ?? '' };
}

function getAt(doc: unknown, parts: string[]): unknown {
  let cur = doc;
  for (const p of parts) cur = child(cur, p);
  return cur;
}

/** An array index of a pointer: a number within the array (or one past its end, to add). */
function arrayIndex(list: unknown[], key: string, parts: string[], adding: boolean): number {
  const i = /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : -1;
  if (i < 0 || i > list.length || (i === list.length && !adding))
    throw new MiniKubeletError('Invalid', `the path "/${parts.join('/')}" does not exist`);
  return i;
}

function removeAt(doc: unknown, parts: string[]): unknown {
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, parts, false), 1)[0];
  const v = parent[key];
  if (v === undefined) throw new MiniKubeletError('Invalid', `the path "/${parts.join('/')}" does not exist`);
  delete parent[key];
  return v;
}

/** What a copy adds, as json-patch counts it: the value's JSON bytes. */
const copySize = (v: unknown): number => Buffer.byteLength(JSON.stringify(v));

function addAt(doc: unknown, parts: string[], value: unknown): void {
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent))
    parent.splice(key === '-' ? parent.length : arrayIndex(parent, key, parts, true), 0, value);
  else parent[key] = value;
}

/** Upstream's bounds on a JSON patch: its operations (maxJSONPatchOperations), and the bytes its copies may
 * add (the API server's JSONPatchMaxCopyBytes: a copy of a list into itself doubles it at each step). */
const MAX_OPERATIONS = 10000;
const MAX_COPY_BYTES = 3 * 1024 * 1024;

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops))
    throw new MiniKubeletError('BadRequest', 'a JSON patch must be a list of operations');
  if (ops.length > MAX_OPERATIONS)
    throw new MiniKubeletError(
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${ops.length}`,
    );
  let doc = structuredClone(target);
  let copied = 0;
  for (const op of ops) {
    if (!isObject(op) || typeof op.path !== 'string')
      throw new MiniKubeletError('BadRequest', 'each JSON patch operation needs "op" and "path"');
    const parts = pointer(op.path);
    switch (op.op) {
      case 'add':
        addAt(doc, parts, structuredClone(op.value));
        break;
      case 'remove':
        removeAt(doc, parts);
        break;
      case 'replace': {
        // In place, so the field keeps its position (remove + add would move it to the end).
        if (parts.length === 0) {
          doc = structuredClone(op.value);
          break;
        }
        const { parent, key } = parentOf(doc, parts);
        if (Array.isArray(parent)) parent[arrayIndex(parent, key, parts, false)] = structuredClone(op.value);
        else if (Object.prototype.hasOwnProperty.call(parent, key)) parent[key] = structuredClone(op.value);
        else throw new MiniKubeletError('Invalid', `the path "${op.path}" does not exist`);
        break;
      }
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string')
          throw new MiniKubeletError('BadRequest', `"${String(op.op)}" needs "from"`);
        const from = pointer(op.from);
        const v = op.op === 'move' ? removeAt(doc, from) : structuredClone(getAt(doc, from));
        if (v === undefined)
          throw new MiniKubeletError('Invalid', `the "from" path "${op.from}" does not exist`);
        if (op.op === 'copy') copied += copySize(v);
        if (copied > MAX_COPY_BYTES)
          throw new MiniKubeletError(
            'Invalid',
            `Unable to complete the copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${MAX_COPY_BYTES}`,
          );
        addAt(doc, parts, v);
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, parts)) !== JSON.stringify(op.value)) {
          throw new MiniKubeletError('Invalid', `the test operation on "${op.path}" failed`);
        }
        break;
      default:
        throw new MiniKubeletError('BadRequest', `unknown JSON patch operation ${JSON.stringify(op.op)}`);
    }
  }
  return doc;
}
