// Service traffic with the agent in docker-compose, as a user's pods see it: a client pod reaches an HTTP
// pod through its Service by name and by ClusterIP, a headless Service by name (pod IPs), the pod reaches
// itself through its own Service (hairpin), and a Service without endpoints refuses at once. The host's
// egress counter around this suite (scripts/test-compose.sh) proves nothing for the service range left.
import { expect } from 'chai';
import type { Pod } from '../../agent/model/pod';
import type { Endpoints, Service } from '../../agent/model/service';
import { getJson, getText, post, remove, until } from './agent-client';

const WEB = `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: web
    image: busybox
    command: ['sh', '-c', 'mkdir -p /www && echo hello from web > /www/index.html && exec httpd -f -p 8080 -h /www']
    ports: [{name: http, containerPort: 8080}]
  - name: self
    image: busybox
    # hairpin: this pod through its own Service by its full name (plain web is this pod's own
    # /etc/hosts entry), refused until the pod is ready; timeout, as a dropped connection hangs
    # (never wget -T: Debian's busybox segfaults with it)
    command: ['sh', '-c', 'for i in $(seq 60); do timeout 5 wget -qO /tmp/page http://web.default.svc.cluster.local/ 2>/dev/null && break; sleep 0.5; done; echo "hairpin: $(cat /tmp/page)"; exec sleep 3600']
`;
const service = (name: string, spec: string): string =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n${spec}`;
const SERVICES = [
  service('web', '  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n'),
  service('web-headless', '  clusterIP: None\n  selector: {app: web}\n  ports: [{port: 8080}]\n'),
  service('empty', '  selector: {app: nobody}\n  ports: [{port: 80, targetPort: 8080}]\n'),
];

// Each line `what: answer`; /proc/uptime's centiseconds time the refusal (busybox date has no %N).
const clientScript = (clusterIP: string): string =>
  [
    'now() { cut -d" " -f1 /proc/uptime | tr -d .; }',
    // the endpoint reaches the rules a few milliseconds after the Endpoints object
    'for i in $(seq 20); do timeout 5 wget -qO- http://web/ >/dev/null 2>&1 && break; sleep 0.5; done',
    'echo "by-name: $(wget -qO- http://web/ 2>&1)"',
    `echo "by-cluster-ip: $(wget -qO- http://${clusterIP}/ 2>&1)"`,
    'echo "headless-address: $(nslookup web-headless.default.svc.cluster.local | tail -n +3 | grep -o "10\\.247\\.[0-9.]*")"',
    'echo "headless: $(wget -qO- http://web-headless:8080/ 2>&1)"',
    't0=$(now); r=$(wget -qO- http://empty/ 2>&1); t1=$(now)',
    'echo "empty: $r"',
    'echo "empty-ms: $(( (t1 - t0) * 10 ))"',
  ].join('\n');

const client = (clusterIP: string): string => `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 0
  containers:
  - name: client
    image: busybox
    command: ['sh', '-c', ${JSON.stringify(clientScript(clusterIP))}]
`;

const phase = async (name: string): Promise<string> =>
  (await getJson<Pod>(`/pods/${name}`))?.status?.phase ?? 'absent';

function answers(log: string): Record<string, string> {
  return Object.fromEntries(
    log
      .split('\n')
      .map((l) => /^([a-z-]+): ?(.*)$/.exec(l))
      .flatMap((m) => (m ? [[m[1]!, m[2]!.trim()]] : [])),
  );
}

describe('Service traffic with the agent in docker-compose (same iptables proxy as on the host)', function () {
  this.timeout(120_000);
  let webIP = '';
  let clusterIP = '';
  let got: Record<string, string> = {};

  before(async () => {
    await post('/pods', WEB);
    for (const s of SERVICES) await post('/services', s);
    clusterIP = (await getJson<Service>('/services/web'))!.spec.clusterIP;
    await until(
      'web ready behind its Service',
      async () => {
        const ep = await getJson<Endpoints>('/endpoints/web');
        webIP = ep?.subsets?.[0]?.addresses?.[0]?.ip ?? '';
        return webIP !== '';
      },
      60_000,
    );
    await post('/pods', client(clusterIP));
    await until('client done', async () => ['Succeeded', 'Failed'].includes(await phase('client')), 60_000);
    got = answers(await getText('/pods/client/log?container=client'));
  });

  after(async () => {
    for (const p of ['client', 'web']) await remove(`/pods/${p}?gracePeriodSeconds=0`);
    for (const s of ['web', 'web-headless', 'empty']) await remove(`/services/${s}`);
    await until(
      'pods gone',
      async () => (await phase('web')) === 'absent' && (await phase('client')) === 'absent',
      30_000,
    );
  });

  it('reaches the Service by name and by ClusterIP', () => {
    expect(got['by-name']).to.equal('hello from web');
    expect(got['by-cluster-ip']).to.equal('hello from web');
  });

  it('resolves a headless Service to the pod IP and reaches it by name', () => {
    expect(got['headless-address']).to.equal(webIP);
    expect(got['headless']).to.equal('hello from web');
  });

  it('refuses a Service without endpoints at once', () => {
    expect(got['empty']).to.include('Connection refused');
    expect(Number(got['empty-ms'])).to.be.below(1000);
  });

  it('lets a pod reach itself through its own Service (hairpin)', async () => {
    await until(
      'the self container’s answer',
      async () => (await getText('/pods/web/log?container=self')).includes('hairpin:'),
      60_000,
    );
    expect(await getText('/pods/web/log?container=self')).to.equal('hairpin: hello from web\n');
  });
});
