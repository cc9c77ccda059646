// A pod's own ServiceAccount token at work, end to end: the real kubectl 1.35 in a pod, with nothing but its
// in-cluster config (the projected kube-api-access volume: a token the daemon signed, ca.crt from
// kube-root-ca.crt, the namespace; KUBERNETES_SERVICE_HOST), through the `kubernetes` Service to the API for
// pods, authenticated as its ServiceAccount and authorized by RBAC: nothing beyond discovery until a
// RoleBinding grants `view`, then reads but no writes, and no way to grant itself more.
import { expect } from 'chai';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from '../helpers/harness';
import {
  type KubectlPod,
  POD_KUBECTL,
  SA_DIR,
  kubectlHostDir,
  startKubectlPod,
} from '../helpers/kubectl-pod';

const runtime = new DockerRuntime({ logger: nopLogger });
const USER = 'system:serviceaccount:default:reader';

describe('a pod uses its ServiceAccount token under RBAC (real engine, kubectl in a pod)', function () {
  this.timeout(120_000);
  let h: Harness;
  let pod: KubectlPod;

  /** Runs kubectl in the pod's container with its in-cluster config: its output (stderr too) and exit code. */
  const kubectl = (args: string): ReturnType<KubectlPod['sh']> => pod.sh(`${POD_KUBECTL} ${args}`);

  async function post(url: string, payload: object): Promise<void> {
    const res = await h.api.inject({ method: 'POST', url, payload });
    expect(res.statusCode, res.body).to.equal(201);
  }

  before(async () => {
    h = new Harness({
      runtime,
      proxy: true,
      tokenIssuer: 'daemon',
      flags: ['--allow-host-path', kubectlHostDir()],
    });
    await h.start();
    await post('/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'reader' } });
    pod = await startKubectlPod(h, { serviceAccountName: 'reader' });
  });

  after(async () => {
    await h?.stop();
  });

  it('has the projected token, the CA and the namespace, and authenticates as its ServiceAccount', async () => {
    const files = await kubectl(`version --client >/dev/null; cat ${SA_DIR}/namespace; echo; ls ${SA_DIR}`);
    expect(files.output.split(/\s+/)).to.deep.equal(['default', 'ca.crt', 'namespace', 'token']);
    const who = await kubectl('auth whoami');
    expect(who.exitCode, who.output).to.equal(0);
    expect(who.output).to.match(new RegExp(`^Username\\s+${USER}$`, 'm'));
    expect(who.output).to.match(
      /^Groups\s+\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]$/m,
    );
  });

  it('may not list pods without a binding: Forbidden as upstream words it', async () => {
    const res = await kubectl('get pods');
    expect(res.exitCode).to.not.equal(0);
    expect(res.output).to.contain(
      `pods is forbidden: User "${USER}" cannot list resource "pods" in API group "" in the namespace "default"`,
    );
    expect((await kubectl('auth can-i list pods')).output).to.equal('no');
  });

  it('reads once a RoleBinding grants view, and still may not write', async () => {
    await post('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      metadata: { name: 'reader-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'default' }],
    });
    const pods = await kubectl('get pods -o name');
    expect(pods, pods.output).to.deep.include({ output: 'pod/kubectl', exitCode: 0 });
    expect((await kubectl('auth can-i list pods')).output).to.equal('yes');
    expect((await kubectl('auth can-i delete pods')).output).to.equal('no');
    const del = await kubectl('delete pod kubectl --wait=false');
    expect(del.exitCode).to.not.equal(0);
    expect(del.output).to.contain(
      `pods "kubectl" is forbidden: User "${USER}" cannot delete resource "pods" in API group "" in the namespace "default"`,
    );
    // view reads no Secrets (upstream's view role leaves them out) and nothing in another namespace
    expect((await kubectl('auth can-i get secrets')).output).to.equal('no');
    expect((await kubectl('get pods -n kube-system')).exitCode).to.not.equal(0);
  });

  it('may not grant itself more than it holds', async () => {
    // allowed to write RoleBindings, but binding `admin` needs admin's rules (or `bind`): escalation refused
    await post('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
      metadata: { name: 'binder' },
      rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }],
    });
    await post('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      metadata: { name: 'reader-binder' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'binder' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'default' }],
    });
    const res = await kubectl(
      `create rolebinding escalate --clusterrole=admin --serviceaccount=default:reader`,
    );
    expect(res.exitCode).to.not.equal(0);
    expect(res.output).to.contain('is attempting to grant RBAC permissions not currently held');
    const stored = await h.api.inject({
      method: 'GET',
      url: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/escalate',
    });
    expect(stored.statusCode).to.equal(404);
  });
});
