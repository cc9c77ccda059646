import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensurePki, ensureToken, isLoopback, serverNames, tokenRequired } from '../../../daemon/api-access';
import { ManualClock } from '../../../agent/clock';
import { loadConfig } from '../../../daemon/config';
import { errorCode } from '../../../agent/errors';
import { kubeconfigText } from '../../../daemon/kubeconfig';
import { type LogRecord, capturingLogger } from '../../../agent/log';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { authenticate, digest } from '../../../api/auth';
import { ADMIN_USER, UNAUTHENTICATED_USER } from '../../../api/authn/user-info';
import { Harness } from '../../helpers/harness';

const POD = { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };

describe('api/auth (bearer tokens)', () => {
  let h: Harness;
  let token: string;
  const records: LogRecord[] = [];
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({
      runtime: new MemoryRuntime(clock),
      clock,
      flags: ['--auth=token'],
      logger: capturingLogger(records),
    }).start();
    token = readFileSync(join(h.dataDir, 'token'), 'utf8').trim();
  });
  after(async () => h.stop());

  const get = (url: string, authorization?: string, remoteAddress = '127.0.0.1') =>
    h.api.inject({ url, remoteAddress, ...(authorization ? { headers: { authorization } } : {}) });

  it('makes a random token in <data-dir>/token, mode 0600, and the agent uses it', () => {
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(h.dataDir, 'token')).mode & 0o777).to.equal(0o600);
    expect(h.agent.access.token).to.equal(token);
  });

  it('answers 401 with a Kubernetes Status Unauthorized without a token or with a wrong one', async () => {
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${token}x`, `Basic ${token}`, 'Bearer', token]) {
      const res = await get('/pods', auth);
      expect(res.statusCode, String(auth)).to.equal(401);
      expect(res.json()).to.deep.equal({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
      expect(res.headers['www-authenticate']).to.equal('Bearer realm="minikubelet"');
    }
  });

  it('serves a request that carries the token (the scheme in any case)', async () => {
    expect((await get('/pods', `Bearer ${token}`)).statusCode).to.equal(200);
    expect((await get('/api/v1/namespaces/default/pods', `bearer ${token}`)).statusCode).to.equal(200);
  });

  it('leaves the health probes open, and nothing else: unknown paths are 401 too', async () => {
    for (const path of ['/healthz', '/livez', '/readyz', '/healthz?verbose=1'])
      expect((await get(path)).statusCode, path).to.equal(200);
    expect((await get('/no/such/path')).statusCode).to.equal(401);
    expect((await get('/version')).statusCode).to.equal(401);
  });

  it('refuses before reading the body: a malformed body without a token is 401, not 400', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: '/pods',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(res.statusCode).to.equal(401);
    const ok = await h.api.inject({
      method: 'POST',
      url: '/pods',
      headers: { authorization: `Bearer ${token}` },
      payload: POD,
    });
    expect(ok.statusCode).to.equal(201);
  });

  it('logs a refusal once per source address, without the token or the query string', async () => {
    records.length = 0;
    for (let i = 0; i < 5; i++) await get('/pods?secret=1', 'Bearer nope', '192.0.2.7');
    await get('/pods', undefined, '192.0.2.8');
    const lines = records.filter((r) => r.message.startsWith('unauthenticated request refused'));
    expect(lines.map((r) => r.fields['source'])).to.deep.equal(['192.0.2.7', '192.0.2.8']);
    expect(lines[0]?.fields).to.include({ path: '/pods', reason: 'invalid', method: 'GET' });
    expect(JSON.stringify(lines)).not.to.contain('nope').and.not.to.contain('secret');
  });

  it('keeps the token across restarts', async () => {
    const again = new Harness({
      runtime: new MemoryRuntime(new ManualClock()),
      dataDir: h.dataDir,
      flags: ['--auth=token'],
    });
    try {
      expect(again.agent.access.token).to.equal(token);
    } finally {
      await again.agent.stop();
    }
  });
});

describe('api/auth defaults', () => {
  it('needs no token on loopback (the default), as before', async () => {
    const h = new Harness({ runtime: new MemoryRuntime(new ManualClock()) });
    try {
      expect(h.agent.access.token).to.equal(undefined);
      expect((await h.api.inject({ url: '/pods' })).statusCode).to.equal(200);
    } finally {
      await h.agent.stop();
    }
  });

  it('--auth=auto asks for a token on any non-loopback address, not on loopback or a unix socket', () => {
    const need = (...argv: string[]): boolean => tokenRequired(loadConfig(argv, {}, false));
    expect(need()).to.equal(false);
    expect(need('--listen', '127.0.0.2:1')).to.equal(false);
    expect(need('--listen', '[::1]:1')).to.equal(false);
    expect(need('--listen', 'localhost:1')).to.equal(false);
    expect(need('--listen', 'unix:/run/mk.sock')).to.equal(false);
    expect(need('--listen', '0.0.0.0:10250')).to.equal(true);
    expect(need('--listen', '[::]:10250')).to.equal(true);
    expect(need('--listen', '192.168.1.5:10250')).to.equal(true);
    expect(need('--listen', '0.0.0.0:1', '--auth=none')).to.equal(false);
    expect(need('--auth=token')).to.equal(true);
  });

  it('reads --listen unix:/path, --auth and --tls, and refuses bad values', () => {
    const c = loadConfig(['--listen', 'unix:/run/mk.sock', '--tls', '--auth', 'token'], {}, false);
    expect(c).to.include({ listenSocket: '/run/mk.sock', auth: 'token', tls: true });
    expect(loadConfig([], {}, false)).to.include({ listenSocket: '', auth: 'auto', tls: false });
    for (const argv of [['--auth', 'maybe'], ['--listen', 'unix:relative.sock'], ['--tls=yes']]) {
      expect(() => loadConfig(argv, {}, false), argv.join(' '))
        .to.throw()
        .that.satisfies((e: unknown) => errorCode(e) === 'BadRequest');
    }
  });

  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1'])
      expect(isLoopback(a), a).to.equal(true);
    for (const a of ['0.0.0.0', '10.0.0.1', '::', '128.0.0.1', '127.0.0.1.evil', ''])
      expect(isLoopback(a), a).to.equal(false);
  });
});

describe('authenticate (the bearer header)', () => {
  const expected = digest('s3cret');
  const noTokens = { authenticate: () => ({ ok: false as const, error: 'invalid bearer token' }) };
  it('accepts only `Bearer <token>` with the exact token', () => {
    expect(authenticate('Bearer s3cret', expected, noTokens)).to.deep.equal({ user: ADMIN_USER });
    expect(authenticate('BEARER  s3cret ', expected, noTokens)).to.deep.equal({ user: ADMIN_USER });
    expect(authenticate(undefined, expected, noTokens)).to.deep.equal({ refused: 'missing' });
    expect(authenticate('', expected, noTokens)).to.deep.equal({ refused: 'missing' });
    for (const h of [
      'Bearer s3cre',
      'Bearer s3cret2',
      'Bearer s3cret x',
      's3cret',
      'Basic s3cret',
      'Bearer ',
    ])
      expect(authenticate(h, expected, noTokens), h).to.deep.equal({ refused: 'invalid' });
  });

  it('without an admin token: no credentials is the unauthenticated user, a wrong bearer token is refused', () => {
    expect(authenticate(undefined, undefined, noTokens)).to.deep.equal({ user: UNAUTHENTICATED_USER });
    expect(authenticate('Basic x', undefined, noTokens)).to.deep.equal({ user: UNAUTHENTICATED_USER });
    expect(authenticate('Bearer s3cret', undefined, noTokens)).to.deep.equal({ refused: 'invalid' });
  });
});

describe('daemon/api-access (token file and certificates)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mk-access-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a token 0600 once and reads it back; tightens a file others could read', () => {
    const path = join(dir, 'token');
    const t = ensureToken(path);
    expect(ensureToken(path)).to.equal(t);
    writeFileSync(path, `${t}\n`, { mode: 0o644 });
    expect(ensureToken(path)).to.equal(t);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
  });

  it('refuses a token file that holds no token, rather than serve with a weak one', () => {
    const path = join(dir, 'token');
    writeFileSync(path, 'short\n', { mode: 0o600 });
    expect(() => ensureToken(path)).to.throw(/does not hold a token/);
  });

  it('writes the token and the CA into the kubeconfig, and no insecure-skip-tls-verify with a CA', () => {
    const cfg = parse(kubeconfigText('https://127.0.0.1:1', 'default', { token: 'tok', ca: 'PEM' })) as {
      clusters: { cluster: Record<string, unknown> }[];
      users: { user: Record<string, unknown> }[];
    };
    expect(cfg.clusters[0]?.cluster).to.deep.equal({
      server: 'https://127.0.0.1:1',
      'certificate-authority-data': Buffer.from('PEM').toString('base64'),
    });
    expect(cfg.users[0]?.user).to.deep.equal({ token: 'tok' });
  });

  it('names loopback, the host and a given address in the server certificate', () => {
    const n = serverNames('10.1.2.3');
    expect(n.ips).to.include.members(['127.0.0.1', '::1', '10.1.2.3']);
    expect(n.dns).to.include('localhost');
    expect(serverNames('0.0.0.0').ips).to.include('127.0.0.1');
  });

  it('makes a CA and a server certificate it signed, 0600 in a 0700 dir, and keeps them', function () {
    this.timeout(20_000);
    const pki = join(dir, 'pki');
    const names = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };
    const first = ensurePki(pki, names);
    const ca = new X509Certificate(first.ca);
    const cert = new X509Certificate(first.cert);
    expect(ca.ca).to.equal(true);
    expect(cert.ca).to.equal(false);
    expect(cert.checkIssued(ca) && cert.verify(ca.publicKey)).to.equal(true);
    expect(cert.checkIP('127.0.0.1')).to.equal('127.0.0.1');
    expect(cert.checkIP('::1')).to.not.equal(undefined);
    expect(cert.checkHost('localhost')).to.equal('localhost');
    expect(cert.keyUsage ?? []).to.include('1.3.6.1.5.5.7.3.1'); // serverAuth
    expect(statSync(pki).mode & 0o777).to.equal(0o700);
    for (const f of ['ca.key', 'ca.crt', 'server.key', 'server.crt'])
      expect(statSync(join(pki, f)).mode & 0o777, f).to.equal(0o600);
    const second = ensurePki(pki, names);
    expect(second).to.deep.equal(first);
    // A new address: a new server certificate from the same CA, so kubeconfigs stay valid.
    const third = ensurePki(pki, { dns: names.dns, ips: [...names.ips, '10.9.8.7'] });
    expect(third.ca).to.equal(first.ca);
    expect(third.cert).to.not.equal(first.cert);
    expect(new X509Certificate(third.cert).checkIP('10.9.8.7')).to.equal('10.9.8.7');
  });

  it('says what to install when --tls finds no openssl command', () => {
    const path = process.env['PATH'];
    process.env['PATH'] = dir; // an empty directory: no openssl on it
    try {
      expect(() => ensurePki(join(dir, 'pki'), { dns: ['localhost'], ips: ['127.0.0.1'] })).to.throw(
        /--tls needs the openssl command .*apt-get install openssl/,
      );
    } finally {
      process.env['PATH'] = path;
    }
  });

  it('makes the server certificate again when it is about to expire', function () {
    this.timeout(20_000);
    const pki = join(dir, 'pki');
    const names = { dns: ['localhost'], ips: ['127.0.0.1'] };
    const first = ensurePki(pki, names);
    const later = Date.now() + 380 * 86_400_000;
    const renewed = ensurePki(pki, names, undefined, later);
    expect(renewed.ca).to.equal(first.ca);
    expect(renewed.cert).to.not.equal(first.cert);
  });
});
