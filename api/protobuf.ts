// Kubernetes protobuf request bodies (what kubectl's typed clients send for `kubectl create <kind>`): the
// `k8s\0` envelope, a runtime.Unknown naming apiVersion and kind, then the object. The object is turned into
// the JSON the API server's Go types would print for it (Go's rules: omitempty, pointers, inlined structs,
// null for nil slices), using the generated field table, and then goes through the same path as a JSON body.
// kubectl never falls back to JSON after a 415 for protobuf (client-go 1.35 does so only for CBOR), so every
// kind served must decode here.
import { MiniKubeletError } from '../agent/errors';
import { PACKAGE_OF, PROTOBUF_TABLE, type TableField } from './protobuf-table';
import { packedVarints, readFields, type WireValue } from './protobuf-wire';
import { SPECIAL_TYPES, specialZero } from './protobuf-special';

const MAGIC = Buffer.from('k8s\0', 'latin1');
const MAX_DEPTH = 100;
/** Messages and list elements one body may expand to (an empty element of a big struct costs one each). */
const MAX_NODES = 50_000;

type Json = unknown;

class Decoder {
  private nodes = 0;

  message(type: string, bytes: Buffer, depth: number): Record<string, Json> {
    if (depth > MAX_DEPTH) throw new Error(`messages nested more than ${MAX_DEPTH} deep`);
    if (++this.nodes > MAX_NODES) throw new Error(`more than ${MAX_NODES} messages`);
    const fields = PROTOBUF_TABLE.messages[type];
    if (!fields) throw new Error(`no table entry for ${type}`);
    const wire = readFields(bytes);
    const out: Record<string, Json> = {};
    for (const field of fields) this.field(out, field, wire.get(field[0]) ?? [], depth);
    return out;
  }

  private field(
    out: Record<string, Json>,
    [num, name, type, flags]: TableField,
    vals: WireValue[],
    depth: number,
  ) {
    const omitEmpty = flags.includes('o');
    if (flags.includes('i')) {
      Object.assign(out, this.message(type, lastBytes(vals, num), depth + 1));
      return;
    }
    const map = mapTypes(type);
    if (map) {
      const entries = vals.map((v) => this.mapEntry(map[0], map[1], bytesOf(v, num), depth));
      if (entries.length) out[name] = Object.fromEntries(entries);
      else if (!omitEmpty) out[name] = null;
      return;
    }
    if (flags.includes('r')) {
      const list = this.repeated(type, vals, num, depth);
      if (list.length) out[name] = list;
      else if (!omitEmpty) out[name] = null;
      return;
    }
    const last = vals[vals.length - 1];
    if (!last) {
      if (flags.includes('p')) return;
      const zero = this.zero(type, depth);
      if (!(omitEmpty && isEmptyScalar(type, zero)) && !(flags.includes('z') && isZero(type, zero)))
        out[name] = zero;
      return;
    }
    const value = this.single(type, last, num, depth);
    if (flags.includes('p')) out[name] = value;
    else if (!(omitEmpty && isEmptyScalar(type, value)) && !(flags.includes('z') && isZero(type, value)))
      out[name] = value;
  }

  private mapEntry(keyType: string, valueType: string, bytes: Buffer, depth: number): [string, Json] {
    const kv = readFields(bytes);
    const key = kv.get(1)?.at(-1);
    const value = kv.get(2)?.at(-1);
    return [
      String(key ? this.single(keyType, key, 1, depth) : this.zero(keyType, depth)),
      value ? this.single(valueType, value, 2, depth) : this.zero(valueType, depth),
    ];
  }

  private repeated(type: string, vals: WireValue[], num: number, depth: number): Json[] {
    if (++this.nodes > MAX_NODES) throw new Error(`more than ${MAX_NODES} messages`);
    const out: Json[] = [];
    for (const v of vals) {
      if (v.wire === 2 && NUMERIC.has(type)) {
        // a packed repeated scalar
        for (const n of packedVarints(v.bytes)) out.push(scalar(type, { wire: 0, value: n }, num));
      } else out.push(this.single(type, v, num, depth));
    }
    this.nodes += out.length;
    return out;
  }

  private single(type: string, v: WireValue, num: number, depth: number): Json {
    if (SCALARS.has(type)) return scalar(type, v, num);
    const special = SPECIAL_TYPES[type];
    if (special) return special(bytesOf(v, num));
    return this.message(type, bytesOf(v, num), depth + 1);
  }

  private zero(type: string, depth: number): Json {
    if (SCALARS.has(type))
      return type === 'string' ? '' : type === 'bool' ? false : type === 'bytes' ? null : 0;
    if (type in SPECIAL_TYPES) return specialZero(type);
    return this.message(type, Buffer.alloc(0), depth + 1);
  }
}

