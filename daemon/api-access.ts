// Who may use the API (SECURITY.md): a bearer token in <data-dir>/token and, with --tls, a CA and a server
// certificate under <data-dir>/pki. Both are made at first start and kept, so kubeconfigs stay valid across
// restarts. Node has no X.509 writer: the certificates come from the `openssl` command (Debian's openssl
// package); the keys are made by Node and written 0600 before openssl sees them.
import { execFileSync } from 'node:child_process';
import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Config } from './config';
import { MiniKubeletError, errorMessage } from '../agent/errors';
import type { Logger } from '../agent/log';

export interface ApiAccess {
  /** The token every request but the health probes must carry; undefined: no authentication. */
  token?: string;
  /** HTTPS material (PEM): the server's key and certificate, and the CA that signed it (for clients). */
  tls?: { key: string; cert: string; ca: string };
}

/** The subjectAltNames of a server certificate. */
export interface CertNames {
  dns: string[];
  ips: string[];
}

/** A token is 32 random bytes, base64url: 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]{32,512}$/;
const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
/** Under the 398 days browsers and Go accept for a server certificate. */
const SERVER_DAYS = 397;
/** A server certificate that expires sooner is made again at start. */
const RENEW_BEFORE_MS = 30 * DAY_MS;

export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./i.test(host);

/** --auth=auto asks for a token unless the API is reachable from this host only (loopback, unix socket). */
export function tokenRequired(config: Pick<Config, 'auth' | 'listen' | 'listenSocket'>): boolean {
  if (config.auth !== 'auto') return config.auth === 'token';
  return !config.listenSocket && !isLoopback(config.listen.host);
}

function writePrivate(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** <data-dir>/token: read if present (and made 0600 again if it was not), else made. */
export function ensureToken(path: string, logger?: Logger): string {
  if (existsSync(path)) {
    const st = lstatSync(path);
    if (!st.isFile())
      throw new MiniKubeletError(
        'InternalError',
        `${path} is not a regular file; remove it to have a token made`,
      );
    if ((st.mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      logger?.warn('token file was readable by others; made it 0600', { path });
    }
    const token = readFileSync(path, 'utf8').trim();
    if (!TOKEN_PATTERN.test(token))
      throw new MiniKubeletError(
        'InternalError',
        `${path} does not hold a token (32 to 512 characters of base64 or URL-safe text); remove it to have one made`,
      );
    return token;
  }
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  writePrivate(path, `${token}\n`);
  logger?.info('API token made', { path });
  return token;
}

/** The names a server certificate must hold for a listen address: loopback, this host, its addresses. */
export function serverNames(listenHost: string): CertNames {
  const dns = new Set(['localhost']);
  const ips = new Set(['127.0.0.1', '::1']);
  const host = hostname();
  if (/^[A-Za-z0-9.-]+$/.test(host)) dns.add(host.toLowerCase());
  if (listenHost === '0.0.0.0' || listenHost === '::') {
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) if (!a.address.includes('%')) ips.add(a.address);
  } else if (isIP(listenHost)) ips.add(listenHost);
  else if (listenHost && /^[A-Za-z0-9.-]+$/.test(listenHost)) dns.add(listenHost.toLowerCase());
  return { dns: [...dns], ips: [...ips] };
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MiniKubeletError(
        'InternalError',
        '--tls needs the openssl command to make its certificate: apt-get install openssl (or start without --tls)',
      );
    }
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new MiniKubeletError(
      'InternalError',
      `openssl ${args[0] ?? ''} failed: ${stderr || errorMessage(err)}`,
    );
  }
}

const newKey = (path: string): void =>
  writePrivate(
    path,
    generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey,
  );

/** A positive serial of 16 random bytes (RFC 5280 allows up to 20). */
const serial = (): string => {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return `0x${b.toString('hex')}`;
};

