import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../../../agent/clock';
import { errorCode } from '../../../../agent/errors';
import { EventRecorder, type InvolvedObject } from '../../../../agent/events/recorder';
import { nopLogger } from '../../../../agent/log';
import type { Pod } from '../../../../agent/model/pod';
import type { Service } from '../../../../agent/model/service';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { ObjectStore, ResourceVersions, type StoredObject } from '../../../../agent/store/object-store';
import {
  DB_FILE,
  MIGRATIONS,
  type Migration,
  SqlitePersistence,
  type SqlitePersistenceOptions,
} from '../../../../agent/store/sqlite-persistence';
import { Harness } from '../../../helpers/harness';

const thing = (name: string, namespace = 'default'): StoredObject => ({
  kind: 'Thing',
  apiVersion: 'v1',
  metadata: { name, namespace, uid: '', creationTimestamp: '', resourceVersion: '' },
});

describe('agent/store/sqlite-persistence', () => {
  const clock = new ManualClock();
  let dir: string;
  const opened: SqlitePersistence[] = [];
  const open = (o: Partial<SqlitePersistenceOptions> = {}): SqlitePersistence => {
    const p = new SqlitePersistence({ dataDir: dir, logger: nopLogger, ...o });
    opened.push(p);
    return p;
  };
  /** A store on `p`; `durableCounter` wires the counter to the database as main.ts does. */
  const storeOn = (p: SqlitePersistence, durableCounter = true) => {
    const versions = new ResourceVersions(0, durableCounter ? p : undefined);
    return { versions, store: new ObjectStore('Thing', { clock, versions, persistence: p }) };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mk-sqlite-'));
  });
  afterEach(() => {
    for (const p of opened.splice(0)) p.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, updates and removes objects by kind, in one database file', () => {
    const p = open();
    const { store } = storeOn(p);
    const a = store.create({ ...thing('a'), spec: { x: 1 } } as StoredObject);
    store.create(thing('b', 'other'));
    store.update({ ...a, spec: { x: 2 } } as StoredObject, { specChanged: true });
    p.save('Other', {
      kind: 'Other',
      apiVersion: 'v1',
      metadata: { ...thing('a').metadata, resourceVersion: '9' },
    });
    store.remove('other', 'b');
    expect(existsSync(join(dir, DB_FILE))).to.equal(true);
    const loaded = p.load('Thing');
    expect(
      loaded.map((o) => [o.metadata.name, o.metadata.generation, (o as unknown as { spec: unknown }).spec]),
    ).to.deep.equal([['a', 2, { x: 2 }]]);
    expect(p.load('Other').map((o) => o.metadata.name)).to.deep.equal(['a']);
    expect(p.load('Nothing')).to.deep.equal([]);
  });

  it('keeps objects and the counter after close and reopen', () => {
    const p1 = open();
    const { store: s1 } = storeOn(p1);
    const a = s1.create(thing('a'));
    s1.create(thing('b', 'other'));
    p1.close();
    const p2 = open();
    const { store: s2, versions } = storeOn(p2);
    expect(s2.list()).to.deep.equal(s1.list());
    expect(s2.get('default', 'a')).to.deep.equal(a);
    expect(Number(versions.next())).to.be.greaterThan(2);
  });

  it('never hands out a resourceVersion twice across restarts, even after deleting the newest object', () => {
    // The counter written with each object write, in its transaction (no counter wiring).
    const p1 = open();
    const { store: s1 } = storeOn(p1, false);
    s1.create(thing('a')); // 1
    s1.create(thing('b')); // 2
    const removed = s1.remove('default', 'b'); // 3
    expect(removed.metadata.resourceVersion).to.equal('3');
    p1.close();
    const p2 = open();
    expect(p2.loadCounter()).to.equal(3);
    const { store: s2 } = storeOn(p2);
    const c = s2.create(thing('c'));
    expect(c.metadata.resourceVersion).to.equal('4');
    // Versions no object write carries (status updates) are not handed out again either.
    let last = '';
    for (let i = 0; i < 5; i++)
      last = s2.update({ ...c, metadata: { ...c.metadata }, status: { round: i } } as StoredObject, {
        specChanged: false,
      }).metadata.resourceVersion;
    expect(last).to.equal('9');
    p2.close();
    const p3 = open();
    const { versions: v4 } = storeOn(p3);
    expect(Number(v4.next())).to.be.greaterThan(Number(last));
  });

  it('writes each change in one transaction: a failing write leaves nothing half-done', () => {
    const p = open();
    const { store } = storeOn(p, false);
    const a = store.create(thing('a'));
    // Another connection makes the counter write (the second statement of each transaction) fail.
    const other = new Database(join(dir, DB_FILE));
    other.exec(`
      CREATE TRIGGER fail_insert BEFORE INSERT ON meta BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;
      CREATE TRIGGER fail_update BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;
    `);
    expect(() => store.create(thing('b')))
      .to.throw(/disk on fire/)
      .that.satisfies((e: unknown) => errorCode(e) === 'InternalError');
    expect(() =>
      store.update({ ...a, metadata: { ...a.metadata, labels: { x: 'y' } } }, { specChanged: true }),
    ).to.throw(/disk on fire/);
    expect(() => store.remove('default', 'a')).to.throw(/disk on fire/);
    // Neither the database nor the store took any part of the failed writes.
    expect(p.load('Thing').map((o) => [o.metadata.name, o.metadata.labels])).to.deep.equal([
      ['a', undefined],
    ]);
    expect(store.list().map((o) => o.metadata.name)).to.deep.equal(['a']);
    other.exec('DROP TRIGGER fail_insert; DROP TRIGGER fail_update;');
    other.close();
    store.remove('default', 'a');
    expect(p.load('Thing')).to.deep.equal([]);
  });

  it('runs migrations in order, each once, and refuses a database newer than it knows', () => {
    const ran: string[] = [];
    const second: Migration = (db) => {
      // Sees migration 1's tables: it runs after it.
      db.exec('ALTER TABLE objects ADD COLUMN labels TEXT');
      ran.push('2');
    };
    open().close();
    const p = open({ migrations: [...MIGRATIONS, second] });
    p.close();
    open({ migrations: [...MIGRATIONS, second] }).close();
    expect(ran).to.deep.equal(['2']);
    const db = new Database(join(dir, DB_FILE), { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all();
    const columns = db.prepare("SELECT name FROM pragma_table_info('objects')").pluck().all();
    db.close();
    expect(versions).to.deep.equal([1, 2]);
    expect(columns).to.include('labels');
    expect(() => open()).to.throw(/schema version 2, newer than this minikubelet knows \(1\)/);
  });

  it('a failing migration leaves the database at the version before it', () => {
    const broken: Migration = (db) => {
      db.exec('CREATE TABLE half (x)');
      throw new Error('migration bug');
    };
    expect(() => open({ migrations: [...MIGRATIONS, broken] })).to.throw(/migration bug/);
    const db = new Database(join(dir, DB_FILE), { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_version').pluck().all();
    const half = db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").pluck().all();
    db.close();
    expect(versions).to.deep.equal([1]);
    expect(half).to.deep.equal([]);
  });

  describe('events', () => {
    const pod = (name: string): InvolvedObject => ({
      kind: 'Pod',
      name,
      namespace: 'default',
      uid: `uid-${name}`,
    });
    const settle = () => new Promise((r) => setImmediate(r));

    it('keeps the newest events within the retention', async () => {
      const p = open({ eventRetention: 3 });
      const r = new EventRecorder({ clock, logger: nopLogger, host: 'h', sink: p });
      for (let i = 1; i <= 5; i++) {
        r.record(pod(i % 2 ? 'odd' : 'even'), 'Normal', 'Started', `Started ${i}`);
        await settle();
      }
      expect(p.loadEvents(100).map((e) => e.message)).to.deep.equal(['Started 3', 'Started 4', 'Started 5']);
      expect(p.loadEvents(2).map((e) => e.message)).to.deep.equal(['Started 4', 'Started 5']);
    });

    it('deletes the events past their TTL from the database, and a restart loads none of them', async () => {
      const time = new ManualClock(); // its own: this test moves it on
      const p1 = open();
      const r1 = new EventRecorder({ clock: time, logger: nopLogger, host: 'h', sink: p1, ttlMs: 60_000 });
      r1.record(pod('a'), 'Normal', 'Pulled', 'Pulled image');
      time.advance(30_000);
      r1.record(pod('a'), 'Normal', 'Started', 'Started container');
      await settle();
      time.advance(30_000); // Pulled is a minute old
      expect(r1.list().map((e) => e.reason)).to.deep.equal(['Started']);
      expect(p1.loadEvents(10).map((e) => e.reason)).to.deep.equal(['Started']);
      p1.close();
      time.advance(30_000); // and Started too, while the daemon was down
      const p2 = open();
      const r2 = new EventRecorder({ clock: time, logger: nopLogger, host: 'h', sink: p2, ttlMs: 60_000 });
      expect(r2.list()).to.deep.equal([]);
      expect(p2.loadEvents(10)).to.deep.equal([]);
    });

    it('writes events in batches and reloads them into a new recorder, counting repeats on', async () => {
      const p1 = open();
      const r1 = new EventRecorder({ clock, logger: nopLogger, host: 'h', sink: p1 });
      r1.record(pod('a'), 'Normal', 'Pulled', 'Pulled image');
      r1.record(pod('a'), 'Warning', 'BackOff', 'Back-off restarting');
      r1.record(pod('a'), 'Warning', 'BackOff', 'Back-off restarting');
      expect(p1.loadEvents(10)).to.deep.equal([]); // not yet: written when the current task is done
      await settle();
      expect(p1.loadEvents(10).map((e) => [e.reason, e.count])).to.deep.equal([
        ['Pulled', 1],
        ['BackOff', 2],
      ]);
      r1.record(pod('a'), 'Warning', 'BackOff', 'Back-off restarting');
      r1.flush(); // what agent.stop() does before closing the database
      p1.close();
      const r2 = new EventRecorder({ clock, logger: nopLogger, host: 'h', sink: open() });
      expect(r2.list({ uid: 'uid-a' }).map((e) => [e.reason, e.count])).to.deep.equal([
        ['Pulled', 1],
        ['BackOff', 3],
      ]);
      expect(r2.record(pod('a'), 'Warning', 'BackOff', 'Back-off restarting').count).to.equal(4);
    });
  });

  it('imports the JSON files of the file-per-object layout once, then moves them aside', () => {
    const put = (kind: string, file: string, obj: object) => {
      mkdirSync(join(dir, 'objects', kind), { recursive: true });
      writeFileSync(join(dir, 'objects', kind, file), JSON.stringify(obj));
    };
    const meta = (name: string, namespace: string, rv: string) => ({
      name,
      namespace,
      uid: `u-${name}`,
      creationTimestamp: '',
      resourceVersion: rv,
    });
    put('pod', 'default_web.json', {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: meta('web', 'default', '7'),
      spec: {},
    });
    put('service', 'default_db.json', {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: meta('db', 'default', '3'),
      spec: {},
    });
    put('namespace', '_team.json', { kind: 'Namespace', apiVersion: 'v1', metadata: meta('team', '', '5') });
    put('pod', 'default_broken.json', { nonsense: true });
    writeFileSync(join(dir, 'objects', 'pod', 'default_torn.json.tmp'), '{"kind":');
    const p1 = open();
    expect(p1.load('Pod').map((o) => o.metadata.name)).to.deep.equal(['web']);
    expect(p1.load('Service').map((o) => o.metadata.name)).to.deep.equal(['db']);
    expect(p1.load('Namespace').map((o) => o.metadata.name)).to.deep.equal(['team']);
    expect(p1.loadCounter()).to.equal(7);
    expect(existsSync(join(dir, 'objects'))).to.equal(false);
    expect(existsSync(join(dir, 'objects.imported', 'pod', 'default_web.json'))).to.equal(true);
    p1.remove('Pod', p1.load('Pod')[0]!, 8);
    p1.close();
    expect(open().load('Pod')).to.deep.equal([]); // not imported again
  }).timeout(10_000);

  it('is durable: an object acknowledged by a child process is there after kill -9 right after the ack', async function () {
    this.timeout(120_000);
    const modules = {
      persistence: require.resolve('../../../../agent/store/sqlite-persistence'),
      store: require.resolve('../../../../agent/store/object-store'),
      clock: require.resolve('../../../../agent/clock'),
      log: require.resolve('../../../../agent/log'),
    };
    // Writes, prints the ack, then blocks forever: anything not written by the ack is never written.
    const child = `
      const m = ${JSON.stringify(modules)};
      const { SqlitePersistence } = require(m.persistence);
      const { ObjectStore, ResourceVersions } = require(m.store);
      const p = new SqlitePersistence({ dataDir: process.env.MK_DIR, logger: require(m.log).nopLogger });
      const store = new ObjectStore('Thing', { clock: require(m.clock).systemClock, versions: new ResourceVersions(0, p), persistence: p });
      const obj = store.create({ kind: 'Thing', apiVersion: 'v1', metadata: { name: process.env.MK_NAME, namespace: 'default' } });
      require('node:fs').writeSync(1, 'ack ' + obj.metadata.resourceVersion + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    `;
    const runs = 20;
    const acked: string[] = [];
    let lastVersion = 0;
    for (let i = 0; i < runs; i++) {
      const name = `obj-${i}`;
      const proc = spawn(process.execPath, ['-e', child], {
        env: { ...process.env, MK_DIR: dir, MK_NAME: name },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        proc.on('exit', (_code, signal) => resolve(signal)),
      );
      const version = await new Promise<number>((resolve, reject) => {
        let out = '';
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^ack (\d+)\n/.exec(out);
          if (m) {
            proc.kill('SIGKILL');
            resolve(Number(m[1]));
          }
        });
        proc.on('exit', () => reject(new Error(`child exited without an ack: ${out}`)));
      });
      expect(await exited).to.equal('SIGKILL');
      acked.push(name);
      expect(version).to.be.greaterThan(lastVersion);
      lastVersion = version;
      const p = open();
      expect(p.load('Thing').map((o) => o.metadata.name)).to.have.members(acked);
      p.close();
    }
  });

  it('hands out no ClusterIP twice after the agent restarts on the same data dir', async () => {
    const svc = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { selector: { app: name }, ports: [{ port: 80 }] },
    });
    const post = async (h: Harness, name: string) => {
      const res = await h.api.inject({
        method: 'POST',
        url: '/api/v1/namespaces/default/services',
        payload: svc(name),
      });
      expect(res.statusCode, res.body).to.equal(201);
      return res.json<Service>().spec.clusterIP;
    };
    const h1 = await new Harness({ runtime: new MemoryRuntime(clock), clock, dataDir: dir }).start();
    const first = [await post(h1, 'a'), await post(h1, 'b'), await post(h1, 'c')];
    await h1.api.inject({ method: 'DELETE', url: '/api/v1/namespaces/default/services/b' });
    await h1.stop();
    const h2 = await new Harness({ runtime: new MemoryRuntime(clock), clock, dataDir: dir }).start();
    try {
      const mine = h2.services.list().filter((s) => s.metadata.name !== 'kubernetes');
      expect(mine.map((s) => s.spec.clusterIP)).to.deep.equal([first[0], first[2]]);
      const later = [await post(h2, 'd'), await post(h2, 'e'), await post(h2, 'f')];
      const all = [first[0], first[2], ...later];
      expect(new Set(all).size).to.equal(all.length);
    } finally {
      await h2.stop();
    }
  });

  it('keeps pods and their events when the agent restarts (createAgent wiring)', async () => {
    const h1 = await new Harness({ runtime: new MemoryRuntime(clock), clock, dataDir: dir }).start();
    const pod = await h1.createPod({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const reasons = () => h1.events.list({ uid: pod.metadata.uid }).map((e) => e.reason);
    await h1.waitFor('the container started', () => reasons().includes('Started'));
    await h1.stop();
    const events = reasons();
    const h2 = new Harness({ runtime: new MemoryRuntime(clock), clock, dataDir: dir });
    try {
      const again = h2.pods.get('default', 'web') as Pod;
      expect(again.metadata.uid).to.equal(pod.metadata.uid);
      expect(again.spec).to.deep.equal(pod.spec);
      expect(h2.events.list({ uid: pod.metadata.uid }).map((e) => e.reason)).to.deep.equal(events);
    } finally {
      await h2.agent.stop();
    }
  });
});
