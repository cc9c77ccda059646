// --rotate-encryption-key: a new primary key, every sealed row (Secrets) re-encrypted with it in one
// transaction, then the old keys dropped. A crash in between leaves every row readable: the old keys go only
// after the transaction committed.
import type { Logger } from '../agent/log';
import type { SecretCipher } from '../agent/store/secret-cipher';
import type { SqlitePersistence } from '../agent/store/sqlite-persistence';

export function rotateEncryptionKey(
  cipher: SecretCipher,
  persistence: SqlitePersistence,
  logger: Logger,
): void {
  const key = cipher.addPrimaryKey();
  const rows = persistence.reseal();
  const dropped = cipher.dropOldKeys();
  logger.info('encryption key rotated', { key, reencrypted: rows, dropped });
}
