// planRevisions (upstream's DaemonSet constructHistory/cleanupHistory): one baseline (the DaemonSet's current
// template has its revision 1), one change per case, the exact action list.
import { expect } from 'chai';
import {
  type RevisionAction,
  currentRevisionHash,
  newRevision,
  planRevisions,
} from '../../../../agent/controllers/daemonset/plan-revisions';
import { templateHash } from '../../../../agent/controllers/deployment/template-hash';
import type { ControllerRevision } from '../../../../agent/model/controller-revision';
import type { Pod } from '../../../../agent/model/pod';
import type { DaemonSet } from '../../../../agent/model/workload';
import { aDaemonPod, aDaemonSet } from '../../../helpers/workload-builders';

const ds = aDaemonSet();
const imageOf = (n: number): string => `busybox:1.${n}`;
const version = (n: number): DaemonSet => aDaemonSet({ image: imageOf(n) });
const hashOf = (d: DaemonSet): string => templateHash(d.spec.template);
const stored = (d: DaemonSet, revision: number): ControllerRevision => {
  const r = newRevision(d, hashOf(d), revision);
  return { ...r, metadata: { ...r.metadata, uid: `uid-${r.metadata.name}` } };
};
const limited = (d: DaemonSet, limit: number): DaemonSet => ({
  ...d,
  spec: { ...d.spec, revisionHistoryLimit: limit },
});
const collided = (d: DaemonSet, collisionCount: number): DaemonSet => ({
  ...d,
  status: { ...d.status, collisionCount },
});
/** A revision with the name `d`'s new revision would get, holding another template. */
const squatter = (d: DaemonSet): ControllerRevision => {
  const other = stored(version(7), 9);
  return { ...other, metadata: { ...other.metadata, name: `agent-${hashOf(d)}`, ownerReferences: [] } };
};
const names = (...rs: ControllerRevision[]) => ({
  type: 'deleteRevisions' as const,
  names: rs.map((r) => r.metadata.name),
});

const cases: {
  name: string;
  ds: DaemonSet;
  revisions: ControllerRevision[];
  pods?: Pod[];
  actions: RevisionAction[];
}[] = [
  {
    name: 'does nothing when the current template has the newest revision',
    ds,
    revisions: [stored(ds, 1)],
    actions: [],
  },
  {
    name: 'creates revision 1 for a new DaemonSet',
    ds,
    revisions: [],
    actions: [{ type: 'createRevision', revision: newRevision(ds, hashOf(ds), 1) }],
  },
  {
    name: 'creates the next revision after the newest for a changed template',
    ds: version(3),
    revisions: [stored(version(1), 1), stored(version(2), 4)],
    actions: [{ type: 'createRevision', revision: newRevision(version(3), hashOf(version(3)), 5) }],
  },
  {
    name: 'renumbers the earlier revision a template went back to',
    ds: version(1),
    revisions: [stored(version(1), 1), stored(version(2), 2)],
    actions: [{ type: 'renumberRevision', revision: { ...stored(version(1), 1), revision: 3 } }],
  },
  {
    name: 'ignores the revisions of another controller',
    ds,
    revisions: [
      stored(ds, 1),
      { ...stored(version(9), 7), metadata: { ...stored(version(9), 7).metadata, ownerReferences: [] } },
    ],
    actions: [],
  },
  {
    name: 'deletes old revisions beyond revisionHistoryLimit, oldest first',
    ds: limited(version(4), 1),
    revisions: [stored(version(2), 2), stored(version(1), 1), stored(version(3), 3), stored(version(4), 4)],
    actions: [names(stored(version(1), 1), stored(version(2), 2))],
  },
  {
    name: 'keeps an old revision a live pod still runs, deleting the next one instead',
    ds: limited(version(4), 1),
    revisions: [stored(version(1), 1), stored(version(2), 2), stored(version(3), 3), stored(version(4), 4)],
    pods: [aDaemonPod('agent-old', ds, hashOf(version(1)))],
    actions: [names(stored(version(2), 2), stored(version(3), 3))],
  },
  {
    name: 'finds the current revision by its data, whatever its name (a revision made under another collisionCount)',
    ds: collided(version(2), 1),
    revisions: [stored(version(1), 1), stored(version(2), 2)],
    actions: [],
  },
  {
    name: 'names a new revision by the template and collisionCount',
    ds: collided(version(2), 3),
    revisions: [stored(version(1), 1)],
    actions: [
      {
        type: 'createRevision',
        revision: newRevision(version(2), templateHash(version(2).spec.template, 3), 2),
      },
    ],
  },
  {
    name: 'bumps collisionCount when the new name is taken by a revision of other data',
    ds: version(2),
    revisions: [stored(version(1), 1), squatter(version(2))],
    actions: [{ type: 'bumpCollisionCount' }],
  },
  {
    name: 'plans nothing for a DaemonSet being deleted',
    ds: { ...ds, metadata: { ...ds.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } },
    revisions: [],
    actions: [],
  },
];

describe('planRevisions (DaemonSet ControllerRevisions)', () => {
  for (const c of cases)
    it(c.name, () => expect(planRevisions(c.ds, c.revisions, c.pods ?? [])).to.deep.equal(c.actions));

  it("gives the pods the current revision's hash label, none before it exists", () => {
    const renamed = {
      ...stored(version(2), 2),
      metadata: { ...stored(version(2), 2).metadata, labels: { 'controller-revision-hash': 'x1y2z' } },
    };
    expect(currentRevisionHash(version(2), [stored(version(1), 1), renamed])).to.equal('x1y2z');
    expect(currentRevisionHash(version(3), [stored(version(1), 1), renamed])).to.equal(undefined);
  });

  it('stores the patch upstream stores, owned by the DaemonSet and labelled with the hash', () => {
    const r = newRevision(ds, 'abc12', 1);
    expect(r.metadata.name).to.equal('agent-abc12');
    expect(r.data).to.deep.equal({ spec: { template: { ...ds.spec.template, $patch: 'replace' } } });
    expect(r.metadata.labels).to.deep.equal({ app: 'web', 'controller-revision-hash': 'abc12' });
    expect(r.metadata.ownerReferences).to.deep.equal([
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        name: 'agent',
        uid: 'uid-agent',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });
});
