// Just enough of the Kubernetes protobuf encoding for `kubectl create namespace`, whose typed client
// sends the Namespace as protobuf (the `k8s\0` envelope, runtime.Unknown, then the object). Only the
// TypeMeta and the ObjectMeta fields a new Namespace carries are read; other kinds are refused with 415.
import { MiniKubeletError } from '../agent/errors';

const MAGIC = Buffer.from('k8s\0', 'latin1');

type Fields = Map<number, Buffer[]>;

/** The length-delimited fields of one message, by field number (other wire types are skipped). */
function fieldsOf(buf: Buffer): Fields {
  const out: Fields = new Map();
  let off = 0;
  const varint = (): number => {
    let n = 0;
    let shift = 0;
    for (;;) {
      if (off >= buf.length) throw new Error('truncated varint');
      const b = buf[off++] ?? 0;
      n += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return n;
      shift += 7;
    }
  };
  while (off < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        varint();
        break;
      case 1:
        off += 8;
        break;
      case 5:
        off += 4;
        break;
      case 2: {
        const len = varint();
        if (off + len > buf.length) throw new Error('truncated field');
        const list = out.get(field) ?? [];
        list.push(buf.subarray(off, off + len));
        out.set(field, list);
        off += len;
        break;
      }
      default:
        throw new Error(`unsupported wire type ${tag & 7}`);
    }
  }
  return out;
}

const str = (f: Fields, n: number): string => f.get(n)?.[0]?.toString('utf8') ?? '';

function stringMap(f: Fields, n: number): Record<string, string> | undefined {
  const entries = f.get(n);
  if (!entries?.length) return undefined;
  return Object.fromEntries(entries.map((e) => fieldsOf(e)).map((kv) => [str(kv, 1), str(kv, 2)]));
}

export function decodeProtobuf(body: Buffer): unknown {
  if (!body.subarray(0, 4).equals(MAGIC)) {
    throw new MiniKubeletError('BadRequest', 'the protobuf body does not start with the k8s envelope');
  }
  let kind = '';
  try {
    const unknown = fieldsOf(body.subarray(4));
    const typeMeta = fieldsOf(unknown.get(1)?.[0] ?? Buffer.alloc(0));
    kind = str(typeMeta, 2);
    if (kind === 'Namespace') {
      const obj = fieldsOf(unknown.get(2)?.[0] ?? Buffer.alloc(0));
      const meta = fieldsOf(obj.get(1)?.[0] ?? Buffer.alloc(0));
      const labels = stringMap(meta, 11);
      const annotations = stringMap(meta, 12);
      return {
        apiVersion: str(typeMeta, 1),
        kind,
        metadata: {
          name: str(meta, 1),
          ...(str(meta, 2) ? { generateName: str(meta, 2) } : {}),
          ...(labels ? { labels } : {}),
          ...(annotations ? { annotations } : {}),
        },
      };
    }
  } catch (err) {
    throw new MiniKubeletError(
      'BadRequest',
      `error decoding protobuf: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  throw new MiniKubeletError(
    'UnsupportedMediaType',
    `protobuf bodies are accepted for Namespace only (got ${kind || 'an unknown kind'}); send application/json`,
  );
}
