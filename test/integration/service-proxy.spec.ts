// The iptables proxy against the real kernel and engine: busybox httpd endpoints on a network of this
// test's own, a client container, real iptables. Only MINIKUBELET-* chains are written.
import { execFile } from 'node:child_process';
import { get } from 'node:http';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { capturingLogger } from '../../agent/log';
import { IptablesProxy } from '../../agent/proxy/iptables-proxy';
import type { ServiceRule } from '../../agent/proxy/service-rules';
import { EgressCounter } from '../helpers/egress-counter';

const run = promisify(execFile);
const NETWORK = 'mk-proxy-test';
// made after the last sync, as if the agent had stopped: Docker then puts its ACCEPT above our FORWARD jump
const LATE_NETWORK = 'mk-proxy-test-late';
const SUBNET = '10.246.0.0/16';
const PREFIX = 'mk-proxy-test-';
const ENDPOINTS = ['ep1', 'ep2', 'ep3'];
const CLUSTER_IP = '10.96.200.10';
const EMPTY_IP = '10.96.200.11';
const SELF_IP = '10.96.200.12';
const TRIES = 30;

const docker = async (...args: string[]): Promise<string> => (await run('docker', args)).stdout.trim();

/** Runs a shell line in a container; a non-zero exit is an answer here, not an error. */
async function sh(container: string, line: string): Promise<{ out: string; err: string; ms: number }> {
  const t0 = process.hrtime.bigint();
  const res = await run('docker', ['exec', PREFIX + container, 'sh', '-c', line]).catch(
    (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
  return { out: res.stdout.trim(), err: res.stderr.trim(), ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

async function removeAll(): Promise<void> {
  const ids = await docker('ps', '-aq', '--filter', `name=^${PREFIX}`);
  if (ids) await docker('rm', '-f', ...ids.split('\n'));
  for (const net of [NETWORK, LATE_NETWORK]) await docker('network', 'rm', net).catch(() => undefined);
}

const iptablesSave = async (): Promise<string> => (await run('iptables-save')).stdout;

function hostGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body.trim()));
    }).on('error', reject);
  });
}

const tally = (answers: string[]): Record<string, number> =>
  answers.reduce<Record<string, number>>((t, a) => ({ ...t, [a]: (t[a] ?? 0) + 1 }), {});

