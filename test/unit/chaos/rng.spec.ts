import { expect } from 'chai';
import { seededRng } from '../../../chaos/rng';

describe('chaos/rng', () => {
  it('the same seed gives the same choices, another seed others', () => {
    const run = (seed: number): number[] => {
      const rng = seededRng(seed);
      return Array.from({ length: 20 }, () => rng.int(0, 1000));
    };
    expect(run(42)).to.deep.equal(run(42));
    expect(run(42)).to.not.deep.equal(run(43));
  });

  it('int stays within its bounds and reaches both', () => {
    const rng = seededRng(7);
    const seen = new Set(Array.from({ length: 500 }, () => rng.int(1, 3)));
    expect([...seen].sort()).to.deep.equal([1, 2, 3]);
  });
});
