// `--listen unix:/path`: the API on a unix socket, for a host where only its users and group may call it.
import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/**
 * The API on a unix socket of mode 0660 (owner and group). Made under a umask that leaves it 0600 until the
 * chmod, so it is never open wider; a stale socket of an earlier run is removed first, anything else is not.
 */
export async function listenOnSocket(api: FastifyInstance, path: string): Promise<void> {
  if (existsSync(path)) {
    if (!lstatSync(path).isSocket())
      throw new Error(`--listen unix:${path}: the path exists and is not a socket; not removing it`);
    unlinkSync(path);
  }
  const umask = process.umask(0o177);
  try {
    await api.listen({ path });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o660);
}
