import { expect } from 'chai';
import { errorCode } from '../../../agent/errors';
import { paginate } from '../../../api/paging';
import { parseFieldSelector, parseLabelSelector } from '../../../api/selectors';

describe('api/selectors', () => {
  describe('label selectors', () => {
    const web = { app: 'web', tier: 'fe', rank: '3' };
    const db = { app: 'db' };
    const none = undefined;
    const cases: [string, boolean, boolean, boolean][] = [
      // selector, matches web, db, no labels
      ['', true, true, true],
      ['app=web', true, false, false],
      ['app==web', true, false, false],
      ['app!=web', false, true, true],
      ['app in (web, db)', true, true, false],
      ['app notin (web)', false, true, true],
      ['tier', true, false, false],
      ['!tier', false, true, true],
      ['app=web,tier=fe', true, false, false],
      ['app in (web,db),!tier', false, true, false],
      ['rank>2', true, false, false],
      ['rank<3', false, false, false],
    ];
    for (const [selector, w, d, n] of cases) {
      it(`"${selector}"`, () => {
        const match = parseLabelSelector(selector);
        expect([match(web), match(db), match(none)]).to.deep.equal([w, d, n]);
      });
    }

    it('rejects what does not parse with 400', () => {
      for (const bad of ['app=(x', 'a b', 'app in x', '=web', 'app in (we b)']) {
        expect(() => parseLabelSelector(bad), bad)
          .to.throw()
          .that.satisfies((e: unknown) => errorCode(e) === 'BadRequest');
      }
    });
  });

  describe('field selectors', () => {
    const fields = {
      'metadata.name': (o: { name: string; phase: string }) => o.name,
      'status.phase': (o: { name: string; phase: string }) => o.phase,
    };
    const a = { name: 'a', phase: 'Running' };
    const b = { name: 'b,c', phase: 'Pending' };

    it('matches =, == and !=, several terms together, and escaped commas', () => {
      expect([a, b].filter(parseFieldSelector('metadata.name=a', fields))).to.deep.equal([a]);
      expect([a, b].filter(parseFieldSelector('status.phase==Pending', fields))).to.deep.equal([b]);
      expect([a, b].filter(parseFieldSelector('status.phase!=Running', fields))).to.deep.equal([b]);
      expect([a, b].filter(parseFieldSelector('metadata.name=a,status.phase=Pending', fields))).to.deep.equal(
        [],
      );
      expect([a, b].filter(parseFieldSelector('metadata.name=b\\,c', fields))).to.deep.equal([b]);
    });

    it('rejects a field the resource does not support, as upstream', () => {
      expect(() => parseFieldSelector('spec.foo=x', fields)).to.throw('field label not supported: spec.foo');
    });
  });

  describe('paging', () => {
    const item = (name: string) => ({ metadata: { namespace: 'default', name } });
    const items = ['e', 'a', 'd', 'b', 'c'].map(item);

    it('pages in key order with continue tokens and the count of what remains', () => {
      const p1 = paginate(items, 2, undefined, '7');
      expect(p1.items.map((i) => i.metadata.name)).to.deep.equal(['a', 'b']);
      expect(p1.remainingItemCount).to.equal(3);
      const p2 = paginate(items, 2, p1.continue, '7');
      expect(p2.items.map((i) => i.metadata.name)).to.deep.equal(['c', 'd']);
      const p3 = paginate(items, 2, p2.continue, '7');
      expect(p3.items.map((i) => i.metadata.name)).to.deep.equal(['e']);
      expect(p3.continue).to.equal(undefined);
    });

    it('400 for a continue token it did not make', () => {
      expect(() => paginate(items, 2, 'garbage', '7'))
        .to.throw()
        .that.satisfies((e: unknown) => errorCode(e) === 'BadRequest');
    });
  });
});
