import { expect } from 'chai';
import { slope } from '../../../tools/trend';

describe('tools/trend', () => {
  it('slope is the least-squares growth per unit of x', () => {
    const samples = [0, 100, 200, 300].map((x) => ({
      x,
      y: 1_000_000 + 2_048 * x + (x === 100 ? 5_000 : 0),
    }));
    expect(slope(samples)).to.be.closeTo(2_048 - 5, 0.01);
  });

  it('slope is 0 for flat samples and for fewer than two points', () => {
    expect(slope([0, 100, 200].map((x) => ({ x, y: 7 })))).to.equal(0);
    expect(slope([{ x: 5, y: 9 }])).to.equal(0);
  });
});
