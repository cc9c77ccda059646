// planStaticPods pins the kubelet's file source and config merge: one healthy baseline (a file whose pod
// runs), one change per case, the whole expected action list.
import { expect } from 'chai';
import type { Pod } from '../../../../agent/model/pod';
import { CONFIG_MIRROR } from '../../../../agent/model/static-pod';
import type { StaticManifest } from '../../../../agent/staticpods/manifest';
import { type StaticPodAction, planStaticPods } from '../../../../agent/staticpods/plan-static-pods';
import { aPod, iso, NOW } from '../../../helpers/builders';

/** The pod a file describes (name `web-node`), with its hash as the mirror annotation. */
function podOf(hash: string, name = 'web-node', extra: Partial<Pod['metadata']> = {}): Pod {
  const pod = aPod();
  pod.metadata = { ...pod.metadata, name, annotations: { [CONFIG_MIRROR]: hash }, ...extra };
  return pod;
}
const file = (path: string, hash: string, name = 'web-node'): StaticManifest => ({
  path,
  hash,
  pod: podOf(hash, name),
});
const bad = (path: string, error: string): StaticManifest => ({ path, error });
const apiPod = (name: string): Pod => ({ ...aPod(), metadata: { ...aPod().metadata, name } });

interface Case {
  name: string;
  files: StaticManifest[];
  stored: Pod[];
  expected: (f: StaticManifest[]) => StaticPodAction[];
}

const BASE_FILE = file('/m/web.yaml', 'h1');
const BASE_POD = podOf('h1');

const cases: Case[] = [
  {
    name: 'baseline: the file and its running pod agree: nothing',
    files: [BASE_FILE],
    stored: [BASE_POD],
    expected: () => [],
  },
  {
    name: 'a new file: its pod is created',
    files: [BASE_FILE],
    stored: [],
    expected: () => [{ type: 'create', path: '/m/web.yaml', pod: podOf('h1') }],
  },
  {
    name: 'the file edited (another hash): the old pod is deleted first',
    files: [file('/m/web.yaml', 'h2')],
    stored: [BASE_POD],
    expected: () => [{ type: 'delete', namespace: 'default', name: 'web-node', reason: 'changed' }],
  },
  {
    name: 'the edited pod still terminating: wait, nothing yet',
    files: [file('/m/web.yaml', 'h2')],
    stored: [podOf('h1', 'web-node', { deletionTimestamp: iso(NOW) })],
    expected: () => [],
  },
  {
    name: 'the file removed: its pod is deleted',
    files: [],
    stored: [BASE_POD],
    expected: () => [{ type: 'delete', namespace: 'default', name: 'web-node', reason: 'removed' }],
  },
  {
    name: 'the file removed, its pod already terminating: nothing more',
    files: [],
    stored: [podOf('h1', 'web-node', { deletionTimestamp: iso(NOW) })],
    expected: () => [],
  },
  {
    name: 'a pod made through the API is never touched',
    files: [BASE_FILE],
    stored: [BASE_POD, apiPod('other')],
    expected: () => [],
  },
  {
    name: 'a bad file is reported; the good one beside it still runs',
    files: [bad('/m/a-bad.yaml', 'not a Pod object'), BASE_FILE],
    stored: [],
    expected: () => [
      { type: 'invalid', path: '/m/a-bad.yaml', error: 'not a Pod object' },
      { type: 'create', path: '/m/web.yaml', pod: podOf('h1') },
    ],
  },
  {
    name: 'two files, one pod name: the first by file name runs, the other is reported',
    files: [file('/m/z-copy.yaml', 'h9'), BASE_FILE],
    stored: [BASE_POD],
    expected: () => [
      {
        type: 'duplicate',
        path: '/m/z-copy.yaml',
        keptPath: '/m/web.yaml',
        namespace: 'default',
        name: 'web-node',
      },
    ],
  },
  {
    name: 'the name is held by a pod made through the API: a conflict, no create',
    files: [BASE_FILE],
    stored: [apiPod('web-node')],
    expected: () => [{ type: 'conflict', path: '/m/web.yaml', namespace: 'default', name: 'web-node' }],
  },
];

describe('agent/staticpods/planStaticPods', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(planStaticPods(c.files, c.stored)).to.deep.equal(c.expected(c.files));
    });
  }
});
