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
    ['DELETE', '/api/v1/nodes/test-node'],
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

  // Upstream routes before it decodes: a body on an unserved path is never read (kubectl 1.35 posts protobuf
  // SelfSubjectReviews and TokenRequests; a 415 or 400 there would blame the body, not the path).
  for (const [type, payload] of [
    [
      'application/vnd.kubernetes.protobuf',
      Buffer.from('k8s\0\n\x1d\n\x13example.com/v1\x12\x06Widget', 'latin1'),
    ],
    ['application/vnd.kubernetes.protobuf', Buffer.from('not protobuf')],
    ['application/json', Buffer.from('{not json')],
    ['application/yaml', Buffer.from('a: [')],
    ['application/x-unknown', Buffer.from('?')],
  ] as const) {
    it(`a path nothing serves is 404 NotFound whatever its body (${type}, ${payload.length} bytes)`, async () => {
      for (const url of ['/apis/example.com/v1/widgets', `${NS}/widgets/w1/token`]) {
        const res = await h.api.inject({ method: 'POST', url, payload, headers: { 'content-type': type } });
        expect(res.statusCode, url).to.equal(404);
        expect(res.json(), url).to.deep.equal({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `the server could not find the requested resource (POST ${url})`,
          reason: 'NotFound',
          code: 404,
        });
      }
    });
  }

  it('a served path with a method it does not take is 405 whatever its body', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: `${NS}/pods/p1`,
      payload: Buffer.from('not protobuf'),
      headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
    });
    expect(res.statusCode).to.equal(405);
  });

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
