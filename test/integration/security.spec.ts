// The daemon process with --auth=token --tls (real engine, no pods): the token file, the certificates,
// the kubeconfig it writes, kubectl through that kubeconfig, 401s for everyone else, and the same
// credentials after a restart. Then the unix socket (0660) and --listen 0.0.0.0 (a token by default).
import { expect } from 'chai';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { until, removeDataDir } from '../helpers/daemon';

const MAIN = join(__dirname, '..', '..', 'daemon', 'main.js');
const REPO = resolve(__dirname, '..', '..', '..');

interface Daemon {
  proc: ChildProcess;
  output: () => string;
}

function startDaemon(dataDir: string, flags: string[]): Daemon {
  let out = '';
  const proc = spawn(process.execPath, [MAIN, '--log-format', 'json', ...flags], {
    env: {
      ...process.env,
      MINIKUBELET_DATA_DIR: dataDir,
      MINIKUBELET_DNS_LISTEN: '127.0.0.1:0',
      MINIKUBELET_NETWORK: 'mk-test',
      MINIKUBELET_POD_CIDR: '10.245.0.0/16',
      MINIKUBELET_PROXY: 'none',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { proc, output: () => out };
}

async function stop(d: Daemon | undefined): Promise<void> {
  if (!d || d.proc.exitCode !== null) return;
  const exited = new Promise((r) => d.proc.once('exit', r));
  d.proc.kill('SIGTERM');
  await exited;
}

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(
  url: string,
  opts: { ca?: string; token?: string; socketPath?: string; method?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? 'GET',
        ...(opts.socketPath ? { socketPath: opts.socketPath } : {}),
        ...(opts.ca ? { ca: opts.ca } : {}),
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('security: token, TLS, kubeconfig, unix socket (daemon process)', function () {
  this.timeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-security-'));
  const port = 20000 + Math.floor(Math.random() * 2000);
  const url = `https://127.0.0.1:${port}`;
  let d: Daemon | undefined;
  let kubectlBin: string;
  let token = '';
  let ca = '';
  const kubeconfig = join(dataDir, 'kubeconfig');

  before(() => {
    kubectlBin = resolve(
      REPO,
      execFileSync('bash', ['scripts/install-kubectl.sh'], { cwd: REPO, encoding: 'utf8' }).trim(),
    );
  });
  after(async () => {
    await stop(d);
    removeDataDir(dataDir);
  });

  const kubectl = (args: string[], config = kubeconfig): Promise<{ code: number; out: string }> =>
    new Promise((done) => {
      execFile(
        kubectlBin,
        ['--kubeconfig', config, '--cache-dir', join(dataDir, 'kube-cache'), ...args],
        { timeout: 60_000 },
        (err, stdout, stderr) =>
          done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });

  it('starts with --auth=token --tls: a 0600 token, a CA and a server certificate in a 0700 pki dir', async () => {
    d = startDaemon(dataDir, ['--listen', `127.0.0.1:${port}`, '--auth=token', '--tls']);
    await until('the kubeconfig', async () => d?.output().includes('"message":"API listening"') || undefined);
    token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
    ca = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(mode(join(dataDir, 'token'))).to.equal(0o600);
    expect(mode(join(dataDir, 'pki'))).to.equal(0o700);
    for (const f of ['ca.key', 'ca.crt', 'server.key', 'server.crt'])
      expect(mode(join(dataDir, 'pki', f)), f).to.equal(0o600);
    const cert = new X509Certificate(readFileSync(join(dataDir, 'pki', 'server.crt')));
    expect(cert.checkIssued(new X509Certificate(ca))).to.equal(true);
    expect(cert.checkIP('127.0.0.1')).to.equal('127.0.0.1');
    expect(d.output()).to.contain('"auth":"token"').and.contain('"tls":true');
  });

  it('writes a 0600 kubeconfig with the https URL, the token and the CA (no insecure-skip-tls-verify)', () => {
    expect(mode(kubeconfig)).to.equal(0o600);
    const cfg = parse(readFileSync(kubeconfig, 'utf8')) as {
      clusters: { cluster: Record<string, string> }[];
      users: { user: Record<string, string> }[];
    };
    expect(cfg.clusters[0]?.cluster).to.deep.equal({
      server: url,
      'certificate-authority-data': Buffer.from(ca).toString('base64'),
    });
    expect(cfg.users[0]?.user).to.deep.equal({ token });
  });

  it('keeps /healthz open, refuses everything else without the token with a 401 Status, over TLS only', async () => {
    expect((await until('healthz', () => request(`${url}/healthz`, { ca }))).status).to.equal(200);
    const refused = await request(`${url}/api/v1/namespaces/default/pods`, { ca });
    expect(refused.status).to.equal(401);
    expect(JSON.parse(refused.body)).to.include({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await request(`${url}/pods`, { ca, token: 'wrong' })).status).to.equal(401);
    expect((await request(`${url}/pods`, { ca, token })).status).to.equal(200);
    // Plain HTTP on the TLS port gets no API answer.
    const plain = await request(`http://127.0.0.1:${port}/pods`).catch((e: Error) => ({
      status: 0,
      body: e.message,
      headers: {},
    }));
    expect(plain.status).to.not.equal(200);
    // A client that does not trust the CA stops at the handshake.
    let error = '';
    await request(`${url}/healthz`).catch((e: Error) => (error = e.message));
    expect(error).to.match(/self.signed|unable to verify|certificate/i);
  });

  it('logs the refusals once per source address', () => {
    const lines = d
      ?.output()
      .split('\n')
      .filter((l) => l.includes('unauthenticated request refused'));
    expect(lines).to.have.length(1);
    expect(lines?.[0]).to.contain('"source":"127.0.0.1"').and.not.contain('wrong');
  });

  it('kubectl works through the generated kubeconfig; without the token it is Unauthorized', async () => {
    const ok = await kubectl(['get', 'namespaces', '-o', 'name']);
    expect(ok.code, ok.out).to.equal(0);
    expect(ok.out).to.contain('namespace/default');
    const pods = await kubectl(['get', 'pods']);
    expect(pods.code, pods.out).to.equal(0);
    const noToken = join(dataDir, 'kubeconfig-no-token');
    writeFileSync(noToken, readFileSync(kubeconfig, 'utf8').replace(token, 'not-the-token'), { mode: 0o600 });
    const denied = await kubectl(['get', 'pods'], noToken);
    expect(denied.code).to.not.equal(0);
    expect(denied.out).to.match(/Unauthorized|must be logged in/);
    const noCa = join(dataDir, 'kubeconfig-no-ca');
    writeFileSync(
      noCa,
      readFileSync(kubeconfig, 'utf8').replace(
        /certificate-authority-data: .*/,
        'insecure-skip-tls-verify: false',
      ),
      { mode: 0o600 },
    );
    const untrusted = await kubectl(['get', 'pods'], noCa);
    expect(untrusted.code).to.not.equal(0);
    expect(untrusted.out).to.match(/certificate|x509/i);
  });

  it('keeps the token and the CA across a restart: the same kubeconfig keeps working', async () => {
    await stop(d);
    d = startDaemon(dataDir, ['--listen', `127.0.0.1:${port}`, '--auth=token', '--tls']);
    await until('restarted', async () => d?.output().includes('"message":"API listening"') || undefined);
    expect(readFileSync(join(dataDir, 'token'), 'utf8').trim()).to.equal(token);
    expect(readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8')).to.equal(ca);
    const again = await kubectl(['get', 'pods']);
    expect(again.code, again.out).to.equal(0);
    await stop(d);
  });

  it('serves a unix socket of mode 0660, no token needed by default', async () => {
    const socketPath = join(dataDir, 'api.sock');
    d = startDaemon(dataDir, ['--listen', `unix:${socketPath}`]);
    await until('socket', async () => d?.output().includes('"message":"API listening"') || undefined);
    expect(statSync(socketPath).isSocket()).to.equal(true);
    expect(mode(socketPath)).to.equal(0o660);
    const res = await request('http://localhost/pods', { socketPath });
    expect(res.status).to.equal(200);
    await stop(d);
  });

  it('asks for the token by default on a non-loopback address (--listen 0.0.0.0)', async () => {
    const plainPort = port + 1;
    d = startDaemon(dataDir, ['--listen', `0.0.0.0:${plainPort}`]);
    await until('listening', async () => d?.output().includes('"message":"API listening"') || undefined);
    expect(d.output()).to.contain('"auth":"token"');
    expect((await request(`http://127.0.0.1:${plainPort}/pods`)).status).to.equal(401);
    expect((await request(`http://127.0.0.1:${plainPort}/pods`, { token })).status).to.equal(200);
    expect((await request(`http://127.0.0.1:${plainPort}/readyz`)).status).to.be.oneOf([200, 503]);
    const cfg = parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: Record<string, string> }[] };
    expect(cfg.users[0]?.user).to.deep.equal({ token });
    await stop(d);
  });
});
