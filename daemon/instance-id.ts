// The agent's instance id: every container, volume and network it makes on the engine carries it, so two
// agents on one engine (or an agent and the tests) never take each other's objects for their own.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** This agent's id, kept in its data dir: what it made on the engine carries it (INSTANCE_LABEL). */
export function instanceId(dataDir: string): string {
  const file = join(dataDir, 'instance-id');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(6).toString('hex')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
