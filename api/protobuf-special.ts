// The apimachinery types whose protobuf form differs from their JSON form, converted as their MarshalJSON
// does: Time and MicroTime (RFC 3339 strings, null when zero), Duration (Go's "1h2m3s"), Quantity (its
// string), IntOrString (a number or a string), RawExtension and FieldsV1 (embedded JSON), and the
// authorization and authentication groups' ExtraValue (a Go []string: a list in JSON, not an `items` object).
import { readFields, type WireValue } from './protobuf-wire';

type Json = unknown;

const varintOf = (v: WireValue | undefined): bigint => (v?.wire === 0 ? v.value : 0n);
const bytesOf = (v: WireValue | undefined): Buffer => (v?.wire === 2 ? v.bytes : Buffer.alloc(0));
const last = (f: Map<number, WireValue[]>, n: number): WireValue | undefined => f.get(n)?.at(-1);

/** Go's RFC 3339 with `digits` fractional digits, in UTC; years outside 0..9999 fail as Go's MarshalJSON. */
function rfc3339(seconds: bigint, nanos: number, digits: number): string {
  const date = new Date(Number(seconds) * 1000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new Error('time: year outside of range [0,9999]');
  const base = date
    .toISOString()
    .replace(/^\+0*(\d{4})/, '$1')
    .slice(0, 19);
  const frac = digits ? `.${String(Math.floor(nanos / 10 ** (9 - digits))).padStart(digits, '0')}` : '';
  return `${base}${frac}Z`;
}

function timestamp(bytes: Buffer, digits: number): Json {
  if (!bytes.length) return null;
  const f = readFields(bytes);
  const nanos = Number(BigInt.asIntN(32, varintOf(last(f, 2))));
  if (nanos < 0 || nanos > 999_999_999) throw new Error(`invalid nanoseconds ${nanos}`);
  return rfc3339(BigInt.asIntN(64, varintOf(last(f, 1))), nanos, digits);
}

/** A number of `unit`s with Go's shortest decimal fraction ("1.5", "2"). */
function decimal(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (!rest) return String(whole);
  const width = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(width, '0').replace(/0+$/, '')}`;
}

/** time.Duration.String(). */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  let u = ns < 0n ? -ns : ns;
  if (u < 1000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${decimal(u, 1000n)}µs`;
  if (u < 1_000_000_000n) return `${sign}${decimal(u, 1_000_000n)}ms`;
  const hours = u / 3_600_000_000_000n;
  u %= 3_600_000_000_000n;
  const minutes = u / 60_000_000_000n;
  u %= 60_000_000_000n;
  return `${sign}${hours ? `${hours}h` : ''}${hours || minutes ? `${minutes}m` : ''}${decimal(u, 1_000_000_000n)}s`;
}

function embeddedJson(bytes: Buffer): Json {
  const f = readFields(bytes);
  const raw = bytesOf(last(f, 1));
  if (!raw.length) return null;
  try {
    return JSON.parse(raw.toString('utf8')) as Json;
  } catch {
    throw new Error('an embedded object is not JSON');
  }
}

function intOrString(bytes: Buffer): Json {
  const f = readFields(bytes);
  if (varintOf(last(f, 1)) === 1n) return bytesOf(last(f, 3)).toString('utf8');
  return Number(BigInt.asIntN(32, varintOf(last(f, 2))));
}

/** A message of one `repeated string` field that Go declares as a []string. */
const stringList = (bytes: Buffer): Json =>
  (readFields(bytes).get(1) ?? []).map((v) => bytesOf(v).toString('utf8'));

export const SPECIAL_TYPES: Record<string, (bytes: Buffer) => Json> = {
  'meta.v1.Time': (b) => timestamp(b, 0),
  'meta.v1.MicroTime': (b) => timestamp(b, 6),
  'meta.v1.Duration': (b) => goDuration(BigInt.asIntN(64, varintOf(last(readFields(b), 1)))),
  'meta.v1.FieldsV1': embeddedJson,
  'runtime.RawExtension': embeddedJson,
  'resource.Quantity': (b) => bytesOf(last(readFields(b), 1)).toString('utf8') || '0',
  'intstr.IntOrString': intOrString,
  'authorization.v1.ExtraValue': stringList,
  'authentication.v1.ExtraValue': stringList,
};

/** What JSON shows for a special type's zero value (a field the body left out). */
export const specialZero = (type: string): Json => SPECIAL_TYPES[type]?.(Buffer.alloc(0)) ?? null;