function makeCa(dir: string): void {
  const key = join(dir, 'ca.key');
  const cnf = join(dir, 'ca.cnf');
  newKey(key);
  writeFileSync(
    cnf,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      'x509_extensions = ext',
      '[dn]',
      `CN = minikubelet CA (${hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'host'})`,
      '[ext]',
      'basicConstraints = critical,CA:TRUE,pathlen:0',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  try {
    openssl([
      'req',
      '-x509',
      '-config',
      cnf,
      '-key',
      key,
      '-days',
      String(CA_DAYS),
      '-set_serial',
      serial(),
      '-sha256',
      '-out',
      join(dir, 'ca.crt'),
    ]);
  } finally {
    rmSync(cnf, { force: true });
  }
}

function makeServer(dir: string, base: string, names: CertNames): void {
  const key = join(dir, `${base}.key`);
  const cnf = join(dir, `${base}.cnf`);
  const csr = join(dir, `${base}.csr`);
  newKey(key);
  const san = [...names.dns.map((d) => `DNS:${d}`), ...names.ips.map((ip) => `IP:${ip}`)].join(',');
  writeFileSync(
    cnf,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = minikubelet',
      '[ext]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = ${san}`,
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  try {
    openssl(['req', '-new', '-config', cnf, '-key', key, '-out', csr]);
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      join(dir, 'ca.crt'),
      '-CAkey',
      join(dir, 'ca.key'),
      '-set_serial',
      serial(),
      '-days',
      String(SERVER_DAYS),
      '-sha256',
      '-extfile',
      cnf,
      '-extensions',
      'ext',
      '-out',
      join(dir, `${base}.crt`),
    ]);
  } finally {
    rmSync(cnf, { force: true });
    rmSync(csr, { force: true });
  }
}

/** Whether the server certificate `<base>.crt` in dir is signed by the CA, valid a while longer and names every name. */
function serverCertOk(
  dir: string,
  base: string,
  ca: X509Certificate,
  names: CertNames,
  now: number,
): boolean {
  if (!existsSync(join(dir, `${base}.crt`)) || !existsSync(join(dir, `${base}.key`))) return false;
  try {
    const cert = new X509Certificate(readFileSync(join(dir, `${base}.crt`)));
    return (
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      Date.parse(cert.validTo) - now > RENEW_BEFORE_MS &&
      names.dns.every((d) => cert.checkHost(d, { subject: 'never' }) !== undefined) &&
      names.ips.every((ip) => cert.checkIP(ip) !== undefined)
    );
  } catch {
    return false;
  }
}

/** Whether the `openssl` command is there (Node has no X.509 writer). */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * <data-dir>/pki/ca.crt and ca.key: made once and kept (clients trust it), made again only when unreadable or
 * expired. The PEM of its certificate, and whether it was made just now (every server certificate then is too).
 */
export function ensureCa(dir: string, logger?: Logger, now = Date.now()): { pem: string; fresh: boolean } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  let caOk = false;
  if (existsSync(join(dir, 'ca.crt')) && existsSync(join(dir, 'ca.key'))) {
    try {
      const ca = new X509Certificate(readFileSync(join(dir, 'ca.crt')));
      caOk = ca.ca && Date.parse(ca.validTo) > now;
    } catch {
      caOk = false;
    }
  }
  if (!caOk) {
    makeCa(dir);
    logger?.info('API certificate authority made', { path: join(dir, 'ca.crt') });
  }
  for (const f of ['ca.key', 'ca.crt']) chmodSync(join(dir, f), 0o600);
  return { pem: readFileSync(join(dir, 'ca.crt'), 'utf8'), fresh: !caOk };
}

/**
 * A server certificate `<base>.crt`/`<base>.key` in dir signed by its CA (ensureCa), made again when a name is
 * missing (e.g. a new --listen address), when it nears expiry or when the CA is new. All 0600 in a 0700 dir.
 */
export function ensureServerCert(
  dir: string,
  base: string,
  names: CertNames,
  logger?: Logger,
  now = Date.now(),
): { key: string; cert: string; ca: string } {
  const ca = ensureCa(dir, logger, now);
  if (ca.fresh || !serverCertOk(dir, base, new X509Certificate(ca.pem), names, now)) {
    makeServer(dir, base, names);
    logger?.info('API server certificate made', { path: join(dir, `${base}.crt`), ...names });
  }
  for (const f of [`${base}.key`, `${base}.crt`]) chmodSync(join(dir, f), 0o600);
  return {
    key: readFileSync(join(dir, `${base}.key`), 'utf8'),
    cert: readFileSync(join(dir, `${base}.crt`), 'utf8'),
    ca: ca.pem,
  };
}

/** The main listener's certificate: <data-dir>/pki/server.crt. */
export const ensurePki = (
  dir: string,
  names: CertNames,
  logger?: Logger,
  now = Date.now(),
): { key: string; cert: string; ca: string } => ensureServerCert(dir, 'server', names, logger, now);

/** The token and TLS material the API needs for this configuration, made on first use. */
export function prepareApiAccess(config: Config, logger?: Logger): ApiAccess {
  const access: ApiAccess = {};
  if (tokenRequired(config)) access.token = ensureToken(join(config.dataDir, 'token'), logger);
  if (config.tls)
    access.tls = ensurePki(join(config.dataDir, 'pki'), serverNames(config.listen.host), logger);
  return access;
}
