// ServiceAccount tokens in a pod on the real engine: the kube-api-access volume admission adds is seen by the
// container at /var/run/secrets/kubernetes.io/serviceaccount (token, ca.crt, namespace), read-only. The
// Harness's issuer is the deterministic TestTokenIssuer and its CA TEST_ROOT_CA; once the JWT issuer of
// agent/auth/ is on main, pass it as `tokenIssuer` here and check the token's claims instead of its text.
import { expect } from 'chai';
import { nopLogger } from '../../agent/log';
import type { Pod } from '../../agent/model/pod';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from '../helpers/harness';
import { TEST_ROOT_CA } from '../helpers/test-token-issuer';

const DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('ServiceAccount token volume (real engine)', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await new Harness({ runtime: new DockerRuntime({ logger: nopLogger }) }).start();
  });
  after(async () => h.stop());

  it('the container sees token, ca.crt and namespace at the well-known path, read-only', async () => {
    await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces',
      payload: { metadata: { name: 'team' } },
    });
    const res = await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team/pods',
      payload: {
        metadata: { name: 'reader' },
        spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
      },
    });
    expect(res.statusCode, res.body).to.equal(201);
    const pod = await h.waitFor('reader running', () => {
      const p: Pod | undefined = h.pod('reader', 'team');
      return p?.status.containerStatuses?.[0]?.state.running ? p : undefined;
    });
    const id = pod.status.containerStatuses![0]!.containerID!.slice('docker://'.length);
    const sh = async (script: string): Promise<string> =>
      (await h.runtime.exec(id, ['sh', '-c', script], 10_000)).output;
    expect(await sh(`cat ${DIR}/token`)).to.equal('test-token.team.default.reader.1');
    expect(await sh(`cat ${DIR}/namespace`)).to.equal('team');
    expect(await sh(`cat ${DIR}/ca.crt`)).to.equal(TEST_ROOT_CA);
    expect(await sh(`ls ${DIR}`)).to.equal('ca.crt\nnamespace\ntoken\n');
    expect(await sh(`touch ${DIR}/x 2>&1; echo $?`)).to.match(/Read-only file system\n1\n$/);
  });
});
