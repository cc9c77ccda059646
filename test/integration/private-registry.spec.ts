// Private registries on the real engine: Debian's docker-registry (the CNCF distribution registry) started
// here on the pod network's gateway (a host address: traffic stays on the machine) with htpasswd auth and TLS
// from a CA made here (openssl), trusted by dockerd through /etc/docker/certs.d/<host:port>/ca.crt. An image
// pushed there is pulled by a pod with a dockerconfigjson image pull secret; without it, or with a wrong
// password, the pod shows ErrImagePull with the registry's 401, then ImagePullBackOff. Pull events are
// worded as upstream's. --image-pull-default=auto: :latest pulled while the registry answers, a 401 stays
// ErrImagePull, the local image with a Warning once the registry is gone.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Docker from 'dockerode';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { freePort } from '../../tools/free-port';
import { follow, waitForPort } from '../../bench/loopback-registry';
import { Harness } from '../helpers/harness';

const NS = '/api/v1/namespaces/default';
const USER = 'mk-user';
const PASSWORD = 'mk-registry-pw-5521';

/** Installs what the test needs on a fresh machine (Debian packages), once. */
function ensurePackages(): void {
  const missing = [
    ['docker-registry', '/usr/bin/docker-registry'],
    ['apache2-utils', '/usr/bin/htpasswd'],
  ].filter(([, bin]) => !existsSync(bin ?? ''));
  if (missing.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
  execFileSync(
    'apt-get',
    ['install', '-y', '-q', '--no-install-recommends', ...missing.map(([p]) => p ?? '')],
    {
      env,
      stdio: 'ignore',
    },
  );
}

/** A CA and a server certificate for the address ip signed by it (EC keys: fast). */
function makeTls(dir: string, ip: string): void {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=minikubelet test CA',
  );
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${ip}`);
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=IP:${ip}\n`);
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  );
}

const dockerConfig = (host: string, password: string): string =>
  JSON.stringify({
    auths: {
      [host]: { username: USER, password, auth: Buffer.from(`${USER}:${password}`).toString('base64') },
    },
  });