describe('agent/proxy/iptables-proxy (real iptables and engine)', function () {
  this.timeout(60_000);
  const logger = capturingLogger();
  const proxy = new IptablesProxy({ logger, serviceCidr: '10.96.0.0/12' });
  const egress = new EgressCounter('10.96.0.0/12');
  const ip: Record<string, string> = {};
  let web: ServiceRule;
  let self: ServiceRule;
  const empty: ServiceRule = {
    namespace: 'default',
    name: 'empty',
    clusterIP: EMPTY_IP,
    port: 80,
    protocol: 'TCP',
    endpoints: [],
  };

  before(async () => {
    await removeAll();
    await egress.add();
    // Jumps first, network second: Docker then puts its ACCEPT for the new bridge above our FORWARD jump,
    // which the next sync has to undo.
    await proxy.sync([]);
    await docker('network', 'create', '--subnet', SUBNET, NETWORK);
    for (const name of ENDPOINTS) {
      const serve = `mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 8080 -h /www`;
      await docker(
        'run',
        '-d',
        '--name',
        PREFIX + name,
        '--network',
        NETWORK,
        'busybox:latest',
        'sh',
        '-c',
        serve,
      );
    }
    await docker(
      'run',
      '-d',
      '--name',
      `${PREFIX}client`,
      '--network',
      NETWORK,
      'busybox:latest',
      'sleep',
      '600',
    );
    for (const name of ENDPOINTS) {
      ip[name] = await docker(
        'inspect',
        '-f',
        '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
        PREFIX + name,
      );
    }
    const ready = ENDPOINTS.map(
      (n) => `until wget -qO- http://${ip[n]}:8080/ >/dev/null 2>&1; do sleep 0.1; done`,
    );
    await sh('client', `timeout 10 sh -c '${ready.join('; ')}'`);
    const rule = (name: string, clusterIP: string, eps: string[]): ServiceRule => ({
      namespace: 'default',
      name,
      clusterIP,
      port: 80,
      protocol: 'TCP',
      endpoints: eps.map((n) => ({ ip: ip[n]!, port: 8080 })),
    });
    web = rule('web', CLUSTER_IP, ENDPOINTS);
    self = rule('self', SELF_IP, ['ep1']);
    await proxy.sync([web, empty, self]);
  });

  after(async () => {
    await proxy.cleanup().catch(() => undefined);
    await removeAll();
    await egress.remove();
  });

  it('puts its FORWARD jump back above the ACCEPT Docker added for a newer network', async () => {
    const forward = (await iptablesSave()).split('\n').filter((l) => l.startsWith('-A FORWARD '));
    const ours = forward.findIndex((l) => l.endsWith('-j MINIKUBELET-FORWARD'));
    const accept = forward.findIndex((l) => / -j ACCEPT$/.test(l));
    expect(ours).to.be.at.least(0);
    expect(ours).to.be.below(accept);
    expect(forward.filter((l) => l.endsWith('-j MINIKUBELET-FORWARD'))).to.have.length(1);
  });

  it('spreads connections to the ClusterIP over every ready endpoint', async () => {
    const { out } = await sh('client', `for i in $(seq ${TRIES}); do wget -qO- http://${CLUSTER_IP}/; done`);
    const answers = out.split('\n').filter(Boolean);
    const counts = tally(answers);
    console.log(`      distribution over ${TRIES} connections: ${JSON.stringify(counts)}`);
    expect(answers).to.have.length(TRIES);
    expect(answers.every((a) => ENDPOINTS.includes(a))).to.equal(true);
    expect(Object.keys(counts).length).to.be.greaterThan(1);
  });

  it('takes the host’s own connections to the ClusterIP too', async () => {
    expect(ENDPOINTS).to.include(await hostGet(`http://${CLUSTER_IP}/`));
  });

  it('lets a pod reach itself through its Service (hairpin)', async () => {
    // `timeout`: without hairpin mode and the masquerade the connection hangs rather than fails.
    const { out } = await sh('ep1', `for i in 1 2 3; do timeout 5 wget -qO- http://${SELF_IP}/; done`);
    expect(out.split('\n')).to.deep.equal(['ep1', 'ep1', 'ep1']);
  });

  it('refuses at once a Service without endpoints, a port no Service has, and an unused ClusterIP', async () => {
    for (const url of [`http://${EMPTY_IP}/`, `http://${CLUSTER_IP}:81/`, 'http://10.96.200.99/']) {
      const r = await sh('client', `wget -qO- ${url}`);
      console.log(`      ${url}: refused after ${r.ms.toFixed(0)} ms (docker exec included)`);
      expect(r.err, url).to.include('Connection refused');
      expect(r.ms, url).to.be.below(1000);
    }
  });

  it('keeps refusing the service range once the agent stopped syncing, from a network Docker made later', async () => {
    // No sync after this point: the rules stay as a stopped agent leaves them (kube-proxy's do too).
    await docker('network', 'create', '--subnet', '10.243.0.0/16', LATE_NETWORK);
    await docker(
      'run',
      '-d',
      '--name',
      `${PREFIX}late`,
      '--network',
      LATE_NETWORK,
      'busybox:latest',
      'sleep',
      '600',
    );
    for (const url of [`http://${EMPTY_IP}/`, 'http://10.96.200.99/']) {
      // timeout: a packet that got out would be dropped by the counter and hang (never wget -T: it segfaults)
      for (const from of ['late', 'client']) {
        const r = await sh(from, `timeout 5 wget -qO- ${url}`);
        expect(r.err, `${from} -> ${url}`).to.include('Connection refused');
      }
    }
  });

  it('let no packet for the service range leave the host', async () => {
    expect(await egress.count()).to.equal(0);
  });

  it('refuses traffic to a Service once it is gone from the rules', async () => {
    await proxy.sync([empty]);
    const r = await sh('client', `wget -qO- http://${CLUSTER_IP}/`);
    expect(r.err).to.include('Connection refused');
    expect(r.ms).to.be.below(1000);
    expect(await iptablesSave()).not.to.include('default/web:80');
  });

  it('leaves no chain or jump of its own after cleanup, and Docker’s rules in place', async () => {
    await proxy.cleanup();
    const saved = await iptablesSave();
    expect(saved).not.to.include('MINIKUBELET');
    expect(saved).to.include('-A FORWARD -j DOCKER-USER');
    expect(logger.records.filter((r) => r.level !== 'debug')).to.deep.equal([]);
  });
});
