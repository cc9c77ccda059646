import { expect } from 'chai';
import { growth, totalsByKind } from '../../../tools/heap-diff';

/** A V8 snapshot's shape with nodes [type, name, id, self_size, edge_count]. */
function snapshot(nodes: [string, string, number][]): Parameters<typeof totalsByKind>[0] {
  const types = ['object', 'string', 'closure'];
  const strings: string[] = [];
  const str = (s: string): number => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  return {
    snapshot: {
      meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [types] },
    },
    nodes: nodes.flatMap(([type, name, size], id) => [types.indexOf(type), str(name), id, size, 0]),
    strings,
  };
}

describe('tools/heap-diff', () => {
  it('totals count and self size per type and name, strings by type alone', () => {
    const totals = totalsByKind(
      snapshot([
        ['object', 'Map', 40],
        ['object', 'Map', 60],
        ['string', 'pod-a', 24],
        ['string', 'pod-b', 32],
      ]),
    );
    expect(totals.get('object:Map')).to.deep.equal({ count: 2, bytes: 100 });
    expect(totals.get('string')).to.deep.equal({ count: 2, bytes: 56 });
  });

  it('growth lists only kinds that grew, the largest first, new kinds included', () => {
    const a = totalsByKind(
      snapshot([
        ['object', 'Map', 40],
        ['object', 'Event', 100],
      ]),
    );
    const b = totalsByKind(
      snapshot([
        ['object', 'Map', 40],
        ['object', 'Event', 300],
        ['object', 'Event', 20],
        ['closure', 'onExit', 64],
      ]),
    );
    expect(growth(a, b)).to.deep.equal([
      { kind: 'object:Event', count: 1, bytes: 220 },
      { kind: 'closure:onExit', count: 1, bytes: 64 },
    ]);
  });
});