describe('private registries: image pull secrets against a real registry (htpasswd, TLS)', function () {
  this.timeout(120_000);
  const docker = new Docker();
  let dir: string;
  let certsDir: string;
  let registry: ChildProcess | undefined;
  let host: string;
  let image: string;
  let h: Harness;

  let latest: string;
  let port: number;
  let config: string;
  const startRegistry = async (ip: string): Promise<void> => {
    registry = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: 'ignore' });
    await waitForPort(ip, port, 10_000);
  };

  before(async () => {
    ensurePackages();
    // The pod network first: the registry listens on its gateway, a host address on the project's own
    // bridge. Traffic stays on this machine, and dockerd does not treat it as an insecure registry as it
    // does 127.0.0.0/8 (where, after a 401, it retries over plain HTTP and reports that failure instead).
    h = await new Harness({
      runtime: new DockerRuntime({ logger: nopLogger }),
      backoffInitialMs: 500,
      flags: ['--image-pull-default', 'auto'],
    }).start();
    const ip = h.agent.network()?.gateway ?? '';
    expect(ip).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    dir = mkdtempSync(join(tmpdir(), 'mk-registry-'));
    makeTls(dir, ip);
    writeFileSync(join(dir, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', USER, PASSWORD]));
    port = await freePort();
    host = `${ip}:${port}`;
    image = `${host}/mk/private:v1`;
    latest = `${host}/mk/private:latest`;
    config = join(dir, 'config.yml');
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log: { level: error }',
        `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} } }`,
        `http: { addr: "${host}", tls: { certificate: ${join(dir, 'server.crt')}, key: ${join(dir, 'server.key')} } }`,
        `auth: { htpasswd: { realm: minikubelet-test, path: ${join(dir, 'htpasswd')} } }`,
        '',
      ].join('\n'),
    );
    // dockerd reads this directory at each pull: no restart.
    certsDir = `/etc/docker/certs.d/${host}`;
    mkdirSync(certsDir, { recursive: true });
    execFileSync('cp', [join(dir, 'ca.crt'), join(certsDir, 'ca.crt')]);
    await startRegistry(ip);
    const auth = { username: USER, password: PASSWORD, serveraddress: host };
    for (const tag of ['v1', 'latest']) {
      await docker.getImage('busybox:latest').tag({ repo: `${host}/mk/private`, tag });
      await follow(docker, await docker.getImage(`${host}/mk/private:${tag}`).push({ authconfig: auth }));
      await docker.getImage(`${host}/mk/private:${tag}`).remove(); // the pods must pull it
    }
  });

  after(async () => {
    await h?.stop();
    for (const ref of [image, latest])
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
    registry?.kill();
    rmSync(certsDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const secret = async (name: string, password: string): Promise<void> => {
    const res = await h.api.inject({
      method: 'POST',
      url: `${NS}/secrets`,
      payload: {
        kind: 'Secret',
        metadata: { name },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': dockerConfig(host, password) },
      },
    });
    expect(res.statusCode, res.body).to.equal(201);
  };
  const pod = (name: string, pullSecret?: string, ref = image) =>
    h.createPod({
      metadata: { name },
      spec: {
        containers: [{ name: 'app', image: ref, command: ['sleep', '3600'] }],
        ...(pullSecret ? { imagePullSecrets: [{ name: pullSecret }] } : {}),
      },
    });
  const waiting = (name: string) => h.pod(name)?.status.containerStatuses?.[0]?.state.waiting;
  const events = (name: string) => h.events.list({ uid: h.pod(name)?.metadata.uid ?? '' });

  it('pulls with the Secret: Pulling, then Successfully pulled with time and size, then Running', async () => {
    await secret('regcred', PASSWORD);
    await pod('with-secret', 'regcred');
    await h.waitFor(
      'Running',
      () => h.pod('with-secret')?.status.containerStatuses?.[0]?.state.running,
      60_000,
    );
    const messages = events('with-secret').map((e) => `${e.reason}: ${e.message}`);
    expect(messages).to.include(`Pulling: Pulling image "${image}"`);
    const pulled = messages.find((m) => m.startsWith('Pulled: '));
    expect(pulled).to.match(
      new RegExp(
        `^Pulled: Successfully pulled image "${image.replace(/[.[\]]/g, '\\$&')}" in ([\\d.]+m?s) \\(\\1 including waiting\\)\\. Image size: \\d+ bytes\\.$`,
      ),
    );
    expect(JSON.stringify(events('with-secret'))).to.not.include(PASSWORD);
    await docker.getImage(image).remove({ force: true }); // the next pods pull again
  });

  for (const [title, name, pullSecret] of [
    ['without a Secret', 'no-secret', undefined],
    ['with a wrong password', 'wrong-password', 'badcred'],
  ] as const) {
    it(`${title}: ErrImagePull with the registry's answer, then ImagePullBackOff`, async () => {
      if (pullSecret) await secret(pullSecret, 'not-the-password');
      await pod(name, pullSecret);
      await h.waitFor('ErrImagePull', () => waiting(name)?.reason === 'ErrImagePull', 60_000);
      const message = waiting(name)?.message ?? '';
      expect(message).to.match(new RegExp(`^Failed to pull image "${image.replace(/[.[\]]/g, '\\$&')}": `));
      // The registry's 401: its error body with a wrong password; without credentials the engine words the
      // 401's Basic challenge as "no basic auth credentials" (as it does for every registry).
      const registryAnswer = pullSecret
        ? /unauthorized: authentication required/
        : /no basic auth credentials/;
      expect(message, message).to.match(registryAnswer);
      await h.waitFor('ImagePullBackOff', () => waiting(name)?.reason === 'ImagePullBackOff', 30_000);
      expect(waiting(name)?.message).to.equal(`Back-off pulling image "${image}"`);
      expect(events(name).find((e) => e.reason === 'Failed')?.type).to.equal('Warning');
    });
  }

  describe('--image-pull-default=auto', () => {
    const running = (name: string) => h.pod(name)?.status.containerStatuses?.[0]?.state.running;
    const reasons = (name: string) => events(name).map((e) => `${e.type} ${e.reason}: ${e.message}`);

    it('pulls a :latest image as the kubelet does (imagePullPolicy Always) while its registry answers', async () => {
      await pod('auto-pulls', 'regcred', latest);
      expect(h.pod('auto-pulls')?.spec.containers[0]?.imagePullPolicy).to.equal('Always');
      await h.waitFor('Running', () => running('auto-pulls'), 60_000);
      expect(reasons('auto-pulls')).to.include(`Normal Pulling: Pulling image "${latest}"`);
    });

    it("keeps a registry's 401 an ErrImagePull (it answered), although the image is local", async () => {
      await pod('auto-401', undefined, latest);
      await h.waitFor('ErrImagePull', () => waiting('auto-401')?.reason === 'ErrImagePull', 60_000);
      expect(waiting('auto-401')?.message).to.match(/no basic auth credentials/);
      expect(reasons('auto-401').some((r) => r.includes('RegistryUnreachable'))).to.equal(false);
    });

    it('starts from the local image with a Warning when the registry stops answering', async () => {
      registry?.kill();
      registry = undefined;
      await pod('auto-offline', 'regcred', latest);
      await h.waitFor('Running', () => running('auto-offline'), 60_000);
      const warning = reasons('auto-offline').find((r) => r.includes('RegistryUnreachable')) ?? '';
      expect(warning).to.match(
        new RegExp(
          `^Warning RegistryUnreachable: Registry ${host.replace(/\./g, '\\.')} could not be reached \\(.*connection refused\\); using image "${latest.replace(/[.[\]]/g, '\\$&')}" already present on the machine instead of pulling it`,
        ),
      );
      expect(reasons('auto-offline')).to.include(
        `Normal Pulled: Container image "${latest}" already present on machine`,
      );
    });
  });
});
