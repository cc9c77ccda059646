// --image-pull-default: the pull decision for each mode and policy, which engine errors mean "the registry
// never answered" (401 and 404 do not), the per-host cache, and the flag with its alias.
import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import {
  type ImagePullDefault,
  defaultsLikeKubelet,
  isUnreachable,
  planPull,
} from '../../../../agent/images/image-pull-default';
import { RegistryReachability } from '../../../../agent/images/registry-reachability';
import { loadConfig } from '../../../../daemon/config';
import { registryAddress } from '../../../../daemon/registry-probe';

describe('agent/images/image-pull-default', () => {
  it('asks about the registry only for Always in auto mode; every other pull follows its policy', () => {
    const table: [ImagePullDefault, string | undefined, string, boolean][] = [
      ['auto', 'Always', 'always', true],
      ['auto', 'IfNotPresent', 'if-missing', false],
      ['auto', 'Never', 'never', false],
      ['auto', undefined, 'if-missing', false],
      ['kubelet', 'Always', 'always', false],
      ['kubelet', 'IfNotPresent', 'if-missing', false],
      ['offline', 'Always', 'always', false],
      ['offline', 'Never', 'never', false],
    ];
    for (const [mode, policy, pull, checkRegistry] of table)
      expect(planPull(mode, policy), `${mode} ${policy}`).to.deep.equal({ pull, checkRegistry });
  });

  it('defaults an unset policy as the kubelet does in auto and kubelet modes, IfNotPresent offline', () => {
    expect(
      ['auto', 'kubelet', 'offline'].map((m) => defaultsLikeKubelet(m as ImagePullDefault)),
    ).to.deep.equal([true, true, false]);
  });

  it('tells "the registry never answered" (refused, DNS, timeout) from a registry that answered (401, 404, TLS)', () => {
    const unreachable = [
      'Get "https://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused',
      'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.2:53: no such host',
      'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: Temporary failure in name resolution',
      'Get "https://registry-1.docker.io/v2/": dial tcp 54.1.2.3:443: i/o timeout',
      'Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
      'Get "https://10.1.2.3/v2/": context deadline exceeded',
      'dial tcp 10.1.2.3:443: connect: no route to host',
      'connect ECONNREFUSED 127.0.0.1:5000',
      'getaddrinfo ENOTFOUND registry.example',
    ];
    const answered = [
      'Head "https://127.0.0.1:5000/v2/mk/private/manifests/v1": no basic auth credentials',
      'unauthorized: authentication required',
      'manifest for 127.0.0.1:5000/mk/private:v2 not found: manifest unknown: manifest unknown',
      "pull access denied for nothere, repository does not exist or may require 'docker login'",
      'tls: failed to verify certificate: x509: certificate signed by unknown authority',
      'Get "http://127.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client',
    ];
    for (const m of unreachable) expect(isUnreachable(m), m).to.equal(true);
    for (const m of answered) expect(isUnreachable(m), m).to.equal(false);
  });

  it('probes a registry once per 30 s, and a failed pull that never reached it counts as an answer', async () => {
    const clock = new ManualClock();
    const probed: string[] = [];
    let down = true;
    const r = new RegistryReachability({
      clock,
      probe: (host) => {
        probed.push(host);
        return Promise.resolve(down ? 'connect ECONNREFUSED 127.0.0.1:5000' : undefined);
      },
    });
    expect(await r.check('127.0.0.1:5000')).to.deep.equal({
      reachable: false,
      why: 'connect ECONNREFUSED 127.0.0.1:5000',
    });
    down = false;
    clock.advance(29_000);
    expect((await r.check('127.0.0.1:5000')).reachable).to.equal(false);
    expect(probed).to.have.length(1);
    clock.advance(1_000);
    expect((await r.check('127.0.0.1:5000')).reachable).to.equal(true);
    expect(probed).to.have.length(2);
    expect(r.failed('127.0.0.1:5000', 'unauthorized: authentication required')).to.equal(false);
    expect((await r.check('127.0.0.1:5000')).reachable).to.equal(true);
    expect(r.failed('127.0.0.1:5000', 'dial tcp 127.0.0.1:5000: connect: connection refused')).to.equal(true);
    expect((await r.check('127.0.0.1:5000')).reachable).to.equal(false);
    expect(probed).to.have.length(2);
  });

  it('reads --image-pull-default (auto unless told), keeps --pull-latest-always as kubelet, refuses others', () => {
    const mode = (...argv: string[]) => loadConfig(argv, {}, false).imagePullDefault;
    expect(mode()).to.equal('auto');
    expect(mode('--image-pull-default', 'offline')).to.equal('offline');
    expect(mode('--image-pull-default=kubelet')).to.equal('kubelet');
    expect(mode('--pull-latest-always')).to.equal('kubelet');
    expect(loadConfig([], { MINIKUBELET_IMAGE_PULL_DEFAULT: 'offline' }, false).imagePullDefault).to.equal(
      'offline',
    );
    expect(() => mode('--image-pull-default', 'sometimes')).to.throw(/must be auto, kubelet or offline/);
  });

  it('probes the address the engine would dial', () => {
    expect(registryAddress('docker.io')).to.deep.equal({ host: 'registry-1.docker.io', port: 443 });
    expect(registryAddress('127.0.0.1:5000')).to.deep.equal({ host: '127.0.0.1', port: 5000 });
    expect(registryAddress('quay.io')).to.deep.equal({ host: 'quay.io', port: 443 });
    expect(registryAddress('[::1]:5000')).to.deep.equal({ host: '::1', port: 5000 });
  });
});
