// `node dist/tools/heap-diff.js A.heapsnapshot B.heapsnapshot`: what grew between two heap snapshots, by
// object kind (constructor or string/closure name): count and retained-by-self bytes, largest growth first.
// The soak writes snapshots with SOAK_HEAP_SNAPSHOTS=DIR; this names what a slope in its heap figure is made of.
import { readFileSync } from 'node:fs';
import { runMain } from './run-main';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

export interface KindTotals {
  count: number;
  bytes: number;
}

/** Count and self size per `type:name` of every node in a V8 heap snapshot. */
export function totalsByKind(snap: Snapshot): Map<string, KindTotals> {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const at = (field: string): number => {
    const i = fields.indexOf(field);
    if (i < 0) throw new Error(`heap snapshot without a node field ${field}`);
    return i;
  };
  const [typeAt, nameAt, sizeAt] = [at('type'), at('name'), at('self_size')];
  const totals = new Map<string, KindTotals>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt] ?? -1] ?? '?';
    // strings are keyed by type only: their text would make every one a kind of its own
    const key = type.endsWith('string') ? type : `${type}:${snap.strings[snap.nodes[i + nameAt] ?? -1]}`;
    const t = totals.get(key) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += snap.nodes[i + sizeAt] ?? 0;
    totals.set(key, t);
  }
  return totals;
}

/** Kinds whose bytes grew from `a` to `b`, largest growth first. */
export function growth(
  a: Map<string, KindTotals>,
  b: Map<string, KindTotals>,
): { kind: string; count: number; bytes: number }[] {
  return [...b]
    .map(([kind, t]) => {
      const was = a.get(kind) ?? { count: 0, bytes: 0 };
      return { kind, count: t.count - was.count, bytes: t.bytes - was.bytes };
    })
    .filter((g) => g.bytes > 0)
    .sort((x, y) => y.bytes - x.bytes);
}

if (require.main === module)
  void runMain('heap-diff', () => {
    const [a, b] = process.argv.slice(2);
    if (!a || !b) throw new Error('usage: heap-diff A.heapsnapshot B.heapsnapshot');
    const read = (p: string): Map<string, KindTotals> =>
      totalsByKind(JSON.parse(readFileSync(p, 'utf8')) as Snapshot);
    console.table(growth(read(a), read(b)).slice(0, 30));
    return Promise.resolve();
  });
