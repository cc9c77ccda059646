import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorBody } from '../../../../agent/model/field-errors';
import type { Pod } from '../../../../agent/model/pod';
import { type PodPolicy, checkPodPolicy, resolveHostPath } from '../../../../agent/model/pod-policy';

describe('agent/model/pod-policy', () => {
  let dir = '';
  let policy: PodPolicy;
  beforeEach(() => {
    dir = resolveHostPath(mkdtempSync(join(tmpdir(), 'mk-policy-')));
    mkdirSync(join(dir, 'allowed/data'), { recursive: true });
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, 'run/docker.sock'), '');
    symlinkSync(join(dir, 'run'), join(dir, 'allowed/run-link'));
    policy = {
      allowPrivileged: false,
      allowHostPaths: [join(dir, 'allowed')],
      allowDockerSocket: false,
      dockerSockets: [join(dir, 'run/docker.sock')],
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const pod = (spec: Partial<Pod['spec']>, container: object = {}): Pod =>
    ({
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'busybox', ...container }], ...spec },
    }) as unknown as Pod;
  const messages = (p: Pod, pol = policy): string[] =>
    checkPodPolicy(p, pol).map((e) => `${e.field}: ${errorBody(e)}`);

  it('refuses privileged containers, host namespaces and extra capabilities, naming --allow-privileged', () => {
    const out = messages(
      pod(
        { hostNetwork: true, hostPID: true },
        { securityContext: { privileged: true, capabilities: { add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] } } },
      ),
    );
    expect(out).to.deep.equal([
      'spec.hostNetwork: Forbidden: disallowed by cluster policy; start minikubelet with --allow-privileged to allow it',
      'spec.hostPID: Forbidden: disallowed by cluster policy; start minikubelet with --allow-privileged to allow it',
      'spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy; start minikubelet with --allow-privileged to allow it',
      "spec.containers[0].securityContext.capabilities.add[1]: Forbidden: capability SYS_ADMIN is beyond the engine's defaults; start minikubelet with --allow-privileged to allow it",
    ]);
    expect(
      messages(pod({ hostNetwork: true }, { securityContext: { privileged: true } }), {
        ...policy,
        allowPrivileged: true,
      }),
    ).to.deep.equal([]);
  });

  it('allows hostPath volumes only under an allowed directory, after resolving .. and symlinks', () => {
    const vol = (path: string) => pod({ volumes: [{ name: 'v', hostPath: { path } }] });
    expect(messages(vol(join(dir, 'allowed/data')))).to.deep.equal([]);
    expect(messages(vol(join(dir, 'allowed/new/dir')))).to.deep.equal([]); // DirectoryOrCreate may create it
    expect(messages(vol(join(dir, 'allowed/../other')))[0]).to.contain(
      `is not under an allowed host path; start minikubelet with --allow-host-path=${dir}/other`,
    );
    expect(messages(vol('/etc'))[0]).to.equal(
      'spec.volumes[0].hostPath.path: Forbidden: "/etc" is not under an allowed host path; start minikubelet with --allow-host-path=/etc (or a parent directory) to allow it',
    );
  });

  it('never lets the engine socket in, even through an allowed symlink or a parent directory, unless told', () => {
    const vol = (path: string) => pod({ volumes: [{ name: 'v', hostPath: { path } }] });
    expect(messages(vol(join(dir, 'allowed/run-link/docker.sock')))[0])
      .to.contain('exposes the Docker engine socket')
      .and.contain('--allow-docker-socket');
    expect(messages(vol(join(dir, 'allowed/run-link')))[0]).to.contain('exposes the Docker engine socket');
    const open = { ...policy, allowDockerSocket: true, allowHostPaths: [dir] };
    expect(messages(vol(join(dir, 'allowed/run-link/docker.sock')), open)).to.deep.equal([]);
  });
});
