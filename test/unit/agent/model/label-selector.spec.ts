// selectorMatches on an operator validation refuses: it matched every pod (no default case), so a stored
// selector with one would have claimed them all. It matches none.
import { expect } from 'chai';
import { selectorMatches } from '../../../../agent/model/label-selector';
import type { LabelSelector } from '../../../../agent/model/workload';

describe('model/label-selector: selectorMatches', () => {
  const bogus = { matchExpressions: [{ key: 'app', operator: 'Bogus' }] } as unknown as LabelSelector;
  it('an unknown operator matches nothing, whatever the labels', () => {
    expect(selectorMatches(bogus, { app: 'web' })).to.equal(false);
    expect(selectorMatches(bogus, {})).to.equal(false);
  });
  it('the known operators still match as upstream', () => {
    const sel: LabelSelector = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };
    expect(selectorMatches(sel, { app: 'web', tier: 'a', team: 'x' })).to.equal(true);
    expect(selectorMatches(sel, { app: 'web', tier: 'a', team: 'x', env: 'prod' })).to.equal(false);
    expect(selectorMatches(sel, { app: 'web', tier: 'c', team: 'x' })).to.equal(false);
    expect(selectorMatches(sel, { app: 'web', tier: 'a' })).to.equal(false);
    expect(selectorMatches(sel, { app: 'web', tier: 'a', team: 'x', legacy: '' })).to.equal(false);
  });
});
