// Field sets and managed fields as structured-merge-diff computes them: the FieldsV1 of an applied config
// and of an update, and apply conflicts, force and pruning (table tests).
import { expect } from 'chai';
import {
  compare,
  fieldsOf,
  fromFieldsV1,
  listKeysOf,
  pathText,
  toFieldsV1,
} from '../../../../agent/model/managed-fields/field-set';
import {
  type ManagedFieldsEntry,
  recordApply,
  recordUpdate,
} from '../../../../agent/model/managed-fields/managers';
import { MERGE_KEYS, SERVICE_MERGE_KEYS } from '../../../../agent/model/patch';
import { errorCode, MiniKubeletError } from '../../../../agent/errors';

const keys = listKeysOf(MERGE_KEYS);
const at = (manager: string, time = '2026-01-01T00:00:00Z') => ({ manager, apiVersion: 'apps/v1', time });

const deployment = (replicas: number, image = 'nginx', extra: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '3', labels: { app: 'web' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'main', image, ports: [{ containerPort: 80 }] }] },
    },
    ...extra,
  },
  status: { replicas: 1 },
});

describe('managed fields: field sets', () => {
  const cases: { name: string; obj: unknown; fields: unknown; keys?: Record<string, string[]> }[] = [
    {
      name: 'scalars, an atomic selector, keyed lists (ports by containerPort and protocol); no status or server metadata',
      obj: deployment(2),
      fields: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"main"}': {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': {
                    'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                  },
                },
              },
            },
          },
        },
      },
    },
    {
      name: 'a ConfigMap: data keys, an empty map as a leaf',
      obj: { kind: 'ConfigMap', metadata: { name: 'c', annotations: {} }, data: { a: '1', 'b.txt': 'x' } },
      fields: { 'f:data': { 'f:a': {}, 'f:b.txt': {} }, 'f:metadata': { 'f:annotations': {} } },
    },
    {
      name: 'finalizers as a set, args as an atomic list, a Service port by port and protocol',
      obj: {
        metadata: { finalizers: ['a', 'b'] },
        spec: { ports: [{ port: 80, protocol: 'UDP' }], args: ['x', 'y'] },
      },
      keys: listKeysOf(SERVICE_MERGE_KEYS),
      fields: {
        'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} } },
        'f:spec': {
          'f:args': {},
          'f:ports': { 'k:{"port":80,"protocol":"UDP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} } },
        },
      },
    },
    {
      name: 'a list whose items share a key is atomic',
      obj: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } },
      fields: { 'f:spec': { 'f:containers': {} } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const set = fieldsOf(c.obj, c.keys ?? keys);
      expect(toFieldsV1(set)).to.deep.equal(c.fields);
      expect(fromFieldsV1(toFieldsV1(set))).to.deep.equal(set);
    });
  }

  it('compares as upstream: added maps and list items are members, changed leaves modified, gone ones removed', () => {
    const before = { metadata: { name: 'c' }, data: { a: '1', b: '2' } };
    const after = { metadata: { name: 'c', labels: { x: 'y' } }, data: { a: '9' } };
    const c = compare(before, after, keys);
    expect(toFieldsV1(c.added)).to.deep.equal({ 'f:metadata': { 'f:labels': { '.': {}, 'f:x': {} } } });
    expect(toFieldsV1(c.modified)).to.deep.equal({ 'f:data': { 'f:a': {} } });
    expect(toFieldsV1(c.removed)).to.deep.equal({ 'f:data': { 'f:b': {} } });
  });

  it('prints paths as upstream: fields, keys, set values', () => {
    expect(pathText('f:spec\u0000f:replicas')).to.equal('.spec.replicas');
    expect(pathText(`f:spec\u0000f:containers\u0000k:{"name":"m"}\u0000f:image`)).to.equal(
      '.spec.containers[name="m"].image',
    );
    expect(pathText('f:metadata\u0000f:finalizers\u0000v:"a"')).to.equal('.metadata.finalizers[="a"]');
  });
});

