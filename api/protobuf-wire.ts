// The protobuf wire format: one message's fields by number, as raw values. Throws plain Errors on bytes
// that are no message (the caller turns them into a 400).

/** One field occurrence: a varint (as a 64-bit two's complement BigInt), a fixed 64/32 or bytes. */
export type WireValue =
  | { wire: 0; value: bigint }
  | { wire: 1; bytes: Buffer }
  | { wire: 2; bytes: Buffer }
  | { wire: 5; bytes: Buffer };

export type WireFields = Map<number, WireValue[]>;

export class WireReader {
  private off = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.off >= this.buf.length;
  }

  varint(): bigint {
    let n = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.off >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.off++] ?? 0;
      n |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return BigInt.asUintN(64, n);
    }
    throw new Error('varint longer than 10 bytes');
  }

  take(len: number): Buffer {
    if (len < 0 || this.off + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.off, this.off + len);
    this.off += len;
    return out;
  }
}

/** Every field of one message; repeated occurrences in order. Groups (wire types 3, 4) are refused. */
export function readFields(buf: Buffer): WireFields {
  const out: WireFields = new Map();
  const r = new WireReader(buf);
  while (!r.done) {
    const tag = r.varint();
    const field = Number(tag >> 3n);
    if (field < 1 || field > 536870911) throw new Error(`invalid field number ${field}`);
    const wire = Number(tag & 7n);
    let value: WireValue;
    if (wire === 0) value = { wire, value: r.varint() };
    else if (wire === 1) value = { wire, bytes: r.take(8) };
    else if (wire === 5) value = { wire, bytes: r.take(4) };
    else if (wire === 2) value = { wire, bytes: r.take(Number(r.varint() & 0xffffffffn)) };
    else throw new Error(`unsupported wire type ${wire}`);
    const list = out.get(field);
    if (list) list.push(value);
    else out.set(field, [value]);
  }
  return out;
}

/** The varints of a packed repeated scalar. */
export function packedVarints(bytes: Buffer): bigint[] {
  const r = new WireReader(bytes);
  const out: bigint[] = [];
  while (!r.done) out.push(r.varint());
  return out;
}

/** Builds one message field by field, in the order written (proto3: the caller leaves out zero values). */
export class WireWriter {
  private readonly parts: Buffer[] = [];

  private varint(n: bigint): void {
    const out: number[] = [];
    let v = BigInt.asUintN(64, n);
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.parts.push(Buffer.from(out));
  }

  private tag(field: number, wire: 0 | 2): void {
    this.varint(BigInt(field) * 8n + BigInt(wire));
  }

  bool(field: number, value: boolean): this {
    this.tag(field, 0);
    this.varint(value ? 1n : 0n);
    return this;
  }

  bytes(field: number, value: Buffer): this {
    this.tag(field, 2);
    this.varint(BigInt(value.length));
    this.parts.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, value: WireWriter): this {
    return this.bytes(field, value.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}
