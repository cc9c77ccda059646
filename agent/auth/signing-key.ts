// The key ServiceAccount tokens are signed with (upstream's --service-account-key-file and
// --service-account-signing-key-file): an RSA 2048 pair, RS256 as kube-apiserver's default, made by Node at
// first use in <data-dir>/pki (sa.key 0600, sa.pub) and kept: a new key would invalidate every token handed out.
import {
  type KeyObject,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MiniKubeletError, errorMessage } from '../errors';
import type { Logger } from '../log';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The JWT header's kid: upstream's keyIDFromPublicKey (base64url of the SHA-256 of the DER public key). */
  kid: string;
}

export const SA_KEY_FILE = 'sa.key';
export const SA_PUB_FILE = 'sa.pub';

export const keyId = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');

export function signingKeyFrom(privatePem: string): SigningKey {
  const privateKey = createPrivateKey(privatePem);
  if (privateKey.asymmetricKeyType !== 'rsa')
    throw new MiniKubeletError('InternalError', 'the ServiceAccount signing key is not an RSA key');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, kid: keyId(publicKey) };
}

function writeFile(path: string, text: string, mode: number): void {
  writeFileSync(`${path}.tmp`, text, { mode });
  renameSync(`${path}.tmp`, path);
  chmodSync(path, mode);
}

/** <dir>/sa.key: read if present, else made (with sa.pub beside it for those who verify tokens elsewhere). */
export function ensureSigningKey(dir: string, logger?: Logger): SigningKey {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyPath = join(dir, SA_KEY_FILE);
  if (existsSync(keyPath)) {
    chmodSync(keyPath, 0o600);
    try {
      return signingKeyFrom(readFileSync(keyPath, 'utf8'));
    } catch (err) {
      throw new MiniKubeletError(
        'InternalError',
        `${keyPath} does not hold an RSA private key (${errorMessage(err)}); remove it to have one made ` +
          '(tokens signed with it stop working)',
      );
    }
  }
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFile(keyPath, pair.privateKey, 0o600);
  writeFile(join(dir, SA_PUB_FILE), pair.publicKey, 0o644);
  logger?.info('ServiceAccount token signing key made', { path: keyPath });
  return signingKeyFrom(pair.privateKey);
}
