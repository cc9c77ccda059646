// Services end to end: endpoints from ready pods, ClusterIP traffic spread by the agent's rules, headless
// and selector Services resolving to pod IPs, and the DNS records and rcodes checked with dig.
import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { nopLogger } from '../../agent/log';
import type { Pod } from '../../agent/model/pod';
import type { Service } from '../../agent/model/service';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from '../helpers/harness';

const runtime = new DockerRuntime({ logger: nopLogger });

describe('Services, endpoints and DNS (real engine, real iptables)', function () {
  this.timeout(120_000);
  let h: Harness;
  let dnsPort = 0;

  const web = (name: string): object => ({
    metadata: { name, labels: { app: 'web' } },
    spec: {
      hostname: name,
      subdomain: 'web-h',
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'httpd',
          image: 'busybox',
          command: ['sh', '-c', `mkdir /www; echo ${name} > /www/index.html; httpd -f -p 8080 -h /www`],
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
        },
      ],
    },
  });

  /** Runs a command in the client pod's container and returns its output (exit code ignored). */
  async function inClient(cmd: string): Promise<string> {
    const id = h.pod('client')!.status.containerStatuses![0]!.containerID!.slice('docker://'.length);
    return (await runtime.exec(id, ['sh', '-c', cmd], 20_000)).output;
  }
  // Asynchronous: the DNS server answers from this very process.
  const dig = async (...args: string[]): Promise<string> =>
    (await promisify(execFile)('dig', ['@127.0.0.1', '-p', String(dnsPort), '+tries=1', '+time=2', ...args]))
      .stdout;

  before(async function () {
    try {
      execFileSync('dig', ['-v'], { stdio: 'ignore' });
    } catch {
      throw new Error('dig is missing: scripts/test.sh installs dnsutils');
    }
    h = await new Harness({ runtime, proxy: true }).start();
    dnsPort = h.agent.dns.addresses()[0]!.port;
    const post = async (url: string, payload: object): Promise<void> => {
      const res = await h.api.inject({ method: 'POST', url, payload });
      expect(res.statusCode, res.body).to.equal(201);
    };
    await post('/services', {
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    await post('/services', {
      kind: 'Service',
      metadata: { name: 'web-h' },
      spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 8080 }] },
    });
    await post('/services', {
      kind: 'Service',
      metadata: { name: 'empty' },
      spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] },
    });
    await post('/pods', web('web-1'));
    await post('/pods', web('web-2'));
    await post('/pods', {
      metadata: { name: 'client' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }],
      },
    });
    await h.waitFor(
      'pods ready',
      () =>
        ['web-1', 'web-2', 'client'].every((n) =>
          h.pod(n)?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        ),
      30_000,
    );
  });
  after(async () => h?.stop());

  const ip = (name: string): string => h.pod(name)!.status.podIP!;
  const svc = (name: string): Service => h.services.get('default', name)!;

  it('lists both ready pods as endpoints of the selector Service', async () => {
    await h.waitFor(
      'two endpoints',
      () => h.agent.endpoints.get('default', 'web')?.subsets?.[0]?.addresses?.length === 2,
    );
    const ep = (await h.api.inject({ url: '/endpoints/web' })).json<{
      subsets: { addresses: { ip: string }[]; ports: unknown[] }[];
    }>();
    expect(ep.subsets[0]!.addresses.map((a) => a.ip).sort()).to.deep.equal([ip('web-1'), ip('web-2')].sort());
    expect(ep.subsets[0]!.ports).to.deep.equal([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it('spreads connections from a pod to the ClusterIP over both pods', async () => {
    const out = await inClient(
      'for i in $(seq 1 20); do wget -qO- http://web.default.svc.cluster.local/; done',
    );
    const answers = out.trim().split('\n');
    expect(answers).to.have.length(20);
    expect(new Set(answers)).to.deep.equal(new Set(['web-1', 'web-2']));
  });

  it('refuses a connection to a Service without ready endpoints at once', async () => {
    const out = await inClient(`wget -qO- http://${svc('empty').spec.clusterIP}/ 2>&1; echo rc=$?`);
    expect(out).to.contain('Connection refused');
  });

  it('resolves names the way pods use them: short, headless to pod IPs, pod hostname in its subdomain', async () => {
    expect(await inClient('nslookup web')).to.contain(`Address: ${svc('web').spec.clusterIP}`);
    const headless = await inClient('nslookup web-h');
    expect(headless)
      .to.contain(`Address: ${ip('web-1')}`)
      .and.contain(`Address: ${ip('web-2')}`);
    // busybox applies the search list only to names without a dot, so the hostname record is asked in full
    expect(await inClient('nslookup web-1.web-h.default.svc.cluster.local')).to.contain(
      `Address: ${ip('web-1')}`,
    );
  });

  it('answers dig on --dns-listen with the Kubernetes DNS records', async () => {
    const zone = 'default.svc.cluster.local';
    expect((await dig('+short', `web.${zone}`)).trim()).to.equal(svc('web').spec.clusterIP);
    expect((await dig('+short', `WEB.${zone.toUpperCase()}`)).trim()).to.equal(svc('web').spec.clusterIP);
    expect((await dig('+short', `web-h.${zone}`)).trim().split('\n').sort()).to.deep.equal(
      [ip('web-1'), ip('web-2')].sort(),
    );
    expect((await dig('+short', 'SRV', `_http._tcp.web.${zone}`)).trim()).to.equal(`0 100 80 web.${zone}.`);
    const rev = svc('web').spec.clusterIP.split('.').reverse().join('.');
    expect((await dig('+short', 'PTR', `${rev}.in-addr.arpa`)).trim()).to.equal(`web.${zone}.`);
    expect(
      (await dig('+short', `${ip('client').replace(/\./g, '-')}.default.pod.cluster.local`)).trim(),
    ).to.equal(ip('client'));
    const full = await dig(`web.${zone}`);
    expect(full)
      .to.match(/flags: qr aa rd;/)
      .and.match(/\b5\s+IN\s+A\s/);
    const missing = await dig(`nope.${zone}`);
    expect(missing)
      .to.contain('status: NXDOMAIN')
      .and.match(/AUTHORITY SECTION:\ncluster\.local\.\s+\d+\s+IN\s+SOA\s/);
    const nodata = await dig('AAAA', `web.${zone}`);
    expect(nodata).to.contain('status: NOERROR').and.contain('ANSWER: 0').and.contain('SOA');
    expect(await dig('-c', 'CH', 'TXT', `web.${zone}`)).to.contain('status: REFUSED');
    // The host is not a pod: no forwarding for it (never an open resolver).
    expect(await dig('example.org')).to.contain('status: REFUSED');
  });

  it('gives a container the variables of the Services made before it, $(VAR) expanded in its command', async () => {
    await h.createPod({
      metadata: { name: 'printenv' },
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'c',
            image: 'busybox',
            command: ['sh', '-c', 'env; echo "url=$(WEB_PORT)"'],
            env: [{ name: 'WEB_SERVICE_PORT', value: 'mine' }],
          },
        ],
      },
    });
    await h.waitFor('printenv done', () => h.pod('printenv')?.status.phase === 'Succeeded', 30_000);
    const lines = (await h.api.inject({ url: '/pods/printenv/log' })).body.trim().split('\n');
    const web = svc('web').spec.clusterIP;
    const empty = svc('empty').spec.clusterIP;
    expect(lines).to.include.members([
      `WEB_SERVICE_HOST=${web}`,
      'WEB_SERVICE_PORT=mine', // the container's own env wins
      'WEB_SERVICE_PORT_HTTP=80',
      `WEB_PORT=tcp://${web}:80`,
      `WEB_PORT_80_TCP=tcp://${web}:80`,
      'WEB_PORT_80_TCP_PROTO=tcp',
      'WEB_PORT_80_TCP_PORT=80',
      `WEB_PORT_80_TCP_ADDR=${web}`,
      `EMPTY_SERVICE_HOST=${empty}`,
      `url=tcp://${web}:80`,
    ]);
    expect(
      lines.filter((l) => l.startsWith('WEB_H_')),
      'a headless Service has none',
    ).to.deep.equal([]);
  });

  it('drops a pod from the endpoints when it goes away', async () => {
    await h.api.inject({ method: 'DELETE', url: '/pods/web-2' });
    await h.waitFor(
      'one endpoint',
      () => h.agent.endpoints.get('default', 'web')?.subsets?.[0]?.addresses?.length === 1,
      20_000,
    );
    const out = await inClient('for i in $(seq 1 5); do wget -qO- http://web/; done');
    expect(out.trim().split('\n')).to.deep.equal(Array(5).fill('web-1'));
  });
});

export type { Pod };
