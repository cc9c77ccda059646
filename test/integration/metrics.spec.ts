// Observability on the real engine: the Node with kubectl get/describe, kubectl top pod|node (real kubectl
// 1.35 and 1.29) on the cgroup stats, and a real Prometheus (Debian's package) scraping /metrics,
// /metrics/resource and /metrics/probes, with promtool's lint clean on each and PromQL queries that must
// return the expected series.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import Docker from 'dockerode';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { apiUrl, writeKubeconfig } from '../../daemon/kubeconfig';
import { freePort } from '../../tools/free-port';
import { Harness } from '../helpers/harness';
import { type Run, installKubectl } from '../helpers/kubectl';

const docker = new Docker();
const PODS = ['top-a', 'top-b', 'top-c'];
const pod = (name: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: top}}
spec:
  containers:
  - name: app
    image: busybox:metrics-test
    command: ['sh', '-c', 'head -c 8000000 /dev/zero > /dev/shm/fill; sleep 3600']
    resources: {requests: {cpu: 100m, memory: 32Mi}, limits: {memory: 64Mi}}
    readinessProbe: {exec: {command: ['true']}, periodSeconds: 1}
`;

/** An A query for a name. */
function aQuery(name: string): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([
    Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    ...labels,
    Buffer.from([0, 0, 1, 0, 1]),
  ]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('observability: Node, kubectl top, Prometheus (real engine)', function () {
  this.timeout(180_000);
  let h: Harness;
  let port: number;
  let kubeconfig: string;
  const bins: Record<string, string> = {};

  before(async () => {
    bins['1.35'] = installKubectl('35');
    bins['1.29'] = installKubectl('29');
    await docker.getImage('busybox:latest').tag({ repo: 'busybox', tag: 'metrics-test' });
    h = await new Harness({ runtime: new DockerRuntime({ logger: nopLogger }) }).start();
    await h.api.listen({ host: '127.0.0.1', port: 0 });
    port = (h.api.server.address() as AddressInfo).port;
    kubeconfig = join(h.dataDir, 'kubeconfig');
    writeKubeconfig(kubeconfig, apiUrl('127.0.0.1', port));
    for (const name of PODS) expect((await kubectl(['apply', '-f', '-'], pod(name))).code).to.equal(0);
    await h.waitFor('pods running', () => PODS.every((n) => h.pod(n)?.status.phase === 'Running'), 60_000);
    // the containers run before their shell has written the 8 MB: sample until top-a's is in
    for (let i = 0; i < 100; i++) {
      h.agent.stats.collect();
      const a = h.agent.stats.snapshot().containers.find((c) => c.pod === 'top-a');
      if ((a?.workingSetBytes ?? 0) >= 7.5e6) break;
      await sleep(200);
    }
  });
  after(async () => h?.stop());

  const kubectl = (args: string[], input?: string, version = '1.35'): Promise<Run> =>
    new Promise((done) => {
      const child = execFile(
        bins[version] ?? '',
        ['--cache-dir', join(h.dataDir, `cache-${version}`), ...args],
        { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 60_000 },
        (err, stdout, stderr) =>
          done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(input);
    });

  it('kubectl get nodes shows this node Ready, and -o wide its address, OS, kernel and runtime', async () => {
    const r = await kubectl(['get', 'nodes']);
    expect(r.stdout).to.match(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    expect(r.stdout).to.match(/test-node\s+Ready\s+<none>\s+\S+\s+v1\.34\.0/);
    const wide = await kubectl(['get', 'nodes', '-o', 'wide']);
    expect(wide.stdout).to.match(/INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/);
    expect(wide.stdout).to.match(/docker:\/\/\d+/);
  });

  it("kubectl describe node shows capacity, conditions, system info, the node's pods and their requests summed", async () => {
    const r = await kubectl(['describe', 'node', 'test-node']);
    expect(r.code, r.stderr).to.equal(0);
    for (const want of [
      'Capacity:',
      'Allocatable:',
      'MemoryPressure',
      'DiskPressure',
      'PIDPressure',
      'KubeletReady',
      'System Info:',
      'Container Runtime Version:  docker://',
    ])
      expect(r.stdout).to.include(want);
    expect(r.stdout).to.match(/Non-terminated Pods:\s+\(3 in total\)/);
    for (const name of PODS) expect(r.stdout).to.match(new RegExp(`default\\s+${name}\\s+100m`));
    expect(r.stdout).to.match(/Allocated resources:[\s\S]*cpu\s+300m/);
    expect(r.stdout).to.match(/memory\s+96Mi/);
  });

  for (const version of ['1.35', '1.29']) {
    it(`kubectl ${version} top pod and top node read metrics.k8s.io`, async () => {
      const pods = await kubectl(['top', 'pod'], undefined, version);
      expect(pods.code, pods.stderr).to.equal(0);
      expect(pods.stdout).to.match(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
      for (const name of PODS) expect(pods.stdout).to.match(new RegExp(`${name}\\s+\\d+m\\s+\\d+Mi`));
      const filled = /top-a\s+\d+m\s+(\d+)Mi/.exec(pods.stdout)?.[1];
      expect(Number(filled)).to.be.at.least(7); // the 8 MB in /dev/shm (shared memory) is in the working set
      const nodes = await kubectl(['top', 'node'], undefined, version);
      expect(nodes.code, nodes.stderr).to.equal(0);
      expect(nodes.stdout).to.match(/test-node\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
    });
  }

  describe('Prometheus', () => {
    let prom: ChildProcess | undefined;
    let promPort: number;
    before(async () => {
      promPort = await freePort();
      const config = join(h.dataDir, 'prometheus.yml');
      const job = (name: string, path: string): string =>
        `  - job_name: ${name}\n    metrics_path: ${path}\n    scrape_interval: 1s\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`;
      writeFileSync(
        config,
        `scrape_configs:\n${job('kubelet', '/metrics')}${job('resource', '/metrics/resource')}${job('probes', '/metrics/probes')}`,
      );
      prom = spawn(
        'prometheus',
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(h.dataDir, 'tsdb')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        { stdio: 'ignore' },
      );
      for (let i = 0; i < 200; i++) {
        const ok = await fetch(`http://127.0.0.1:${promPort}/-/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await sleep(100);
      }
      throw new Error('prometheus did not get ready');
    });
    after(() => {
      if (prom?.pid) process.kill(prom.pid, 'SIGTERM');
    });

    /** The value of a PromQL query's first sample, polling until `until` holds (scrapes are 1 s apart). */
    const query = async (q: string, until: (v: number) => boolean): Promise<number> => {
      let v = NaN;
      for (let i = 0; i < 100; i++) {
        const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
        const body = (await r.json()) as { data: { result: { value: [number, string] }[] } };
        v = Number(body.data.result[0]?.value[1] ?? NaN);
        if (until(v)) return v;
        await sleep(200);
      }
      throw new Error(`${q}: last value ${v}`);
    };

    for (const path of ['/metrics', '/metrics/resource', '/metrics/probes']) {
      it(`promtool check metrics is clean on ${path}`, async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
        const r = await new Promise<Run>((done) => {
          const child = execFile('promtool', ['check', 'metrics'], (err, stdout, stderr) =>
            done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          );
          child.stdin?.end(text);
        });
        expect(r.stdout + r.stderr).to.equal('');
        expect(r.code).to.equal(0);
      });
    }

    it('scrapes the kubelet series: running pods, started containers, pod starts, runtime operations', async () => {
      expect(await query('kubelet_running_pods', (v) => v === 3)).to.equal(3);
      expect(await query('kubelet_running_containers{container_state="running"}', (v) => v === 3)).to.equal(
        3,
      );
      expect(await query('kubelet_pod_start_duration_seconds_count', (v) => v === 3)).to.equal(3);
      await query('kubelet_runtime_operations_total{operation_type="start_container"}', (v) => v >= 3);
      await query('kubelet_started_containers_total{container_type="podsandbox"}', (v) => v >= 3);
      await query('process_resident_memory_bytes', (v) => v > 0);
    });

    it('scrapes resource and probe series', async () => {
      await query('count(container_memory_working_set_bytes{namespace="default"})', (v) => v === 3);
      await query('container_memory_working_set_bytes{pod="top-a",container="app"}', (v) => v > 1e6);
      await query('node_memory_working_set_bytes', (v) => v > 0);
      await query('scrape_error', (v) => v === 0);
      await query('sum(prober_probe_total{probe_type="Readiness",result="successful"})', (v) => v >= 3);
    });

    it('coredns_dns_requests_total grows with lookups', async () => {
      const before = await query('sum(coredns_dns_requests_total) or vector(0)', (v) => v >= 0);
      const dns = h.agent.dns.addresses()[0];
      const sock = createSocket('udp4');
      for (let i = 0; i < 5; i++) {
        const answered = new Promise((r) => sock.once('message', r));
        sock.send(aQuery('kubernetes.default.svc.cluster.local'), dns?.port ?? 0, '127.0.0.1');
        await answered;
      }
      sock.close();
      expect(await query('sum(coredns_dns_requests_total)', (v) => v >= before + 5)).to.be.at.least(
        before + 5,
      );
      await query('sum(coredns_dns_responses_total)', (v) => v >= before + 5);
    });

    it("a deleted pod's series go", async () => {
      expect((await kubectl(['delete', 'pod', 'top-c', '--grace-period=0'])).code).to.equal(0);
      await h.waitFor('top-c gone', () => !h.pod('top-c'), 60_000);
      h.agent.stats.collect();
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics/resource`)).text();
      expect(text).not.to.include('pod="top-c"');
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics/probes`)).text()).not.to.include(
        'pod="top-c"',
      );
      expect(await query('kubelet_running_pods', (v) => v === 2)).to.equal(2);
    });
  });
});
