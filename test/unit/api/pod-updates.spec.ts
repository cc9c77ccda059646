// The pod routes' update verbs (PATCH, PUT) on an agent with the memory runtime: what changes restart,
// what is refused, and optimistic concurrency.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import type { Pod } from '../../../agent/model/pod';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { settle } from '../../helpers/settle';

describe('api/routes/pods (updates)', () => {
  let clock: ManualClock;
  let rt: MemoryRuntime;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    rt = new MemoryRuntime(clock);
    rt.images.add('busybox:v2');
    h = await new Harness({ runtime: rt, clock }).start();
    await h.createPod({
      metadata: { name: 'u', labels: { a: '1' } },
      spec: {
        containers: [
          { name: 'c', image: 'busybox' },
          { name: 'd', image: 'busybox' },
        ],
      },
    });
    await settle(h, 'u');
  });
  afterEach(async () => h.stop());

  it('restarts only the app container whose image changed (strategic merge patch, like kubectl set image)', async () => {
    const before = rt.find('u', 'd')!.id;
    const res = await h.api.inject({
      method: 'PATCH',
      url: '/pods/u',
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
      payload: { spec: { containers: [{ name: 'c', image: 'busybox:v2' }] } },
    });
    expect(res.statusCode, res.body).to.equal(200);
    expect(res.json<Pod>().metadata.generation).to.equal(2);
    await settle(h, 'u');
    expect(rt.find('u', 'c')).to.include({ image: 'busybox:v2', attempt: 1, state: 'running' });
    expect(rt.find('u', 'd')!.id).to.equal(before);
    expect(
      h.events.list().some((e) => e.reason === 'Killing' && e.message === 'Container c definition changed'),
    ).to.equal(true);
  });

  it('refuses any other spec change with 422 naming the field, and keeps the pod', async () => {
    const res = await h.api.inject({
      method: 'PATCH',
      url: '/pods/u',
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: { spec: { restartPolicy: 'Never' } },
    });
    expect(res.statusCode).to.equal(422);
    const body = res.json<{ details: { causes: { field: string; message: string }[] } }>();
    expect(body.details.causes[0]?.field).to.equal('spec');
    expect(body.details.causes[0]?.message).to.match(
      /^Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/,
    );
    expect(h.pod('u')?.spec.restartPolicy).to.equal('Always');
  });

  it('accepts label changes, and rejects a PUT with a stale resourceVersion with 409', async () => {
    const pod = h.pod('u')!;
    const fresh = { ...pod, metadata: { ...pod.metadata, labels: { a: '2' } } };
    const ok = await h.api.inject({ method: 'PUT', url: '/pods/u', payload: fresh });
    expect(ok.statusCode, ok.body).to.equal(200);
    expect(ok.json<Pod>().metadata.labels).to.deep.equal({ a: '2' });
    const stale = await h.api.inject({ method: 'PUT', url: '/pods/u', payload: fresh });
    expect(stale.statusCode).to.equal(409);
    expect(stale.json<{ reason: string }>().reason).to.equal('Conflict');
  });
});