describe('managed fields: updates and applies', () => {
  const apply = (
    live: unknown,
    config: unknown,
    merged: object,
    prior: unknown,
    manager = 'kubectl',
    force = false,
  ) =>
    recordApply(live, config, structuredClone(merged) as Record<string, unknown>, prior, at(manager), {
      force,
      listKeys: keys,
    });
  const owners = (entries: ManagedFieldsEntry[], path: string[]): string[] =>
    entries
      .filter((e) => {
        let node: Record<string, unknown> | undefined = e.fieldsV1;
        for (const el of path) node = node?.[el] as Record<string, unknown> | undefined;
        return node !== undefined;
      })
      .map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);
  const REPLICAS = ['f:spec', 'f:replicas'];

  it('a create records everything sent as one Update entry', () => {
    const entries = recordUpdate(undefined, deployment(2), undefined, at('kubectl-create'), keys);
    expect(entries).to.have.length(1);
    expect(entries[0]).to.include({ manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1' });
    expect(entries[0]!.fieldsV1['f:metadata']).to.deep.equal({ 'f:labels': { '.': {}, 'f:app': {} } });
  });

  it('apply, scale, apply: a conflict naming the scale manager; force takes .spec.replicas over', () => {
    const first = apply(undefined, deployment(2), deployment(2), undefined);
    const live = {
      ...deployment(2),
      metadata: { ...deployment(2).metadata, managedFields: first.managedFields },
    };
    const scaled = { ...live, spec: { ...live.spec, replicas: 5 } };
    const afterScale = recordUpdate(
      live,
      scaled,
      first.managedFields,
      { ...at('kubectl-scale'), subresource: 'scale' },
      keys,
    );
    expect(owners(afterScale, REPLICAS)).to.deep.equal(['kubectl-scale/Update/scale']);
    const stored = { ...scaled, metadata: { ...scaled.metadata, managedFields: afterScale } };

    let err: unknown;
    try {
      apply(stored, deployment(2), deployment(2), afterScale);
    } catch (e) {
      err = e;
    }
    expect(errorCode(err)).to.equal('Conflict');
    expect((err as MiniKubeletError).message).to.equal(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
    );
    expect((err as MiniKubeletError).details.causes).to.deep.equal([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-scale" using apps/v1',
        field: '.spec.replicas',
      },
    ]);

    // The same value is no conflict; force takes the field.
    expect(() => apply(stored, deployment(5), deployment(5), afterScale)).not.to.throw();
    const forced = apply(stored, deployment(2), deployment(2), afterScale, 'kubectl', true);
    expect(owners(forced.managedFields, REPLICAS)).to.deep.equal(['kubectl/Apply']);
    expect(forced.managedFields.map((e) => e.manager)).to.deep.equal(['kubectl']);
  });

  it('conflicts with two managers are listed by manager, as upstream', () => {
    const prior: ManagedFieldsEntry[] = [
      {
        manager: 'a',
        operation: 'Update',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:x': {} } },
      },
      {
        manager: 'b',
        operation: 'Apply',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:y': {} } },
      },
    ];
    const live = { data: { x: '1', y: '1' } };
    const config = { data: { x: '2', y: '2' } };
    expect(() => apply(live, config, config, prior)).to.throw(
      'Apply failed with 2 conflicts: conflicts with "a" using v1:\n- .data.x\nconflicts with "b":\n- .data.y',
    );
  });

  it('a field no longer applied is removed, unless another manager owns it', () => {
    const v1 = { data: { keep: '1', drop: '1', shared: '1' } };
    const first = apply(undefined, v1, v1, undefined);
    const edited = { data: { ...v1.data, shared: '2' } };
    const afterEdit = recordUpdate(v1, edited, first.managedFields, at('kubectl-edit'), keys);
    expect(owners(afterEdit, ['f:data', 'f:shared'])).to.deep.equal(['kubectl-edit/Update']);
    const config = { data: { keep: '1' } };
    const merged = { data: { ...edited.data } };
    const second = apply(edited, config, merged, afterEdit);
    expect(second.object).to.deep.equal({ data: { keep: '1', shared: '2' } });
    expect(owners(second.managedFields, ['f:data', 'f:drop'])).to.deep.equal([]);
  });

  it('an update takes fields from the others and drops what it removed from everyone', () => {
    const prior = apply(
      undefined,
      { data: { a: '1', b: '1' } },
      { data: { a: '1', b: '1' } },
      undefined,
    ).managedFields;
    const entries = recordUpdate(
      { data: { a: '1', b: '1' } },
      { data: { a: '2' } },
      prior,
      at('kubectl-edit'),
      keys,
    );
    expect(entries.map((e) => [e.manager, e.fieldsV1])).to.deep.equal([
      ['kubectl-edit', { 'f:data': { 'f:a': {} } }],
    ]);
  });

  it('status writes own status only', () => {
    const entries = recordUpdate(
      deployment(1),
      { ...deployment(1), status: { replicas: 3 } },
      undefined,
      { ...at('ctl'), subresource: 'status' },
      keys,
      'status',
    );
    expect(entries[0]).to.deep.include({
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:replicas': {} } },
    });
  });
});
