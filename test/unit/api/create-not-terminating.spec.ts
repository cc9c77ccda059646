// A manifest saved from a terminating object carries metadata.deletionTimestamp: a create clears it, as the
// API server's BeforeCreate does, instead of storing an object that is deleted (a pod) or terminating for good.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const NS = '/api/v1/namespaces/default';
const terminating = { deletionTimestamp: '2020-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 };

describe('api: create clears deletionTimestamp', () => {
  let h: Harness;
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  after(async () => h.stop());

  it('a Pod is created running, not deleted', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: `${NS}/pods`,
      payload: {
        metadata: { name: 'p1', ...terminating },
        spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
      },
    });
    expect(res.statusCode, res.body).to.equal(201);
    expect(res.json<{ metadata: object }>().metadata).to.not.have.any.keys(Object.keys(terminating));
    await h.waitFor('p1 running', () => h.pod('p1')?.status.phase === 'Running');
    expect(h.pod('p1')?.metadata).to.not.have.any.keys(Object.keys(terminating));
  });

  it('a ConfigMap is stored without them', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: `${NS}/configmaps`,
      payload: { metadata: { name: 'cm1', ...terminating }, data: { a: '1' } },
    });
    expect(res.statusCode, res.body).to.equal(201);
    const got = await h.api.inject({ method: 'GET', url: `${NS}/configmaps/cm1` });
    expect(got.json<{ metadata: object }>().metadata).to.not.have.any.keys(Object.keys(terminating));
  });
});
