import { expect } from 'chai';
import { ABSENT, Ledger } from '../../../chaos/ledger';

const present = (gen: string) => ({ present: true as const, fields: { gen } });

describe('chaos/ledger', () => {
  it('after an acknowledged write only that content fits', () => {
    const l = new Ledger();
    l.ack('cm/a', present('1'));
    l.ack('cm/a', present('2'));
    expect(l.fits('cm/a', { gen: '2' })).to.equal(true);
    expect(l.fits('cm/a', { gen: '1' })).to.equal(false);
    expect(l.fits('cm/a', undefined)).to.equal(false);
    expect(l.belief('cm/a')).to.equal('present');
  });

  it('an object never written must be absent; an acknowledged delete must stay gone', () => {
    const l = new Ledger();
    expect(l.fits('cm/x', undefined)).to.equal(true);
    l.ack('cm/b', present('1'));
    l.ack('cm/b', ABSENT);
    expect(l.fits('cm/b', undefined)).to.equal(true);
    expect(l.fits('cm/b', { gen: '1' })).to.equal(false);
  });

  it('an unanswered write allows the state before it and the state it asked for', () => {
    const l = new Ledger();
    l.ack('cm/a', present('1'));
    l.unknown('cm/a', ABSENT);
    expect(l.belief('cm/a')).to.equal('uncertain');
    expect(l.fits('cm/a', undefined)).to.equal(true);
    expect(l.fits('cm/a', { gen: '1' })).to.equal(true);
    expect(l.fits('cm/a', { gen: '9' })).to.equal(false);
    expect([l.acknowledged, l.unanswered]).to.deep.equal([1, 1]);
  });

  it('a refusal narrows the candidates, and contradicts an acknowledged write when none agrees', () => {
    const l = new Ledger();
    l.ack('cm/a', present('1'));
    l.unknown('cm/a', ABSENT);
    expect(l.observed('cm/a', false)).to.equal(true); // 404: the unanswered delete happened
    expect(l.belief('cm/a')).to.equal('absent');
    l.ack('cm/b', present('1'));
    expect(l.observed('cm/b', false)).to.equal(false); // 404 after an acknowledged create: lost
  });
});
