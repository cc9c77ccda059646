import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { errorCode } from '../../../../agent/errors';
import type { Endpoints, Service } from '../../../../agent/model/service';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { ClusterIpAllocator } from '../../../../agent/services/cluster-ip-allocator';
import { serviceRules } from '../../../../agent/services/endpoints-controller';
import { fixture } from '../../../helpers/fixtures';
import { Harness } from '../../../helpers/harness';

describe('agent/services/cluster-ip-allocator', () => {
  it('hands out addresses from the range, never twice while in use, again after release', () => {
    const a = new ClusterIpAllocator('10.96.0.0/12');
    const first = a.allocate('a');
    const second = a.allocate('b');
    expect(first).to.equal('10.96.0.10');
    expect(second).to.equal('10.96.0.11');
    a.release(first);
    expect(a.allocate('c')).to.not.equal(second);
  });

  it('honours a requested address in range and refuses one taken or outside', () => {
    const a = new ClusterIpAllocator('10.96.0.0/24');
    expect(a.allocate('a', '10.96.0.50')).to.equal('10.96.0.50');
    expect(() => a.allocate('b', '10.96.0.50')).to.throw(/already allocated/);
    expect(() => a.allocate('b', '10.97.0.1')).to.throw(/not in the valid range/);
  });

  it('says so when the range is full', () => {
    const a = new ClusterIpAllocator('10.96.0.0/30'); // .1 reserved, .2 usable
    a.allocate('a');
    expect(() => a.allocate('b'))
      .to.throw()
      .that.satisfies((e: unknown) => errorCode(e) === 'InternalError');
  });
});

describe('api/routes/services', () => {
  let h: Harness;
  beforeEach(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  const post = (payload: string, type = 'application/yaml') =>
    h.api.inject({ method: 'POST', url: '/services', headers: { 'content-type': type }, payload });

  it('takes the tutorial manifests verbatim and allocates ClusterIPs', async () => {
    for (const f of ['myservice.yaml', 'mydb.yaml']) {
      const res = await post(fixture(f));
      expect(res.statusCode, res.body).to.equal(201);
    }
    const list = (await h.api.inject({ url: '/services' })).json<{ kind: string; items: Service[] }>();
    expect(list.kind).to.equal('ServiceList');
    expect(list.items.map((s) => [s.metadata.name, s.spec.clusterIP])).to.deep.equal([
      ['kubernetes', '10.96.0.1'], // the API's own, as kube-apiserver keeps it
      ['mydb', '10.96.0.11'],
      ['myservice', '10.96.0.10'],
    ]);
    const svc = list.items[2]!;
    expect(svc.spec.ports).to.deep.equal([{ protocol: 'TCP', port: 80, targetPort: 9376 }]);
    expect(svc.spec.type).to.equal('ClusterIP');
  });

  it('keeps headless Services headless', async () => {
    const res = await post(
      JSON.stringify({
        kind: 'Service',
        metadata: { name: 'h' },
        spec: { clusterIP: 'None', selector: { app: 'x' } },
      }),
      'application/json',
    );
    expect(res.statusCode).to.equal(201);
    expect(res.json<Service>().spec.clusterIP).to.equal('None');
  });

  it('answers 422 with causes for invalid Services, and 409 for a second one of the same name', async () => {
    const bad = await post(
      JSON.stringify({
        kind: 'Service',
        metadata: { name: '1bad' },
        spec: { ports: [{ port: 70000 }, { port: 80, targetPort: 'Not_A_Name' }] },
      }),
      'application/json',
    );
    expect(bad.statusCode).to.equal(422);
    const fields = bad
      .json<{ details: { causes: { field: string }[] } }>()
      .details.causes.map((c) => c.field);
    expect(fields).to.include.members([
      'metadata.name',
      'spec.ports[0].port',
      'spec.ports[0].name',
      'spec.ports[1].targetPort',
    ]);
    const ok = fixture('mydb.yaml');
    expect((await post(ok)).statusCode).to.equal(201);
    expect((await post(ok)).statusCode).to.equal(409);
  });

  it('releases the ClusterIP on delete and answers 404 afterwards', async () => {
    const ok = fixture('mydb.yaml');
    const ip = (await post(ok)).json<Service>().spec.clusterIP;
    expect((await h.api.inject({ method: 'DELETE', url: '/services/mydb' })).statusCode).to.equal(200);
    expect((await h.api.inject({ url: '/services/mydb' })).statusCode).to.equal(404);
    expect((await h.api.inject({ url: '/endpoints/mydb' })).statusCode).to.equal(404);
    await post(
      JSON.stringify({
        kind: 'Service',
        metadata: { name: 'other' },
        spec: { clusterIP: ip, ports: [{ port: 1 }] },
      }),
      'application/json',
    ).then((r) => {
      expect(r.statusCode, r.body).to.equal(201);
    });
  });

  it('lists the ready pods a selector matches as endpoints, and not pods still initializing', async () => {
    const res = await post(
      JSON.stringify({
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      }),
      'application/json',
    );
    expect(res.statusCode).to.equal(201);
    const container = { name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] };
    await h.createPod({ metadata: { name: 'a', labels: { app: 'web' } }, spec: { containers: [container] } });
    await h.createPod({
      metadata: { name: 'b', labels: { app: 'web' } },
      spec: { initContainers: [{ name: 'wait', image: 'busybox' }], containers: [container] },
    });
    await h.createPod({
      metadata: { name: 'c', labels: { app: 'other' } },
      spec: { containers: [container] },
    });
    const ipOf = (n: string): string | undefined => h.pod(n)?.status.podIP;
    await h.waitFor(
      'pods synced',
      () => ipOf('a') && ipOf('b') && ipOf('c') && h.pod('a')?.status.phase === 'Running',
      2_000,
    );
    await new Promise((r) => setImmediate(r));
    const ep = (await h.api.inject({ url: '/endpoints/web' })).json<Endpoints>();
    expect(ep.subsets).to.have.length(1);
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip)).to.deep.equal([ipOf('a')]);
    expect(ep.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip)).to.deep.equal([ipOf('b')]);
    expect(ep.subsets?.[0]?.ports).to.deep.equal([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const mine = h.services.list().filter((s) => s.metadata.name !== 'kubernetes');
    const rules = serviceRules(mine, (s) => h.agent.endpoints.get(s.metadata.namespace, s.metadata.name));
    expect(rules).to.deep.equal([
      {
        namespace: 'default',
        name: 'web',
        clusterIP: '10.96.0.10',
        port: 80,
        protocol: 'TCP',
        endpoints: [{ ip: ipOf('a'), port: 8080 }],
      },
    ]);
  });
});
