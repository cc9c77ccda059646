// Secrets at rest: the database file and its WAL never hold a Secret value (in clear or in base64) after
// writes; the same value in a ConfigMap is found there (the grep can fail); the Secret reads back after a
// restart, and after a key rotation, which leaves one key, a new one.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import type { Secret } from '../../../../agent/model/config-objects';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { KEY_FILE } from '../../../../agent/store/secret-cipher';
import { DB_FILE } from '../../../../agent/store/sqlite-persistence';
import { Harness } from '../../../helpers/harness';

const NS = '/api/v1/namespaces/default';
const VALUE = 'correct-horse-battery-staple-4711';
const UPDATED = 'tr0ub4dor-and-3-more-words-0815';

/** Every file of the database (the main file, its WAL and shared memory), as one buffer. */
function databaseBytes(dir: string, withWal = true): Buffer {
  const files = [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`]
    .map((f) => join(dir, f))
    .filter((f) => existsSync(f));
  if (withWal) expect(files).to.include(join(dir, `${DB_FILE}-wal`));
  return Buffer.concat(files.map((f) => readFileSync(f)));
}

function count(bytes: Buffer, value: string): number {
  let n = 0;
  for (let i = bytes.indexOf(value); i >= 0; i = bytes.indexOf(value, i + 1)) n++;
  return n;
}

function holds(bytes: Buffer, value: string): boolean {
  const b64 = Buffer.from(value).toString('base64');
  return bytes.includes(value) || bytes.includes(b64.slice(0, 24));
}

describe('agent/store: Secrets are encrypted at rest', () => {
  let dir: string;
  const harnesses: Harness[] = [];
  const start = async (flags: string[] = []): Promise<Harness> => {
    const clock = new ManualClock();
    const h = await new Harness({ runtime: new MemoryRuntime(clock), clock, dataDir: dir, flags }).start();
    harnesses.push(h);
    return h;
  };
  const stop = async (h: Harness): Promise<void> => {
    harnesses.splice(harnesses.indexOf(h), 1);
    await h.stop();
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mk-at-rest-'));
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const readSecret = async (h: Harness): Promise<string> => {
    const s = (await h.api.inject({ url: `${NS}/secrets/db` })).json<Secret>();
    return Buffer.from(s.data?.['password'] ?? '', 'base64').toString();
  };

  it('keeps no value in the database file or the WAL, and reads it back after a restart and a rotation', async () => {
    const h = await start();
    const post = (kind: string, body: object) =>
      h.api.inject({ method: 'POST', url: `${NS}/${kind}`, payload: body });
    expect(
      (await post('secrets', { kind: 'Secret', metadata: { name: 'db' }, stringData: { password: VALUE } }))
        .statusCode,
    ).to.equal(201);
    const patch = await h.api.inject({
      method: 'PATCH',
      url: `${NS}/secrets/db`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: {
        data: {
          password: Buffer.from(UPDATED).toString('base64'),
          other: Buffer.from(VALUE).toString('base64'),
        },
      },
    });
    expect(patch.statusCode).to.equal(200);
    // The control: the same value in a ConfigMap is stored in clear, so the grep below can find one.
    expect(
      (
        await post('configmaps', {
          kind: 'ConfigMap',
          metadata: { name: 'plain' },
          data: { v: `cm-${VALUE}` },
        })
      ).statusCode,
    ).to.equal(201);
    const live = databaseBytes(dir);
    expect(holds(live, `cm-${VALUE}`), 'the ConfigMap value is there').to.equal(true);
    expect(count(live, VALUE), "the only clear copies are the ConfigMap's").to.equal(
      count(live, `cm-${VALUE}`),
    );
    expect(holds(live, UPDATED), 'the updated Secret value').to.equal(false);
    expect(live.includes(Buffer.from(VALUE).toString('base64').slice(0, 24))).to.equal(false);
    const key = statSync(join(dir, KEY_FILE));
    expect(key.mode & 0o777).to.equal(0o600);
    await stop(h);

    const again = await start();
    expect(await readSecret(again)).to.equal(UPDATED);
    const firstKey = readFileSync(join(dir, KEY_FILE), 'utf8');
    await stop(again);

    const rotated = await start(['--rotate-encryption-key']);
    expect(await readSecret(rotated)).to.equal(UPDATED);
    const ring = JSON.parse(readFileSync(join(dir, KEY_FILE), 'utf8')) as { primary: string; keys: object };
    expect(Object.keys(ring.keys)).to.deep.equal([ring.primary]);
    expect(firstKey).to.not.include(ring.primary);
    await stop(rotated);
    const afterRotation = databaseBytes(dir, false); // closed: the WAL is checkpointed and gone
    expect(afterRotation.includes(`mk-aesgcm-v1:${ring.primary}:`)).to.equal(true);
    expect(holds(afterRotation, UPDATED)).to.equal(false);
    const last = await start();
    expect(await readSecret(last)).to.equal(UPDATED);
  });
});
