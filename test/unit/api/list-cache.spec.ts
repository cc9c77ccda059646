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

  it('drops every body of an older resourceVersion at the first newer one', () => {
    const cache = new ListCache();
    cache.put('/a', '1', 'a');
    cache.put('/b', '1', 'b');
    cache.put('/c', '2', 'c');
    expect([cache.size, cache.get('/a', '1'), cache.get('/c', '2')]).to.deep.equal([1, undefined, '"c"']);
  });

  it('keeps at most maxEntries URLs and maxChars of JSON, dropping the least recently stored', () => {
    const byCount = new ListCache({ maxEntries: 2 });
    byCount.put('/a', '1', 'a');
    byCount.put('/b', '1', 'b');
    byCount.put('/a', '1', 'a2'); // /a is now the newest
    byCount.put('/c', '1', 'c');
    expect(['/a', '/b', '/c'].map((u) => byCount.get(u, '1'))).to.deep.equal(['"a2"', undefined, '"c"']);

    const byChars = new ListCache({ maxChars: 10 });
    byChars.put('/a', '1', 'aaaa'); // 6 characters of JSON
    byChars.put('/b', '1', 'bbbb'); // 12 in all: /a goes
    expect([byChars.get('/a', '1'), byChars.get('/b', '1')]).to.deep.equal([undefined, '"bbbb"']);
    byChars.put('/big', '1', 'x'.repeat(20)); // larger than the bound by itself: served, not kept
    expect(byChars.size).to.equal(0);
  });
});
