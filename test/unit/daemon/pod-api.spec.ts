// The API for pods, engine-free: the real wiring (createAgent) on the memory runtime, its listener put on
// loopback through --pod-dns-address (on a real engine it is the pod network's gateway: test/integration/pod-api).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { capturingLogger } from '../../../agent/log';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { podApiNames } from '../../../daemon/pod-api';

interface Answer {
  status: number;
  body: string;
  cert: X509Certificate;
}

/** GET over HTTPS verifying the server against `ca` for the name `servername`. */
const get = (port: number, path: string, ca: string, token?: string): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        ca,
        servername: 'kubernetes.default.svc',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        // read now: the socket is let go once the response ends
        const cert = (
          res.socket as unknown as { getPeerX509Certificate(): X509Certificate }
        ).getPeerX509Certificate();
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cert }));
      },
    );
    req.on('error', reject);
    req.end();
  });

describe('daemon/pod-api (memory runtime, loopback)', function () {
  this.timeout(30_000);
  let h: Harness;
  const port = 19000 + Math.floor(Math.random() * 1000);
  const logger = capturingLogger();

  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({
      runtime: new MemoryRuntime(clock),
      clock,
      logger,
      podApi: true,
      // the main listener is loopback (--auth=auto asks for nothing there): the pods' one asks all the same
      flags: ['--pod-dns-address', '127.0.0.1', '--pod-api-port', String(port)],
    }).start();
  });
  after(async () => h?.stop());

  it('serves HTTPS from the daemon CA with the kubernetes Service names, health open, a token asked for', async () => {
    const ca = h.agent.rootCa ?? '';
    expect(ca).to.match(/BEGIN CERTIFICATE/);
    const health = await get(port, '/healthz', ca);
    expect([health.status, health.body]).to.deep.equal([200, 'ok']);
    for (const name of [
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ])
      expect(health.cert.checkHost(name, { subject: 'never' }), name).to.equal(name);
    expect(health.cert.checkIP('10.96.0.1')).to.equal('10.96.0.1');
    expect(health.cert.checkIP('127.0.0.1')).to.equal('127.0.0.1');
    expect((await get(port, '/api', ca)).status).to.equal(401);
    const token = readFileSync(join(h.dataDir, 'token'), 'utf8').trim();
    const api = await get(port, '/api', ca, token);
    expect(api.status, api.body).to.equal(200);
    expect(JSON.parse(api.body)).to.have.property('kind', 'APIVersions');
    // while the main listener asks for nothing
    expect((await h.api.inject({ url: '/api' })).statusCode).to.equal(200);
  });

  it('is the kubernetes Service endpoint', () => {
    expect(h.agent.endpoints.get('default', 'kubernetes')?.subsets).to.deep.equal([
      { addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port, protocol: 'TCP' }] },
    ]);
    expect(h.services.get('default', 'kubernetes')?.spec.ports[0]?.targetPort).to.equal(port);
  });

  it('says in one line when its port is taken, and the agent runs on', async () => {
    const clock = new ManualClock();
    const second = await new Harness({
      runtime: new MemoryRuntime(clock),
      clock,
      logger,
      podApi: true,
      flags: ['--pod-dns-address', '127.0.0.1', '--pod-api-port', String(port)],
    }).start();
    try {
      expect(logger.records.filter((r) => r.message.startsWith('API for pods not listening'))).to.have.length(
        1,
      );
      expect(second.agent.podApi?.endpoint()).to.equal(undefined);
      expect(second.agent.endpoints.get('default', 'kubernetes')?.subsets).to.equal(undefined);
    } finally {
      await second.stop();
    }
  });

  it('names the Service and the address pods reach it on', () => {
    expect(podApiNames('10.100.0.1', 'example.org', '10.244.0.1')).to.deep.equal({
      dns: [
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.example.org',
      ],
      ips: ['10.100.0.1', '10.244.0.1'],
    });
  });
});
