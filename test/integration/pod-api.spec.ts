// Pods reach the API as in a cluster: the real kubectl in a pod, through the `default/kubernetes` Service (by its
// DNS name and by its ClusterIP, real iptables) to the API for pods on the gateway, verifying its certificate
// against the daemon's CA, with the admin token copied into the pod by the test (a pod's own ServiceAccount token
// under RBAC: in-cluster-rbac.spec.ts).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { nopLogger } from '../../agent/log';
import type { Endpoints } from '../../agent/model/service';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from '../helpers/harness';
import {
  type KubectlPod,
  POD_KUBECTL as KUBECTL,
  SA_DIR,
  kubectlHostDir,
  startKubectlPod,
} from '../helpers/kubectl-pod';

const runtime = new DockerRuntime({ logger: nopLogger });
/** kubectl at https://kubernetes.default.svc verifying the CA, with a token that is no token. */
const NO_TOKEN = `env -u KUBERNETES_SERVICE_HOST ${KUBECTL} --server=https://kubernetes.default.svc --certificate-authority=${SA_DIR}/ca-only.crt --token=not-a-token`;

describe('the API for pods (real engine, real iptables, kubectl in a pod)', function () {
  this.timeout(120_000);
  let h: Harness;
  let creds: string;
  let gateway: string;
  let pod: KubectlPod;

  before(async () => {
    creds = mkdtempSync(join(tmpdir(), 'mk-pod-api-'));
    h = new Harness({
      runtime,
      proxy: true,
      // the temp dir (the credentials) and kubectl's directory, mounted into the pod
      flags: ['--allow-host-path', `${tmpdir()},${kubectlHostDir()}`],
    });
    await h.start();
    gateway = h.agent.network()!.gateway;
    // What the lead's ServiceAccount token will replace: the admin token and the CA, as the in-cluster files.
    // the pods' listener always has a token, also when the main one (loopback here) asks for none
    writeFileSync(join(creds, 'token'), readFileSync(join(h.dataDir, 'token'), 'utf8').trim());
    writeFileSync(join(creds, 'ca.crt'), h.agent.rootCa ?? '');
    writeFileSync(join(creds, 'namespace'), 'default');
    copyFileSync(join(creds, 'ca.crt'), join(creds, 'ca-only.crt'));
    pod = await startKubectlPod(h, {
      automountServiceAccountToken: false, // these files stand in for its token for now
      mounts: [{ name: 'creds', hostPath: creds, mountPath: SA_DIR }],
    });
  });

  after(async () => {
    await h?.stop();
    if (creds) rmSync(creds, { recursive: true, force: true });
  });

  it('keeps the kubernetes Service on the first ClusterIP, its endpoint the API for pods on the gateway', () => {
    const svc = h.services.get('default', 'kubernetes');
    expect(svc?.spec.clusterIP).to.equal('10.96.0.1');
    expect(svc?.spec.ports).to.deep.equal([{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }]);
    const eps: Endpoints | undefined = h.agent.endpoints.get('default', 'kubernetes');
    expect(eps?.subsets).to.deep.equal([
      { addresses: [{ ip: gateway }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
    ]);
    expect(h.agent.endpointSlices.get('default', 'kubernetes')?.endpoints[0]?.addresses).to.deep.equal([
      gateway,
    ]);
  });

  it('answers /healthz at https://kubernetes.default.svc, its certificate verified against the CA', async () => {
    // No in-cluster config (no KUBERNETES_SERVICE_HOST): the server, the CA and a token that is none (kubectl
    // would prompt for a user without one).
    const res = await pod.sh(`${NO_TOKEN} get --raw /healthz`);
    expect(res, res.output).to.deep.include({ output: 'ok', exitCode: 0 });
  });

  it('asks a pod for a token even though the main listener (loopback) asks for none', async () => {
    const res = await pod.sh(`${NO_TOKEN} get --raw /api`);
    expect(res.exitCode).to.not.equal(0);
    expect(res.output).to.match(/Unauthorized/);
  });

  it('serves /api with a token at https://kubernetes.default.svc', async () => {
    const res = await pod.sh(
      `env -u KUBERNETES_SERVICE_HOST ${KUBECTL} --server=https://kubernetes.default.svc --certificate-authority=${SA_DIR}/ca.crt --token="$(cat ${SA_DIR}/token)" get --raw /api`,
    );
    expect(res.exitCode, res.output).to.equal(0);
    expect(JSON.parse(res.output)).to.deep.include({ kind: 'APIVersions', versions: ['v1'] });
  });

  it('serves kubectl with the in-cluster config: KUBERNETES_SERVICE_HOST, the ClusterIP 10.96.0.1:443', async () => {
    const env = await pod.sh('echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT');
    expect(env.output).to.equal('10.96.0.1:443');
    const res = await pod.sh(`${KUBECTL} get --raw /api`);
    expect(res.exitCode, res.output).to.equal(0);
    expect(JSON.parse(res.output)).to.have.property('kind', 'APIVersions');
    const pods = await pod.sh(`${KUBECTL} get pods -o name`);
    expect(pods.output).to.equal('pod/kubectl');
  });

  it('makes the kubernetes Service again when it is deleted, and pods reach the API through it', async () => {
    const del = await h.api.inject({
      method: 'DELETE',
      url: '/api/v1/namespaces/default/services/kubernetes',
    });
    expect(del.statusCode, del.body).to.equal(200);
    await h.waitFor('the kubernetes Service back', () => h.services.get('default', 'kubernetes'));
    const res = await pod.sh(
      `${KUBECTL} --server=https://10.96.0.1 --certificate-authority=${SA_DIR}/ca.crt --token="$(cat ${SA_DIR}/token)" get --raw /api/v1/namespaces/default/services/kubernetes`,
    );
    expect(res.exitCode, res.output).to.equal(0);
    expect(JSON.parse(res.output)).to.have.nested.property('spec.clusterIP', '10.96.0.1');
    const health = await pod.sh(`${NO_TOKEN} get --raw /healthz`);
    expect(health, health.output).to.deep.include({ output: 'ok', exitCode: 0 });
  });
});
