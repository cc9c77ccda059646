import { expect } from 'chai';
import { type CompileCacheApi, enableCompileCache, flushCompileCache } from '../../../daemon/compile-cache';

describe('daemon compile cache', () => {
  it('enables and flushes through node:module when the Node line has them', () => {
    const calls: string[] = [];
    const api: CompileCacheApi = {
      enableCompileCache: () => calls.push('enable'),
      flushCompileCache: () => calls.push('flush'),
    };
    enableCompileCache(api);
    flushCompileCache(api);
    expect(calls).to.deep.equal(['enable', 'flush']);
  });

  it('does nothing on a Node line without them (Node 20)', () => {
    expect(() => {
      enableCompileCache({});
      flushCompileCache({});
    }).not.to.throw();
  });

  it('a cache that cannot be written does not stop the daemon', () => {
    const failing: CompileCacheApi = {
      enableCompileCache: () => {
        throw new Error('EACCES');
      },
      flushCompileCache: () => {
        throw new Error('EACCES');
      },
    };
    expect(() => {
      enableCompileCache(failing);
      flushCompileCache(failing);
    }).not.to.throw();
  });
});
