import { expect } from 'chai';
import { type ManagedContainer, compareCensus } from '../../../bench/census';

const c = (id: string, pod: string, name: string, attempt = '0', state = 'running'): ManagedContainer => ({
  id,
  pod,
  name,
  attempt,
  state,
});

describe('bench/census', () => {
  const before = [c('s1', 'p1', 'POD'), c('a1', 'p1', 'app'), c('s2', 'p2', 'POD'), c('a2', 'p2', 'app')];

  it('finds nothing when every container is as it was', () => {
    expect(compareCensus(before, [...before].reverse())).to.deep.equal([]);
  });

  it('names a restarted container: gone, new, and its restart count', () => {
    const after = [...before.slice(0, 3), c('a2b', 'p2', 'app', '1')];
    expect(compareCensus(before, after)).to.deep.equal([
      '1 containers gone (p2/app)',
      '1 new containers (p2/app)',
    ]);
  });

  it('names a stopped container and a duplicate', () => {
    const after = [...before.slice(0, 3), c('a2', 'p2', 'app', '0', 'exited'), c('x', 'p1', 'app')];
    expect(compareCensus(before, after)).to.deep.equal([
      '1 new containers (p1/app)',
      '1 not running (p2/app)',
      '1 duplicated (p1/app)',
    ]);
  });
});
