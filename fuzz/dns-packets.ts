// Hostile DNS packets, deterministic for a seed: random bytes, truncated and bit-flipped queries,
// compression-pointer loops, section counts far beyond the data, labels and names over their limits, odd
// EDNS records, responses instead of queries, every opcode and class. Used by `npm run fuzz` and by
// test/unit/dns/hostile.spec.ts.
import { prng } from './prng';

/** A well-formed query for name/type, with an optional OPT record (EDNS payload size). */
export function wireQuery(name: string, type = 1, id = 0x1234, edns?: number): Buffer {
  const labels = name.split('.').filter((l) => l);
  const qname = Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(edns ? 1 : 0, 10);
  const question = Buffer.alloc(4);
  question.writeUInt16BE(type, 0);
  question.writeUInt16BE(1, 2);
  const opt = edns ? Buffer.from([0, 0, 41, edns >> 8, edns & 0xff, 0, 0, 0, 0, 0, 0]) : Buffer.alloc(0);
  return Buffer.concat([header, qname, question, opt]);
}

const SAMPLES = [
  wireQuery('web.default.svc.cluster.local'),
  wireQuery('_http._tcp.web.default.svc.cluster.local', 33, 7, 4096),
  wireQuery('1.0.96.10.in-addr.arpa', 12),
  wireQuery('nope.svc.cluster.local', 28, 9, 1232),
  wireQuery('example.com'),
  wireQuery('cluster.local', 6),
];

type Gen = (rnd: () => number, i: number) => Buffer;

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
const bytes = (rnd: () => number, n: number): Buffer => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
};
const header = (rnd: () => number, counts: [number, number, number, number], flags = 0x0100): Buffer => {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(Math.floor(rnd() * 65536), 0);
  h.writeUInt16BE(flags, 2);
  counts.forEach((c, i) => h.writeUInt16BE(c, 4 + i * 2));
  return h;
};

const GENERATORS: Record<string, Gen> = {
  random: (rnd) => bytes(rnd, Math.floor(rnd() * 600)),
  truncated: (rnd, i) => {
    const s = SAMPLES[i % SAMPLES.length] as Buffer;
    return s.subarray(0, Math.floor(rnd() * s.length));
  },
  flipped: (rnd, i) => {
    const b = Buffer.from(SAMPLES[i % SAMPLES.length] as Buffer);
    for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++)
      b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
    return b;
  },
  // A question name that is a pointer to itself, or two pointers pointing at each other.
  compressionLoop: (rnd) => {
    const h = header(rnd, [1, 0, 0, rnd() < 0.5 ? 1 : 0]);
    const loop =
      rnd() < 0.5
        ? Buffer.from([0xc0, 12, 0, 1, 0, 1])
        : Buffer.from([1, 0x61, 0xc0, 14, 0xc0, 12, 0, 1, 0, 1]);
    // An additional record whose owner name points back into itself.
    const add = Buffer.from([0xc0, 12 + loop.length, 0, 41, 4, 0, 0, 0, 0, 0, 0]);
    return Buffer.concat([h, loop, add]);
  },
  pointerForward: (rnd) => Buffer.concat([header(rnd, [1, 0, 0, 0]), Buffer.from([0xc0, 0xff, 0, 1, 0, 1])]),
  hugeCounts: (rnd, i) => {
    const s = Buffer.from(SAMPLES[i % SAMPLES.length] as Buffer);
    for (let k = 0; k < 4; k++) if (rnd() < 0.6) s.writeUInt16BE(pick(rnd, [0, 2, 255, 65535]), 4 + k * 2);
    return s;
  },
  longLabel: (rnd) =>
    Buffer.concat([
      header(rnd, [1, 0, 0, 0]),
      Buffer.from([pick(rnd, [63, 64, 127, 255])]),
      Buffer.alloc(pick(rnd, [63, 64, 127, 255]), 0x61),
      Buffer.from([0, 0, 1, 0, 1]),
    ]),
  longName: (rnd) => {
    const labels: Buffer[] = [];
    for (let k = 0; k < 5 + Math.floor(rnd() * 10); k++)
      labels.push(Buffer.from([63]), Buffer.alloc(63, 0x62));
    return Buffer.concat([header(rnd, [1, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
  },
  badOpt: (rnd) => {
    const q = wireQuery('web.default.svc.cluster.local', 1, 5);
    q.writeUInt16BE(pick(rnd, [1, 2, 3]), 10);
    const opt = Buffer.from([0, 0, 41, 0xff, 0xff, 0, pick(rnd, [0, 1, 255]), 0x80, 0, 0xff, 0xff]);
    return Buffer.concat([q, opt, rnd() < 0.5 ? opt : Buffer.alloc(0)]);
  },
  response: (rnd, i) => {
    const s = Buffer.from(SAMPLES[i % SAMPLES.length] as Buffer);
    s.writeUInt16BE(0x8180 | Math.floor(rnd() * 16), 2);
    return s;
  },
  opcode: (rnd, i) => {
    const s = Buffer.from(SAMPLES[i % SAMPLES.length] as Buffer);
    s.writeUInt16BE((Math.floor(rnd() * 16) << 11) | 0x0100, 2);
    return s;
  },
  classAndType: (rnd) => {
    const q = wireQuery(pick(rnd, ['web.default.svc.cluster.local', 'x', 'cluster.local', '']), 1);
    q.writeUInt16BE(pick(rnd, [0, 1, 3, 4, 252, 255, 65535]), q.length - 4);
    q.writeUInt16BE(pick(rnd, [0, 1, 3, 254, 255, 65535]), q.length - 2);
    return q;
  },
  randomName: (rnd) => {
    const n = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () =>
      bytes(rnd, 1 + Math.floor(rnd() * 20)).toString('base64url'),
    ).join('.');
    return wireQuery(
      `${n}.${pick(rnd, ['svc.cluster.local', 'cluster.local', 'in-addr.arpa', 'pod.cluster.local'])}`,
      pick(rnd, [1, 28, 33, 12, 16, 255]),
    );
  },
  empty: () => Buffer.alloc(0),
};

export const DNS_FUZZ_KINDS = Object.keys(GENERATORS);

/** `count` hostile packets for `seed`, each with its kind (the generator that made it). */
export function* dnsFuzzPackets(count: number, seed: number): Generator<{ kind: string; packet: Buffer }> {
  const rnd = prng(seed);
  const kinds = DNS_FUZZ_KINDS;
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length] as string;
    yield { kind, packet: (GENERATORS[kind] as Gen)(rnd, i) };
  }
}
