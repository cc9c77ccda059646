// /metrics, /metrics/probes and /metrics/resource on the in-process agent (memory runtime): the kubelet's
// series move with the pods, the DNS server's with queries, and a deleted pod's series go.
import { createSocket } from 'node:dgram';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { PromKubeletMetrics } from '../../../daemon/metrics/kubelet-metrics';
import { Harness } from '../../helpers/harness';

/** One sample's value: `name{labels} value` (labels given as they print, or none). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${name}${labels ? `{${labels}}` : ''} `) || (labels === '' && l.startsWith(`${name} `)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** An A query for a name, with id 0x1234. */
function aQuery(name: string): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([
    Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]),
    ...labels,
    Buffer.from([0, 0, 1, 0, 1]),
  ]);
}

describe('daemon/metrics: the Prometheus endpoints (memory runtime)', () => {
  let clock: ManualClock;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  const scrape = async (path = '/metrics'): Promise<string> => {
    const r = await h.api.inject({ url: path });
    expect(r.statusCode).to.equal(200);
    expect(r.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
    return r.body;
  };
  const createPod = (name: string) =>
    h.createPod({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

  it('counts running pods and containers, runtime operations, started containers and pod starts', async () => {
    await createPod('a');
    await createPod('b');
    await h.waitFor(
      'both running',
      () => h.pod('a')?.status.phase === 'Running' && h.pod('b')?.status.phase === 'Running',
    );
    const text = await scrape();
    expect(sample(text, 'kubelet_running_pods')).to.equal(2);
    expect(sample(text, 'kubelet_running_containers', 'container_state="running"')).to.equal(2);
    expect(sample(text, 'kubelet_runtime_operations_total', 'operation_type="create_container"')).to.equal(2);
    expect(sample(text, 'kubelet_runtime_operations_total', 'operation_type="run_podsandbox"')).to.equal(2);
    expect(sample(text, 'kubelet_started_containers_total', 'container_type="container"')).to.equal(2);
    expect(sample(text, 'kubelet_started_containers_total', 'container_type="podsandbox"')).to.equal(2);
    expect(sample(text, 'kubelet_pod_start_duration_seconds_count')).to.equal(2);
    expect(sample(text, 'kubelet_pod_start_sli_duration_seconds_count')).to.equal(2);
    expect(sample(text, 'kubelet_pod_worker_duration_seconds_count', 'operation_type="create"')).to.equal(2);
    expect(sample(text, 'kubelet_run_podsandbox_duration_seconds_count', 'runtime_handler=""')).to.equal(2);
    expect(sample(text, 'kubelet_node_name', 'node="test-node"')).to.equal(1);
    expect(sample(text, 'process_cpu_seconds_total')).to.be.a('number');
  });

  it('times each relist (a periodic resync) until every pod synced, and the interval between two', async () => {
    await createPod('a');
    await h.waitFor('running', () => h.pod('a')?.status.phase === 'Running');
    const count = async (name: string) => sample(await scrape(), name) ?? 0;
    expect(await count('kubelet_pleg_relist_duration_seconds_count')).to.equal(1); // the one at start
    expect(await count('kubelet_pleg_relist_interval_seconds_count')).to.equal(0);
    clock.advance(60_000); // --resync-seconds 60 (the harness's)
    for (let i = 0; i < 200 && (await count('kubelet_pleg_relist_duration_seconds_count')) < 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await count('kubelet_pleg_relist_duration_seconds_count')).to.equal(2);
    expect(await count('kubelet_pleg_relist_interval_seconds_count')).to.equal(1);
    expect(await count('kubelet_pleg_relist_duration_seconds_sum')).to.be.greaterThan(0);
  });

  it('counts runtime errors by operation type', async () => {
    (h.runtime as MemoryRuntime).injectError('createContainer', new Error('boom'));
    await createPod('a');
    const label = 'operation_type="create_container"';
    let text = await scrape();
    for (let i = 0; i < 200 && !sample(text, 'kubelet_runtime_operations_errors_total', label); i++) {
      await new Promise((r) => setTimeout(r, 10));
      text = await scrape();
    }
    expect(sample(text, 'kubelet_runtime_operations_errors_total', label)).to.be.at.least(1);
    expect(sample(text, 'kubelet_runtime_operations_total', label)).to.be.at.least(1);
  });

  it('counts DNS requests and responses by rcode with CoreDNS names', async () => {
    const port = h.agent.dns.addresses()[0]?.port ?? 0;
    const sock = createSocket('udp4');
    const reply = new Promise<Buffer>((resolve) => sock.once('message', resolve));
    sock.send(aQuery('nothing.default.svc.cluster.local'), port, '127.0.0.1');
    const got = await reply;
    sock.close();
    expect(got[3]! & 0xf).to.equal(3); // NXDOMAIN
    const text = await scrape();
    expect(
      sample(
        text,
        'coredns_dns_requests_total',
        'server="dns://:53",zone=".",view="",proto="udp",family="1",type="A"',
      ),
    ).to.equal(1);
    expect(
      sample(
        text,
        'coredns_dns_responses_total',
        'server="dns://:53",zone=".",view="",rcode="NXDOMAIN",plugin=""',
      ),
    ).to.equal(1);
    expect(
      sample(
        text,
        'coredns_dns_request_duration_seconds_count',
        'server="dns://:53",zone=".",view="",type="A"',
      ),
    ).to.equal(1);
  });

  it('serves /metrics/resource with the node and the scrape error gauge, and /metrics/probes', async () => {
    const resource = await scrape('/metrics/resource');
    expect(resource).to.include('# TYPE container_cpu_usage_seconds_total counter');
    expect(sample(resource, 'node_memory_working_set_bytes')).to.be.greaterThan(0);
    expect(sample(resource, 'scrape_error')).to.equal(0);
    expect(await scrape('/metrics/probes')).to.include('# TYPE prober_probe_total counter');
  });
});

describe('daemon/metrics/kubelet-metrics', () => {
  it("removes a deleted pod's probe series", async () => {
    const probes = new Registry();
    const m = new PromKubeletMetrics({
      registry: new Registry(),
      probes,
      nodeName: 'n',
      pods: () => [],
      nowSeconds: () => 0,
    });
    const outcome = {
      probeType: 'Readiness',
      result: 'successful',
      container: 'c',
      namespace: 'default',
    } as const;
    m.probe({ ...outcome, pod: 'a', podUid: 'ua' });
    m.probe({ ...outcome, pod: 'a', podUid: 'ua' });
    m.probe({ ...outcome, pod: 'b', podUid: 'ub' });
    expect(await probes.metrics()).to.match(/pod="a"[^\n]*} 2\n/);
    m.forgetPod('ua');
    const text = await probes.metrics();
    expect(text).not.to.include('pod="a"');
    expect(text).to.match(/pod="b"[^\n]*} 1\n/);
  });
});
