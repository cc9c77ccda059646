// reconcileDaemonSet (upstream's daemon controller on one node): one healthy baseline (one ready pod of the
// current template on a node that fits), one change per case, the exact action list.
import { expect } from 'chai';
import {
  type DaemonSetAction,
  reconcileDaemonSet,
} from '../../../../agent/controllers/daemonset/reconcile-daemonset';
import { templateHash } from '../../../../agent/controllers/deployment/template-hash';
import type { Node } from '../../../../agent/model/node';
import type { Pod } from '../../../../agent/model/pod';
import type { DaemonSet } from '../../../../agent/model/workload';
import { NOW } from '../../../helpers/builders';
import { aNode } from '../../../helpers/node-builders';
import { aDaemonPod, aDaemonSet, aWorkloadPod } from '../../../helpers/workload-builders';

const node: Node = aNode({ labels: { 'kubernetes.io/os': 'linux' } });
const ds = aDaemonSet();
const hash = templateHash(ds.spec.template);
const v2 = aDaemonSet({ image: 'nginx' });
const hash2 = templateHash(v2.spec.template);
const status = (n: {
  desired?: number;
  current?: number;
  ready?: number;
  updated?: number;
  mis?: number;
}) => ({
  type: 'status' as const,
  status: {
    currentNumberScheduled: n.current ?? 1,
    numberMisscheduled: n.mis ?? 0,
    desiredNumberScheduled: n.desired ?? 1,
    numberReady: n.ready ?? 1,
    observedGeneration: 1,
    updatedNumberScheduled: n.updated ?? 1,
    numberAvailable: n.ready ?? 1,
    numberUnavailable: (n.desired ?? 1) - (n.ready ?? 1),
  },
});
const settle = (d: DaemonSet, s = status({}).status): DaemonSet => ({ ...d, status: s });
const settled = settle(ds);
const healthy = aDaemonPod('agent-abcde', ds, hash);

const withAffinity = (operator: 'In' | 'NotIn', values: string[]): DaemonSet => {
  const d = aDaemonSet();
  d.spec.template.spec.affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator, values }] }],
      },
    },
  };
  return d;
};
const tainted = (effect: 'NoSchedule' | 'NoExecute'): Node =>
  aNode({ labels: node.metadata.labels ?? {}, taints: [{ key: 'k', value: 'v', effect }] });
