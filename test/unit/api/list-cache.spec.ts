import { expect } from 'chai';
import { ListCache } from '../../../api/list-cache';

describe('api/list-cache', () => {
  it('gives the body back only for the resourceVersion it was made at', () => {
    const cache = new ListCache();
    const body = cache.put('/pods', '7', { items: [1] });
    expect(body).to.equal('{"items":[1]}');
    expect(cache.get('/pods', '7')).to.equal(body);
    expect(cache.get('/pods', '8')).to.equal(undefined);
    expect(cache.get('/pods?limit=1', '7')).to.equal(undefined);
  });

  it('keeps at most maxEntries URLs, dropping the least recently stored', () => {
    const cache = new ListCache({ maxEntries: 2 });
    cache.put('/a', '1', 'a');
    cache.put('/b', '1', 'b');
    cache.put('/a', '2', 'a2'); // /a is now the newest
    cache.put('/c', '2', 'c');
    expect(cache.size).to.equal(2);
    expect([cache.get('/a', '2'), cache.get('/b', '1'), cache.get('/c', '2')]).to.deep.equal([
      '"a2"',
      undefined,
      '"c"',
    ]);
  });
});
