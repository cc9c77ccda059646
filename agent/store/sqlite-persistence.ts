// Desired state in one SQLite database, <data-dir>/minikubelet.db: the stored objects, the resourceVersion
// counter and the events (bounded). Each write is one transaction, committed (WAL, synchronous=FULL) before it
// returns: what the API acknowledged survives kill -9 and power loss. The schema is versioned: MIGRATIONS run
// in order, each once, each in its own transaction; a new one is appended, never edited.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { errorMessage, MiniKubeletError } from '../errors';
import type { EventSink, KubeEvent } from '../events/recorder';
import type { Logger } from '../log';
import type { CounterStore, Persistence, StoredObject } from './object-store';
import type { BodyCipher } from './secret-cipher';

export type Migration = (db: Database.Database) => void;

/** Migration n is MIGRATIONS[n - 1]. Append only: a released migration never changes. */
export const MIGRATIONS: readonly Migration[] = [
  // 1: objects by kind and namespace/name, the meta key/value table (the counter), events
  (db) =>
    db.exec(`
      CREATE TABLE objects (
        kind TEXT NOT NULL,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        uid TEXT NOT NULL,
        resource_version INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, namespace, name)
      );
      CREATE TABLE meta (key TEXT PRIMARY KEY, value NOT NULL);
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        involved_uid TEXT NOT NULL,
        namespace TEXT NOT NULL,
        resource_version INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX events_by_involved_uid ON events (involved_uid);
    `),
];

export const DB_FILE = 'minikubelet.db';
const COUNTER = 'resource_version';

export interface SqlitePersistenceOptions {
  dataDir: string;
  logger: Logger;
  /** Events kept in the database, newest first (5000). */
  eventRetention?: number;
  /** Versions that no object write carries (status updates, events) are reserved this far ahead (1000). */
  counterReserve?: number;
  /** The schema's migrations (tests append their own). */
  migrations?: readonly Migration[];
  /** Encryption at rest: the bodies of these kinds are sealed with the cipher (Secrets; docs/storage.md). */
  sealed?: { kinds: readonly string[]; cipher: BodyCipher };
}

interface Row {
  body: string;
}
interface ObjectRow extends Row {
  namespace: string;
  name: string;
}

