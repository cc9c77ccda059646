import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { RecordingProxy } from '../../../agent/proxy/recording-proxy';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

describe('daemon/create-agent', () => {
  let h: Harness;
  let proxy: RecordingProxy;
  beforeEach(async () => {
    const clock = new ManualClock();
    proxy = new RecordingProxy();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock, serviceProxy: proxy }).start();
  });
  afterEach(async () => h.stop());
  /** The table without the `kubernetes` Service's rule (no endpoint: the memory runtime has no API for pods). */
  const rules = (): typeof proxy.current => proxy.current?.filter((r) => r.name !== 'kubernetes');

  async function createWebService(): Promise<void> {
    const svc = {
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    };
    expect((await h.api.inject({ method: 'POST', url: '/services', payload: svc })).statusCode).to.equal(201);
  }

  it('hands the service proxy the whole ClusterIP table as pods become ready and Services go', async () => {
    await createWebService();
    await h.createPod({
      metadata: { name: 'a', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const ip = await h.waitFor(
      'pod a running',
      () => h.pod('a')?.status.phase === 'Running' && h.pod('a')?.status.podIP,
      2_000,
    );
    const rule = { namespace: 'default', name: 'web', clusterIP: '10.96.0.10', port: 80, protocol: 'TCP' };
    await h.waitFor('rules with pod a', () => rules()?.[0]?.endpoints.length, 2_000);
    expect(rules()).to.deep.equal([{ ...rule, endpoints: [{ ip, port: 80 }] }]);
    expect((await h.api.inject({ method: 'DELETE', url: '/services/web' })).statusCode).to.equal(200);
    await h.waitFor('empty table', () => rules()?.length === 0, 2_000);
    expect(proxy.current?.map((r) => `${r.name} ${r.clusterIP}:${r.port}`)).to.deep.equal([
      'kubernetes 10.96.0.1:443',
    ]);
  });

  it('deleteAllPods (--delete-pods-on-exit): every pod and container gone, then the proxy told', async () => {
    await createWebService();
    for (const name of ['a', 'b']) {
      await h.createPod({
        metadata: { name, labels: { app: 'web' } },
        // a long grace that deleteAllPods does not wait for
        spec: { terminationGracePeriodSeconds: 600, containers: [{ name: 'c', image: 'busybox' }] },
      });
    }
    await h.waitFor('two endpoints', () => rules()?.[0]?.endpoints.length === 2, 2_000);
    expect(await h.agent.deleteAllPods()).to.equal(2);
    expect(h.pods.list()).to.deep.equal([]);
    expect(await h.runtime.listContainers()).to.deep.equal([]);
    expect(rules()?.[0]?.endpoints).to.deep.equal([]);
    expect(await h.agent.deleteAllPods()).to.equal(0);
  });
});
