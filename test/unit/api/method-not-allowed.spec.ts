// A method a served path does not take is 405 MethodNotAllowed, worded as upstream; a path nothing serves
// stays 404. kubectl reads a 404 on `delete events --all` as "already gone" and then waits for good.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { ServedPaths } from '../../../api/served-paths';
import { Harness } from '../../helpers/harness';

const NS = '/api/v1/namespaces/default';

describe('api: 405 for a method a path does not serve', () => {
  let h: Harness;
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  after(async () => h.stop());

  const answer = async (method: 'PUT' | 'DELETE' | 'PATCH' | 'POST', url: string) => {
    const res = await h.api.inject({ method, url, payload: {} });
    return { code: res.statusCode, body: res.json<{ kind: string; reason: string; message: string }>() };
  };

  for (const [method, url] of [
    ['PUT', `${NS}/pods`],
    ['DELETE', `${NS}/events/some-event`],
    ['PATCH', '/api/v1/nodes/test-node'],
    ['POST', `${NS}/pods/p1`],
  ] as const) {
    it(`${method} ${url}`, async () => {
      const r = await answer(method, url);
      expect(r.code).to.equal(405);
      expect(r.body).to.include({
        kind: 'Status',
        reason: 'MethodNotAllowed',
        message: 'the server does not allow this method on the requested resource',
      });
    });
  }

  it('a path nothing serves is still 404', async () => {
    const r = await answer('PUT', `${NS}/widgets/w1`);
    expect(r.code).to.equal(404);
    expect(r.body.reason).to.equal('NotFound');
  });
});

describe('ServedPaths', () => {
  it('matches parameters within one segment and wildcards across segments', () => {
    const paths = new ServedPaths();
    paths.add('/api/v1/namespaces/:namespace/pods/:name');
    paths.add('/web/*');
    expect(paths.has('/api/v1/namespaces/default/pods/p1')).to.equal(true);
    expect(paths.has('/api/v1/namespaces/default/pods/p1/log')).to.equal(false);
    expect(paths.has('/api/v1/namespaces/default/pods')).to.equal(false);
    expect(paths.has('/web/app/main.js')).to.equal(true);
    expect(paths.has('/api.v1')).to.equal(false);
  });
});
