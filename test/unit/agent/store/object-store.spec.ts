import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../agent/clock';
import { errorCode } from '../../../../agent/errors';
import { nopLogger } from '../../../../agent/log';
import {
  type Change,
  ObjectStore,
  ResourceVersions,
  type StoredObject,
  noPersistence,
} from '../../../../agent/store/object-store';
import type { ManagedFieldsEntry } from '../../../../agent/model/managed-fields/managers';
import { SqlitePersistence } from '../../../../agent/store/sqlite-persistence';

const obj = (name: string, namespace = 'default'): StoredObject => ({
  kind: 'Thing',
  apiVersion: 'v1',
  metadata: { name, namespace, uid: '', creationTimestamp: '', resourceVersion: '' },
});

describe('agent/store/object-store', () => {
  const clock = new ManualClock();

  it('fills identity on create and bumps resourceVersion on every change', () => {
    const s = new ObjectStore('Thing', {
      clock,
      versions: new ResourceVersions(),
      persistence: noPersistence,
    });
    const a = s.create(obj('a'));
    expect(a.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).to.equal('2026-01-01T00:00:00Z');
    expect(a.metadata.resourceVersion).to.equal('1');
    const b = s.update({ ...a, metadata: { ...a.metadata, labels: { l: '1' } } }, { specChanged: true });
    expect(b.metadata.resourceVersion).to.equal('2');
    expect(b.metadata.generation).to.equal(2);
    const c = s.update({ ...b, metadata: { ...b.metadata, labels: { l: '2' } } }, { specChanged: false });
    expect(c.metadata.generation).to.equal(2);
    expect(c.metadata.resourceVersion).to.equal('3');
  });

  it('writes nothing when the object is what it stores (key order, resourceVersion, managedFields times aside)', () => {
    const s = new ObjectStore('Thing', {
      clock,
      versions: new ResourceVersions(),
      persistence: noPersistence,
    });
    const seen: string[] = [];
    s.onChange((c: Change<StoredObject>) => seen.push(c.type));
    const entry: ManagedFieldsEntry = {
      manager: 'm',
      operation: 'Update',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: {},
      time: '2026-01-01T00:00:00Z',
    };
    const a = s.create(
      { ...obj('a'), metadata: { ...obj('a').metadata, labels: { x: '1', y: '2' } } },
      {
        managedFields: [entry],
      },
    );
    const m = a.metadata;
    const same = {
      metadata: {
        labels: { y: '2', x: '1' },
        uid: m.uid,
        namespace: m.namespace,
        name: m.name,
        creationTimestamp: '',
        resourceVersion: '',
      },
      apiVersion: 'v1',
      kind: 'Thing',
    } as StoredObject;
    const kept = s.update(same, {
      specChanged: true,
      managedFields: [{ ...entry, time: '2026-01-02T00:00:00Z' }],
    });
    expect(kept).to.equal(a);
    expect(kept.metadata).to.include({ resourceVersion: '1', generation: 1 });
    expect(kept.metadata.managedFields?.[0]?.time).to.equal('2026-01-01T00:00:00Z');
    expect(seen).to.deep.equal(['ADDED']);
    s.update({ ...a, metadata: { ...a.metadata, labels: { x: '1' } } }, { specChanged: false });
    expect(seen).to.deep.equal(['ADDED', 'MODIFIED']);
  });

  it('answers AlreadyExists, NotFound and Conflict by code', () => {
    const s = new ObjectStore('Thing', {
      clock,
      versions: new ResourceVersions(),
      persistence: noPersistence,
    });
    const a = s.create(obj('a'));
    expect(() => s.create(obj('a')))
      .to.throw()
      .that.satisfies((e: unknown) => errorCode(e) === 'AlreadyExists');
    expect(() => s.mustGet('default', 'b'))
      .to.throw()
      .that.satisfies((e: unknown) => errorCode(e) === 'NotFound');
    expect(() => s.update({ ...a }, { specChanged: true, expectedVersion: '0' }))
      .to.throw()
      .that.satisfies((e: unknown) => errorCode(e) === 'Conflict');
  });

  it('tells listeners of ADDED, MODIFIED and DELETED', () => {
    const s = new ObjectStore('Thing', {
      clock,
      versions: new ResourceVersions(),
      persistence: noPersistence,
    });
    const seen: string[] = [];
    s.onChange((c: Change<StoredObject>) => seen.push(`${c.type} ${c.object.metadata.name}`));
    const a = s.create(obj('a'));
    s.update({ ...a, metadata: { ...a.metadata, labels: { l: '1' } } }, { specChanged: false });
    s.remove('default', 'a');
    expect(seen).to.deep.equal(['ADDED a', 'MODIFIED a', 'DELETED a']);
  });

  it('persists every write that changes more than status (labels, annotations), never a status-only one', () => {
    const saved: string[] = [];
    const counting = {
      ...noPersistence,
      save: (_k: string, o: StoredObject) => void saved.push(JSON.stringify(o)),
    };
    const s = new ObjectStore<StoredObject & { status?: object }>('Thing', {
      clock,
      versions: new ResourceVersions(),
      persistence: counting,
    });
    const a = s.create(obj('a'));
    s.update({ ...a, status: { phase: 'Running' } }, { specChanged: false });
    expect(saved).to.have.length(1); // the create only
    const fresh = s.mustGet('default', 'a');
    s.update(
      { ...fresh, metadata: { ...fresh.metadata, annotations: { gen: '2' } } },
      { specChanged: false },
    );
    expect(saved).to.have.length(2);
    expect(JSON.parse(saved[1] ?? '{}')).to.have.nested.property('metadata.annotations.gen', '2');
  });

  it('keeps objects across restarts in SQLite, with the resourceVersion counter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mk-store-'));
    try {
      const p = new SqlitePersistence({ dataDir: dir, logger: nopLogger });
      const s1 = new ObjectStore('Thing', { clock, versions: new ResourceVersions(), persistence: p });
      s1.create(obj('a'));
      s1.create(obj('b', 'other'));
      s1.remove('default', 'a');
      p.close();
      const p2 = new SqlitePersistence({ dataDir: dir, logger: nopLogger });
      const versions = new ResourceVersions(0, p2);
      const s2 = new ObjectStore('Thing', { clock, versions, persistence: p2 });
      expect(s2.list().map((o) => o.metadata.name)).to.deep.equal(['b']);
      expect(versions.next()).to.equal('4'); // 3 went to the deletion of a
      p2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