const MAP_TYPES = new Map<string, [string, string] | undefined>();
/** A `map<K,V>` type's key and value types (parsed once per type). */
function mapTypes(type: string): [string, string] | undefined {
  if (!MAP_TYPES.has(type)) {
    const m = /^map<([^,]+),(.+)>$/.exec(type);
    MAP_TYPES.set(type, m?.[1] && m[2] ? [m[1], m[2]] : undefined);
  }
  return MAP_TYPES.get(type);
}

const NUMERIC = new Set(['bool', 'int32', 'int64', 'uint32', 'uint64']);
const SCALARS = new Set([...NUMERIC, 'string', 'bytes', 'double', 'float']);

function isEmptyScalar(type: string, v: Json): boolean {
  return SCALARS.has(type) && (v === '' || v === 0 || v === false || v === null);
}

/** omitzero: a scalar's zero or a special type's zero form (a zero Time is null). */
const isZero = (type: string, v: Json): boolean =>
  isEmptyScalar(type, v) || (type in SPECIAL_TYPES && v === specialZero(type));

function bytesOf(v: WireValue, num: number): Buffer {
  if (v.wire !== 2) throw new Error(`field ${num}: wire type ${v.wire}, expected 2 (length-delimited)`);
  return v.bytes;
}

const lastBytes = (vals: WireValue[], num: number): Buffer => {
  const last = vals[vals.length - 1];
  return last ? bytesOf(last, num) : Buffer.alloc(0);
};

function scalar(type: string, v: WireValue, num: number): Json {
  const want = (wire: number): void => {
    if (v.wire !== wire) throw new Error(`field ${num} (${type}): wire type ${v.wire}, expected ${wire}`);
  };
  switch (type) {
    case 'string':
      want(2);
      return (v as { bytes: Buffer }).bytes.toString('utf8');
    case 'bytes':
      want(2);
      return (v as { bytes: Buffer }).bytes.toString('base64');
    case 'double':
      want(1);
      return (v as { bytes: Buffer }).bytes.readDoubleLE(0);
    case 'float':
      want(5);
      return (v as { bytes: Buffer }).bytes.readFloatLE(0);
  }
  want(0);
  const n = (v as { value: bigint }).value;
  if (type === 'bool') return n !== 0n;
  if (type === 'int32') return Number(BigInt.asIntN(32, n));
  if (type === 'uint32') return Number(BigInt.asUintN(32, n));
  if (type === 'int64') return Number(BigInt.asIntN(64, n));
  return Number(n);
}

/** The envelope's runtime.Unknown: typeMeta (apiVersion, kind) and the raw object. */
function unwrap(body: Buffer): { apiVersion: string; kind: string; raw: Buffer } {
  const unknown = readFields(body.subarray(MAGIC.length));
  const typeMeta = readFields(lastBytes(unknown.get(1) ?? [], 1));
  const text = (f: WireValue[] | undefined, n: number): string =>
    f?.length ? String(scalar('string', f[f.length - 1] as WireValue, n)) : '';
  return {
    apiVersion: text(typeMeta.get(1), 1),
    kind: text(typeMeta.get(2), 2),
    raw: lastBytes(unknown.get(2) ?? [], 2),
  };
}

const decodingError = (err: unknown): MiniKubeletError =>
  new MiniKubeletError(
    'BadRequest',
    `error decoding protobuf: ${err instanceof Error ? err.message : String(err)}`,
  );

/** The table's message for a body's kind: a kind of its apiVersion, or an option kind (DeleteOptions). */
function messageOf(apiVersion: string, kind: string): string | undefined {
  const pkg = PACKAGE_OF[apiVersion];
  if (pkg && PROTOBUF_TABLE.kinds[apiVersion]?.includes(kind)) return `${pkg}.${kind}`;
  if (pkg || apiVersion === 'meta.k8s.io/v1') return PROTOBUF_TABLE.options[kind];
  return undefined;
}

export function decodeProtobuf(body: Buffer): unknown {
  if (!body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new MiniKubeletError('BadRequest', 'the protobuf body does not start with the k8s envelope');
  }
  let envelope: ReturnType<typeof unwrap>;
  try {
    envelope = unwrap(body);
  } catch (err) {
    throw decodingError(err);
  }
  const { apiVersion, kind, raw } = envelope;
  const message = messageOf(apiVersion, kind);
  if (!message) {
    throw new MiniKubeletError(
      'UnsupportedMediaType',
      `protobuf bodies are decoded for the built-in kinds of ${Object.keys(PACKAGE_OF).join(', ')} ` +
        `(got ${[apiVersion, kind].filter(Boolean).join(' ') || 'no kind'}); send application/json`,
    );
  }
  try {
    return { kind, apiVersion, ...new Decoder().message(message, raw, 0) };
  } catch (err) {
    throw decodingError(err);
  }
}
