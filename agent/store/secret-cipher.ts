// Encryption at rest for Secret rows: AES-256-GCM (node:crypto), a random 96-bit IV per write, the row's
// kind/namespace/name as additional data (a ciphertext moved to another row does not open). Keys live in
// <data-dir>/encryption-keys.json (mode 0600, made at first start); each ciphertext names its key id, so
// after a rotation (a new primary key, every row re-encrypted, old keys dropped) nothing is left unreadable.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { MiniKubeletError, errorMessage } from '../errors';

export const KEY_FILE = 'encryption-keys.json';
/** What an encrypted body starts with; the rest is `<key id>:<base64 of iv | tag | ciphertext>`. */
export const SEALED_PREFIX = 'mk-aesgcm-v1:';

const IV_BYTES = 12;
const TAG_BYTES = 16;

interface KeyFile {
  primary: string;
  keys: Record<string, string>;
}

/** Seals and opens row bodies; the key ring behind it is the data dir's key file. */
export interface BodyCipher {
  seal(plain: string, context: string): string;
  open(body: string, context: string): string;
  readonly primaryKeyId: string;
}

export class SecretCipher implements BodyCipher {
  private ring: KeyFile;

  private constructor(
    private readonly file: string,
    ring: KeyFile,
  ) {
    this.ring = ring;
  }

  /** The data dir's key ring, made (one new key, mode 0600) when there is none. */
  static forDataDir(dataDir: string): SecretCipher {
    const file = join(dataDir, KEY_FILE);
    if (!existsSync(file)) {
      const ring = { primary: newKeyId(), keys: {} as Record<string, string> };
      ring.keys[ring.primary] = randomBytes(32).toString('base64');
      writeKeyFile(file, ring);
    }
    chmodSync(file, 0o600); // a copied data dir keeps its key private
    return new SecretCipher(file, readKeyFile(file));
  }

  get primaryKeyId(): string {
    return this.ring.primary;
  }

  get keyIds(): string[] {
    return Object.keys(this.ring.keys);
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(this.ring.primary), iv);
    cipher.setAAD(Buffer.from(context));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const packed = Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
    return `${SEALED_PREFIX}${this.ring.primary}:${packed}`;
  }

  open(body: string, context: string): string {
    if (!body.startsWith(SEALED_PREFIX)) return body; // written before encryption (or not a Secret)
    const rest = body.slice(SEALED_PREFIX.length);
    const colon = rest.indexOf(':');
    const id = rest.slice(0, colon);
    const raw = Buffer.from(rest.slice(colon + 1), 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key(id), raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch (err) {
      throw new MiniKubeletError(
        'InternalError',
        `cannot decrypt a stored object (key ${id}): ${errorMessage(err)}`,
      );
    }
  }

  /** Rotation, step 1: a new primary key; the old ones stay until every row is re-encrypted. */
  addPrimaryKey(): string {
    const id = newKeyId();
    const next = { primary: id, keys: { ...this.ring.keys, [id]: randomBytes(32).toString('base64') } };
    writeKeyFile(this.file, next);
    this.ring = next;
    return id;
  }

  /** Rotation, last step: only the primary key is kept (every row is sealed with it now). */
  dropOldKeys(): string[] {
    const dropped = this.keyIds.filter((id) => id !== this.ring.primary);
    const next = {
      primary: this.ring.primary,
      keys: { [this.ring.primary]: this.key(this.ring.primary).toString('base64') },
    };
    writeKeyFile(this.file, next);
    this.ring = next;
    return dropped;
  }

  private key(id: string): Buffer {
    const k = Object.hasOwn(this.ring.keys, id) ? this.ring.keys[id] : undefined;
    if (!k) throw new MiniKubeletError('InternalError', `encryption key ${id} is not in ${KEY_FILE}`);
    return Buffer.from(k, 'base64');
  }
}

const newKeyId = (): string => `k-${randomBytes(6).toString('hex')}`;

function readKeyFile(file: string): KeyFile {
  const ring = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const primary = ring.keys[ring.primary];
  if (!primary || Buffer.from(primary, 'base64').length !== 32)
    throw new MiniKubeletError('InternalError', `${file}: the primary key must be 32 bytes, base64`);
  return ring;
}

/** Written whole and renamed into place (fsynced), mode 0600 from the start. */
function writeKeyFile(file: string, ring: KeyFile): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    chmodSync(tmp, 0o600); // a leftover .tmp keeps its mode otherwise
    writeSync(fd, `${JSON.stringify(ring, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
