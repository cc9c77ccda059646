// Quantities read as apimachinery's ParseQuantity reads them: the value, or the API server's decode error.
import { expect } from 'chai';
import { QUANTITY_FORMAT_ERROR, parseQuantity, readQuantity } from '../../../../agent/model/quantity';

describe('quantity', () => {
  it('reads the suffixes, exponents, fractions and signs upstream takes', () => {
    const cases: [string | number, number][] = [
      ['100m', 0.1],
      ['64Mi', 64 * 2 ** 20],
      ['1.5', 1.5],
      ['1.', 1],
      ['.5', 0.5],
      ['1e3', 1000],
      ['2k', 2000],
      ['-1', -1],
      [3, 3],
    ];
    for (const [q, value] of cases) expect(readQuantity(q), String(q)).to.deep.equal({ value });
  });

  it('a text that is no number is the format error, an unknown suffix the suffix error', () => {
    for (const q of ['lots', '', 'Ki', 'm', '1 Gi'])
      expect(readQuantity(q), q).to.deep.equal({ error: QUANTITY_FORMAT_ERROR });
    expect(readQuantity('1kk')).to.deep.equal({ error: "unable to parse quantity's suffix" });
  });

  it('parseQuantity leaves out what a limit cannot be (negative, not a quantity)', () => {
    expect(parseQuantity('-1')).to.equal(undefined);
    expect(parseQuantity('Ki')).to.equal(undefined);
    expect(parseQuantity('250m')).to.equal(0.25);
  });
});
