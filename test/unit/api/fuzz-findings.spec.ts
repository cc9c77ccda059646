// What the structural fuzzer (fuzz/structural.ts) found once it mutated every kind served: each body here was
// answered 500 (a TypeError) and is now upstream's 4xx Status.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

interface Status {
  kind: string;
  code: number;
  details?: { causes?: { field: string; message: string }[] };
}

const APPS = '/apis/apps/v1/namespaces/default';
const podTemplate = {
  metadata: { labels: { app: 'fz' } },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
};

describe('api: bodies the structural fuzzer found answered 500', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  after(async () => h.stop());

  const post = async (url: string, payload: object): Promise<Status> => {
    const res = await h.api.inject({ method: 'POST', url: `${url}?dryRun=All`, payload });
    const body = res.json<Status>();
    expect(res.statusCode, res.body).to.equal(422);
    expect(body.kind).to.equal('Status');
    return body;
  };

  describe('a selector requirement without a key (or a null one), or with a null value', () => {
    for (const plural of ['deployments', 'replicasets', 'daemonsets', 'statefulsets'])
      it(`${plural}: a 422 naming the empty key, as upstream reads a missing or null key as ""`, async () => {
        for (const requirement of [
          {},
          { key: null, operator: 'Exists' },
          { key: 'app', operator: 'In', values: [null] },
        ]) {
          const selector = { matchLabels: { app: 'fz' }, matchExpressions: [requirement] };
          const body = await post(`${APPS}/${plural}`, {
            metadata: { name: 'fz' },
            spec: { selector, serviceName: 'fz', template: podTemplate },
          });
          const fields = (body.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
          expect(fields.some((f) => f.startsWith('spec.selector.matchExpressions[0].'))).to.equal(true);
        }
      });
  });

  it('an unknown field named with control characters or past Latin-1 is still a Warning (Node refused the header: a 422 of its own, not a Status)', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/pods?dryRun=All',
      headers: { 'content-type': 'application/yaml' },
      payload:
        'kind: Pod\nmetadata: {name: w}\nspec: {containers: [{name: c, image: busybox}]}\n"a\\x01\\x7f€b": 1\n',
    });
    expect(res.statusCode, res.body).to.equal(201);
    expect([res.headers['warning']].flat()[0]).to.equal('299 - "unknown field \\"a  \u00e2\u0082\u00acb\\""');
    expect(Buffer.from(String([res.headers['warning']].flat()[0]), 'latin1').toString('utf8')).to.include(
      '€',
    );
  });
});