const tolerating: DaemonSet = (() => {
  const d = aDaemonSet();
  d.spec.template.spec.tolerations = [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute' }];
  return d;
})();

const cases: {
  name: string;
  ds: DaemonSet;
  pods: Pod[];
  node?: Node | null;
  actions: DaemonSetAction[];
}[] = [
  {
    name: 'does nothing when its one pod runs and the status says so',
    ds: settled,
    pods: [healthy],
    actions: [],
  },
  { name: 'publishes the status first seen', ds, pods: [healthy], actions: [status({})] },
  {
    name: 'creates the pod when there is none',
    ds,
    pods: [],
    actions: [{ type: 'create', hash }, status({ current: 0, ready: 0, updated: 0 })],
  },
  {
    name: 'replaces a pod deleted by hand at once (terminating no longer counts)',
    ds: settled,
    pods: [aDaemonPod('agent-abcde', ds, hash, { deleting: true })],
    actions: [{ type: 'create', hash }, status({ current: 0, ready: 0, updated: 0 })],
  },
  {
    name: 'ignores pods it does not own',
    ds: settled,
    pods: [healthy, aWorkloadPod('stray')],
    actions: [],
  },
  {
    name: 'wants no pod when the nodeSelector does not match the Node, and deletes the misscheduled one',
    ds: aDaemonSet({ nodeSelector: { disk: 'hdd' } }),
    pods: [
      aDaemonPod(
        'agent-abcde',
        ds,
        templateHash(aDaemonSet({ nodeSelector: { disk: 'hdd' } }).spec.template),
      ),
    ],
    actions: [
      { type: 'delete', pods: ['agent-abcde'] },
      status({ desired: 0, current: 0, ready: 0, updated: 0, mis: 1 }),
    ],
  },
  {
    name: 'runs its pod when the nodeSelector matches the Node labels',
    ds: aDaemonSet({ nodeSelector: { disk: 'ssd' } }),
    pods: [],
    actions: [
      { type: 'create', hash: templateHash(aDaemonSet({ nodeSelector: { disk: 'ssd' } }).spec.template) },
      status({ current: 0, ready: 0, updated: 0 }),
    ],
  },
  {
    name: 'runs its pod when required node affinity matches the Node (the scheduler own predicate)',
    ds: withAffinity('In', ['ssd']),
    pods: [],
    actions: [
      { type: 'create', hash: templateHash(withAffinity('In', ['ssd']).spec.template) },
      status({ current: 0, ready: 0, updated: 0 }),
    ],
  },
  {
    name: 'wants no pod when required node affinity does not match, and deletes the misscheduled one',
    ds: withAffinity('NotIn', ['ssd']),
    pods: [aDaemonPod('agent-abcde', ds, templateHash(withAffinity('NotIn', ['ssd']).spec.template))],
    actions: [
      { type: 'delete', pods: ['agent-abcde'] },
      status({ desired: 0, current: 0, ready: 0, updated: 0, mis: 1 }),
    ],
  },
  {
    name: 'creates no pod on a Node with a NoSchedule taint it does not tolerate',
    ds,
    pods: [],
    node: tainted('NoSchedule'),
    actions: [status({ desired: 0, current: 0, ready: 0, updated: 0 })],
  },
  {
    name: 'keeps a running pod on a Node with an untolerated NoSchedule taint (misscheduled)',
    ds,
    pods: [healthy],
    node: tainted('NoSchedule'),
    actions: [status({ desired: 0, current: 0, ready: 0, updated: 0, mis: 1 })],
  },
  {
    name: 'deletes the running pod on a Node with an untolerated NoExecute taint',
    ds,
    pods: [healthy],
    node: tainted('NoExecute'),
    actions: [
      { type: 'delete', pods: ['agent-abcde'] },
      status({ desired: 0, current: 0, ready: 0, updated: 0, mis: 1 }),
    ],
  },
  {
    name: 'runs its pod on a tainted Node when the template tolerates the taint',
    ds: tolerating,
    pods: [],
    node: tainted('NoExecute'),
    actions: [
      { type: 'create', hash: templateHash(tolerating.spec.template) },
      status({ current: 0, ready: 0, updated: 0 }),
    ],
  },
  {
    name: 'runs its pod on a cordoned or not-ready Node (the daemon tolerations)',
    ds,
    pods: [],
    node: aNode({
      unschedulable: true,
      taints: [
        { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
      ],
    }),
    actions: [{ type: 'create', hash }, status({ current: 0, ready: 0, updated: 0 })],
  },
  {
    name: 'creates nothing before the Node is registered',
    ds,
    pods: [],
    node: null,
    actions: [status({ desired: 0, current: 0, ready: 0, updated: 0 })],
  },
  {
    name: 'RollingUpdate: deletes the old pod first when the template changed',
    ds: settle(v2),
    pods: [healthy],
    actions: [{ type: 'delete', pods: ['agent-abcde'] }, status({ updated: 0 })],
  },
  {
    name: 'RollingUpdate: then creates the new one (the old is terminating)',
    ds: settle(v2, status({ updated: 0 }).status),
    pods: [aDaemonPod('agent-abcde', ds, hash, { deleting: true })],
    actions: [{ type: 'create', hash: hash2 }, status({ current: 0, ready: 0, updated: 0 })],
  },
  {
    name: 'RollingUpdate with maxSurge: creates the new pod first',
    ds: settle(aDaemonSet({ image: 'nginx', maxSurge: 1 }), status({ updated: 0 }).status),
    pods: [healthy],
    actions: [{ type: 'create', hash: hash2 }],
  },
  {
    name: 'RollingUpdate with maxSurge: keeps the old pod while the new one is not Ready',
    ds: settle(aDaemonSet({ image: 'nginx', maxSurge: 1 })),
    pods: [healthy, aDaemonPod('agent-fghjk', v2, hash2, { ready: false })],
    actions: [],
  },
  {
    name: 'RollingUpdate with maxSurge: deletes the old pod once the new one is Ready',
    ds: settle(aDaemonSet({ image: 'nginx', maxSurge: 1 })),
    pods: [healthy, aDaemonPod('agent-fghjk', v2, hash2)],
    actions: [{ type: 'delete', pods: ['agent-abcde'] }],
  },
  {
    name: 'OnDelete: leaves the old pod running when the template changed',
    ds: settle(aDaemonSet({ image: 'nginx', onDelete: true }), status({ updated: 0 }).status),
    pods: [healthy],
    actions: [],
  },
  {
    name: 'OnDelete: a pod the user deleted comes back with the new template',
    ds: settle(aDaemonSet({ image: 'nginx', onDelete: true }), status({ updated: 0 }).status),
    pods: [aDaemonPod('agent-abcde', ds, hash, { deleting: true })],
    actions: [{ type: 'create', hash: hash2 }, status({ current: 0, ready: 0, updated: 0 })],
  },
  {
    name: 'creates nothing while the DaemonSet is being deleted',
    ds: {
      ...settle(ds, status({ current: 0, ready: 0, updated: 0 }).status),
      metadata: { ...ds.metadata, deletionTimestamp: 'x' },
    },
    pods: [],
    actions: [],
  },
];

describe('reconcileDaemonSet', () => {
  for (const c of cases)
    it(c.name, () => {
      const n = c.node === null ? undefined : (c.node ?? node);
      const current = templateHash(c.ds.spec.template); // the current revision's hash, as the controller passes it
      expect(reconcileDaemonSet(c.ds, c.pods, n, NOW, current).actions).to.deep.equal(c.actions);
    });
});