function prepareStatements(db: Database.Database) {
  return {
    load: db.prepare<[string], ObjectRow>(
      'SELECT namespace, name, body FROM objects WHERE kind = ? ORDER BY namespace, name',
    ),
    setBody: db.prepare<[string, string, string, string]>(
      'UPDATE objects SET body = ? WHERE kind = ? AND namespace = ? AND name = ?',
    ),
    upsert: db.prepare<[string, string, string, string, number, string]>(
      `INSERT INTO objects (kind, namespace, name, uid, resource_version, body) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, namespace, name) DO UPDATE
       SET uid = excluded.uid, resource_version = excluded.resource_version, body = excluded.body`,
    ),
    insertNew: db.prepare<[string, string, string, string, number, string]>(
      `INSERT INTO objects (kind, namespace, name, uid, resource_version, body) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, namespace, name) DO NOTHING`,
    ),
    remove: db.prepare<[string, string, string]>(
      'DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?',
    ),
    // The counter only ever rises, whatever order writes come in.
    raiseCounter: db.prepare<[number]>(
      `INSERT INTO meta (key, value) VALUES ('${COUNTER}', CAST(? AS INTEGER))
       ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)`,
    ),
    counter: db.prepare<[], { value: number | null }>(
      `SELECT max(coalesce((SELECT value FROM meta WHERE key = '${COUNTER}'), 0),
                  coalesce((SELECT max(resource_version) FROM objects), 0)) AS value`,
    ),
    upsertEvent: db.prepare<[string, string, string, number, string]>(
      `INSERT INTO events (uid, involved_uid, namespace, resource_version, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (uid) DO UPDATE SET resource_version = excluded.resource_version, body = excluded.body`,
    ),
    // Keeps the newest `retention` events (by first recording).
    pruneEvents: db.prepare<[number]>(
      'DELETE FROM events WHERE seq <= (SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?)',
    ),
    loadEvents: db.prepare<[number], Row>(
      'SELECT body FROM (SELECT seq, body FROM events ORDER BY seq DESC LIMIT ?) ORDER BY seq',
    ),
    forgetEvent: db.prepare<[string]>('DELETE FROM events WHERE uid = ?'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class SqlitePersistence implements Persistence, CounterStore, EventSink {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly logger: Logger;
  private readonly retention: number;
  private readonly reserve: number;
  /** The counter value already durable in meta: versions up to it may be handed out without a write. */
  private reserved = 0;
  private readonly stmt: Statements;
  private readonly saveTx: (kind: string, obj: StoredObject, counter: number) => void;
  private readonly removeTx: (kind: string, obj: StoredObject, counter: number) => void;
  private readonly eventsTx: (events: KubeEvent[]) => void;
  private readonly forgetTx: (uids: readonly string[]) => void;
  private readonly sealed: ReadonlySet<string>;
  private readonly cipher: BodyCipher | undefined;

  constructor(o: SqlitePersistenceOptions) {
    this.sealed = new Set(o.sealed?.kinds ?? []);
    this.cipher = o.sealed?.cipher;
    this.logger = o.logger;
    this.retention = o.eventRetention ?? 5000;
    this.reserve = o.counterReserve ?? 1000;
    mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
    this.file = join(o.dataDir, DB_FILE);
    this.db = new Database(this.file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      // Freed pages are zeroed: an overwritten or deleted row leaves nothing readable behind.
      this.db.pragma('secure_delete = ON');
      migrate(this.db, o.migrations ?? MIGRATIONS, this.logger);
      this.stmt = prepareStatements(this.db);
      this.importJsonFiles(join(o.dataDir, 'objects'));
    } catch (err) {
      this.db.close();
      throw err;
    }
    const { stmt } = this;
    this.saveTx = this.db.transaction((kind: string, obj: StoredObject, counter: number) => {
      const m = obj.metadata;
      const body = this.bodyOf(kind, m.namespace, m.name, JSON.stringify(obj));
      stmt.upsert.run(kind, m.namespace, m.name, m.uid, Number(m.resourceVersion) || 0, body);
      stmt.raiseCounter.run(counter);
    });
    this.removeTx = this.db.transaction((kind: string, obj: StoredObject, counter: number) => {
      stmt.remove.run(kind, obj.metadata.namespace, obj.metadata.name);
      stmt.raiseCounter.run(counter);
    });
    this.eventsTx = this.db.transaction((events: KubeEvent[]) => {
      for (const e of events) {
        stmt.upsertEvent.run(
          e.metadata.uid,
          e.involvedObject.uid,
          e.metadata.namespace,
          Number(e.metadata.resourceVersion) || 0,
          JSON.stringify(e),
        );
      }
      stmt.pruneEvents.run(this.retention);
    });
    this.forgetTx = this.db.transaction((uids: readonly string[]) => {
      for (const uid of uids) stmt.forgetEvent.run(uid);
    });
    this.reserved = this.loadCounter();
  }

  load(kind: string): StoredObject[] {
    const rows = this.stmt.load.all(kind);
    if (!this.sealed.has(kind)) return this.parse<StoredObject>(rows, kind);
    const opened: Row[] = [];
    for (const r of rows) {
      try {
        opened.push({ body: this.cipher?.open(r.body, sealContext(kind, r.namespace, r.name)) ?? r.body });
      } catch (err) {
        this.logger.warn('skipping a stored object that does not decrypt', {
          what: `${kind} ${r.namespace}/${r.name}`,
          error: errorMessage(err),
        });
      }
    }
    return this.parse<StoredObject>(opened, kind);
  }

  /** A row's body as stored: sealed for the sealed kinds. */
  private bodyOf(kind: string, namespace: string, name: string, json: string): string {
    if (!this.cipher || !this.sealed.has(kind)) return json;
    return this.cipher.seal(json, sealContext(kind, namespace, name));
  }

  /**
   * Key rotation: every row of the sealed kinds opened and sealed again with the cipher's primary key, in
   * one transaction (all or nothing). Returns how many rows were written.
   */
  reseal(): number {
    let count = 0;
    this.db.transaction(() => {
      for (const kind of this.sealed) {
        for (const r of this.stmt.load.all(kind)) {
          const context = sealContext(kind, r.namespace, r.name);
          const plain = this.cipher?.open(r.body, context) ?? r.body;
          this.stmt.setBody.run(this.bodyOf(kind, r.namespace, r.name, plain), kind, r.namespace, r.name);
          count++;
        }
      }
    })();
    return count;
  }

  /** The bodies as JSON; a row that does not parse is skipped with a warning. */
  private parse<T>(rows: Row[], what: string): T[] {
    const out: T[] = [];
    for (const { body } of rows) {
      try {
        out.push(JSON.parse(body) as T);
      } catch (err) {
        this.logger.warn('skipping unreadable stored row', { what, error: errorMessage(err) });
      }
    }
    return out;
  }

  save(kind: string, obj: StoredObject, counter = Number(obj.metadata.resourceVersion) || 0): void {
    this.write('save', kind, obj, () => this.saveTx(kind, obj, counter));
  }

  remove(kind: string, obj: StoredObject, counter = Number(obj.metadata.resourceVersion) || 0): void {
    this.write('remove', kind, obj, () => this.removeTx(kind, obj, counter));
  }

  private write(what: string, kind: string, obj: StoredObject, tx: () => void): void {
    if (!this.db.open) {
      throw new MiniKubeletError(
        'InternalError',
        `storage is closed: cannot ${what} ${kind} "${obj.metadata.name}"`,
      );
    }
    try {
      tx();
    } catch (err) {
      throw new MiniKubeletError(
        'InternalError',
        `Internal error occurred: storage: ${errorMessage(err)}`,
        {},
        { cause: err },
      );
    }
  }

  loadCounter(): number {
    return Number(this.stmt.counter.get()?.value ?? 0);
  }

  /**
   * Versions that are not written with an object (status updates, events) must not be handed out again
   * after a crash: the counter is made durable `counterReserve` ahead, one small write per that many.
   */
  saveCounter(value: number): void {
    if (value <= this.reserved || !this.db.open) return;
    const upTo = value + this.reserve;
    this.stmt.raiseCounter.run(upTo);
    this.reserved = upTo;
  }

  loadEvents(limit: number): KubeEvent[] {
    return this.parse<KubeEvent>(this.stmt.loadEvents.all(limit), 'Event');
  }

  /** New and repeated events, in one transaction; then only the newest `eventRetention` are kept. */
  saveEvents(events: KubeEvent[]): void {
    if (events.length > 0 && this.db.open) this.eventsTx(events);
  }

  /** Deletes these events (past their TTL), in one transaction. */
  forgetEvents(uids: readonly string[]): void {
    if (uids.length > 0 && this.db.open) this.forgetTx(uids);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Once: the one-JSON-file-per-object layout of earlier versions, then renamed to objects.imported. */
  private importJsonFiles(dir: string): void {
    if (!existsSync(dir)) return;
    const found: StoredObject[] = [];
    for (const sub of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const f of readdirSync(join(dir, sub.name)).filter((n) => n.endsWith('.json'))) {
        try {
          const obj = JSON.parse(readFileSync(join(dir, sub.name, f), 'utf8')) as StoredObject;
          if (typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string') {
            throw new Error('not an object');
          }
          found.push(obj);
        } catch (err) {
          this.logger.warn('skipping unreadable stored object', {
            file: join(sub.name, f),
            error: errorMessage(err),
          });
        }
      }
    }
    let imported = 0;
    this.db.transaction(() => {
      for (const obj of found) {
        const m = obj.metadata;
        const rv = Number(m.resourceVersion) || 0;
        imported += this.stmt.insertNew.run(
          obj.kind,
          m.namespace ?? '',
          m.name,
          m.uid ?? '',
          rv,
          JSON.stringify(obj),
        ).changes;
        this.stmt.raiseCounter.run(rv);
      }
    })();
    let target = `${dir}.imported`;
    if (existsSync(target)) target = `${target}.${Date.now()}`;
    renameSync(dir, target);
    this.logger.info('imported stored objects from JSON files', { objects: imported, movedTo: target });
  }
}

/** The additional data a sealed body is bound to: the row it belongs to. */
const sealContext = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

/** Runs the migrations past the database's version, in order, each in a transaction with its version row. */
function migrate(db: Database.Database, migrations: readonly Migration[], logger: Logger): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const current =
    db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_version').get()?.v ?? 0;
  if (current > migrations.length) {
    throw new MiniKubeletError(
      'InternalError',
      `the database has schema version ${current}, newer than this minikubelet knows (${migrations.length}); use a newer minikubelet`,
    );
  }
  const record = db.prepare<[number]>(
    "INSERT INTO schema_version (version, applied_at) VALUES (?, datetime('now'))",
  );
  for (let v = current + 1; v <= migrations.length; v++) {
    const step = migrations[v - 1];
    if (!step) continue;
    db.transaction(() => {
      step(db);
      record.run(v);
    })();
    logger.info('database migrated', { version: v });
  }
}
