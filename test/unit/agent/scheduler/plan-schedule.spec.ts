// schedulePod pins kube-scheduler's filters for one node (NodeUnschedulable, TaintToleration, NodeAffinity,
// NodePorts, NodeResourcesFit) and the FailedScheduling message. Every case starts from a pod that fits an
// empty node and changes one thing; the expected value is the whole decision.
import { expect } from 'chai';
import type { Container, Pod } from '../../../../agent/model/pod';
import { schedulePod } from '../../../../agent/scheduler/plan-schedule';
import { podRequests } from '../../../../agent/scheduler/pod-requests';
import { aContainer, aPod, aSidecar } from '../../../helpers/builders';
import { aNode } from '../../../helpers/node-builders';
import type { Node } from '../../../../agent/model/node';

const withSpec = (extra: Record<string, unknown>, apps?: Container[]): Pod => {
  const pod = aPod(apps ? { apps } : {});
  return { ...pod, metadata: { ...pod.metadata, uid: 'new' }, spec: { ...pod.spec, ...extra } };
};

const asking = (cpu: string, memory = '1Mi'): Container =>
  aContainer('c', { resources: { requests: { cpu, memory } } });

/** A pod bound to the node, in a phase. */
function running(name: string, c: Container, phase: Pod['status']['phase'] = 'Running'): Pod {
  const pod = aPod({ apps: [c] });
  return {
    ...pod,
    metadata: { ...pod.metadata, name, uid: name },
    spec: { ...pod.spec, nodeName: 'n1' },
    status: { phase },
  };
}

const msg = (reason: string, preemption = '1 Preemption is not helpful for scheduling'): string =>
  `0/1 nodes are available: ${reason}. preemption: 0/1 nodes are available: ${preemption}.`;
const NO_VICTIMS = '1 No preemption victims found for incoming pod';
const BIND = { type: 'bind', nodeName: 'n1' };
const fails = (message: string) => ({ type: 'unschedulable', message });

const affinity = (terms: unknown[]): Record<string, unknown> => ({
  affinity: {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
  },
});
const expr = (key: string, operator: string, values?: string[]) => ({
  matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
});

interface Case {
  name: string;
  pod?: Pod;
  node?: Node;
  pods?: Pod[];
  want: unknown;
}

const CASES: Case[] = [
  { name: 'a plain pod on a plain node is bound', want: BIND },
  // NodeUnschedulable
  {
    name: 'a cordoned node takes no pod',
    node: aNode({ unschedulable: true }),
    want: fails(msg('1 node(s) were unschedulable')),
  },
  {
    name: 'a pod tolerating node.kubernetes.io/unschedulable goes to a cordoned node',
    node: aNode({ unschedulable: true }),
    pod: withSpec({
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
    }),
    want: BIND,
  },
  // TaintToleration
  {
    name: 'an untolerated NoSchedule taint keeps the pod off, named with its value',
    node: aNode({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    want: fails(msg('1 node(s) had untolerated taint {dedicated: gpu}')),
  },
  {
    name: 'an untolerated NoExecute taint without a value',
    node: aNode({ taints: [{ key: 'maintenance', effect: 'NoExecute' }] }),
    want: fails(msg('1 node(s) had untolerated taint {maintenance: }')),
  },
  {
    name: 'a PreferNoSchedule taint never filters',
    node: aNode({ taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }),
    want: BIND,
  },
  {
    name: 'an Equal toleration of the same key, value and effect tolerates',
    node: aNode({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    pod: withSpec({
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
    }),
    want: BIND,
  },
  {
    name: 'an Equal toleration of another value does not',
    node: aNode({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    pod: withSpec({ tolerations: [{ key: 'dedicated', value: 'cpu', effect: 'NoSchedule' }] }),
    want: fails(msg('1 node(s) had untolerated taint {dedicated: gpu}')),
  },
  {
    name: 'a toleration of another effect does not',
    node: aNode({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    pod: withSpec({ tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }] }),
    want: fails(msg('1 node(s) had untolerated taint {dedicated: gpu}')),
  },
  {
    name: 'an empty key with Exists tolerates every taint',
    node: aNode({
      taints: [
        { key: 'a', effect: 'NoSchedule' },
        { key: 'b', value: 'x', effect: 'NoExecute' },
      ],
    }),
    pod: withSpec({ tolerations: [{ operator: 'Exists' }] }),
    want: BIND,
  },
  {
    name: 'cordoned and tainted: NodeUnschedulable runs first',
    node: aNode({ unschedulable: true, taints: [{ key: 'a', effect: 'NoSchedule' }] }),
    want: fails(msg('1 node(s) were unschedulable')),
  },
  // NodeAffinity
  {
    name: 'a nodeSelector the labels match',
    pod: withSpec({ nodeSelector: { disk: 'ssd' } }),
    want: BIND,
  },
  {
    name: 'a nodeSelector the labels do not match',
    pod: withSpec({ nodeSelector: { disk: 'hdd' } }),
    want: fails(msg("1 node(s) didn't match Pod's node affinity/selector")),
  },
  { name: 'In matches', pod: withSpec(affinity([expr('disk', 'In', ['hdd', 'ssd'])])), want: BIND },
  {
    name: 'NotIn of the value fails',
    pod: withSpec(affinity([expr('disk', 'NotIn', ['ssd'])])),
    want: fails(msg("1 node(s) didn't match Pod's node affinity/selector")),
  },
  {
    name: 'NotIn of an absent label matches',
    pod: withSpec(affinity([expr('zone', 'NotIn', ['a'])])),
    want: BIND,
  },
  { name: 'Exists matches', pod: withSpec(affinity([expr('disk', 'Exists')])), want: BIND },
  {
    name: 'DoesNotExist of a present label fails',
    pod: withSpec(affinity([expr('disk', 'DoesNotExist')])),
    want: fails(msg("1 node(s) didn't match Pod's node affinity/selector")),
  },
  { name: 'Gt compares integers', pod: withSpec(affinity([expr('gen', 'Gt', ['4'])])), want: BIND },
  {
    name: 'Lt of a smaller bound fails',
    pod: withSpec(affinity([expr('gen', 'Lt', ['5'])])),
    want: fails(msg("1 node(s) didn't match Pod's node affinity/selector")),
  },
  {
    name: 'Gt of a label that is no integer fails',
    pod: withSpec(affinity([expr('disk', 'Gt', ['1'])])),
    want: fails(msg("1 node(s) didn't match Pod's node affinity/selector")),
  },
  {
    name: 'terms are ORed: one failing term and one matching',
    pod: withSpec(affinity([expr('disk', 'In', ['hdd']), expr('disk', 'In', ['ssd'])])),
    want: BIND,
  },
  {
    name: 'an empty term matches nothing',
    pod: withSpec(affinity([{}])),
    want: fails(msg("1 node(s) didn't match Pod's node affinity/selector")),
  },
  {
    name: 'matchFields on metadata.name',
    pod: withSpec(affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }])),
    want: BIND,
  },
  {
    name: 'matchFields naming another node',
    pod: withSpec(affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }])),
    want: fails(msg("1 node(s) didn't match Pod's node affinity/selector")),
  },
  // NodePorts
  {
    name: 'a hostPort a running pod holds',
    pod: withSpec({}, [aContainer('c', { ports: [{ containerPort: 80, hostPort: 8080 }] })]),
    pods: [
      running('web', aContainer('c', { ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] })),
    ],
    want: fails(msg("1 node(s) didn't have free ports for the requested pod ports", NO_VICTIMS)),
  },
  {
    name: 'the same hostPort over another protocol is free',
    pod: withSpec({}, [aContainer('c', { ports: [{ containerPort: 80, hostPort: 8080, protocol: 'UDP' }] })]),
    pods: [running('web', aContainer('c', { ports: [{ containerPort: 80, hostPort: 8080 }] }))],
    want: BIND,
  },
  {
    name: 'a finished pod holds no port',
    pod: withSpec({}, [aContainer('c', { ports: [{ containerPort: 80, hostPort: 8080 }] })]),
    pods: [running('web', aContainer('c', { ports: [{ containerPort: 80, hostPort: 8080 }] }), 'Succeeded')],
    want: BIND,
  },
  // NodeResourcesFit
  {
    name: 'more cpu than allocatable',
    pod: withSpec({}, [asking('3')]),
    want: fails(msg('1 Insufficient cpu', NO_VICTIMS)),
  },
  {
    name: 'cpu the running pods already hold',
    pod: withSpec({}, [asking('1')]),
    pods: [running('a', asking('1500m'))],
    want: fails(msg('1 Insufficient cpu', NO_VICTIMS)),
  },
  {
    name: 'exactly what is left fits (millicores add exactly)',
    pod: withSpec({}, [asking('300m')]),
    pods: [running('a', asking('100m')), running('b', asking('1600m'))],
    want: BIND,
  },
  {
    name: 'a finished pod frees its requests',
    pod: withSpec({}, [asking('1')]),
    pods: [running('a', asking('1500m'), 'Failed')],
    want: BIND,
  },
  {
    name: 'cpu and memory both short: both reasons, sorted',
    pod: withSpec({}, [asking('3', '5Gi')]),
    want: fails(msg('1 Insufficient cpu, 1 Insufficient memory', NO_VICTIMS)),
  },
  {
    name: 'a limit without a request counts as the request',
    pod: withSpec({}, [aContainer('c', { resources: { limits: { memory: '5Gi' } } })]),
    want: fails(msg('1 Insufficient memory', NO_VICTIMS)),
  },
  {
    name: 'the pods count',
    node: aNode({ pods: '1' }),
    pods: [running('a', aContainer('c'))],
    want: fails(msg('1 Too many pods', NO_VICTIMS)),
  },
  {
    name: 'a pod asking nothing still needs a pod slot, nothing else',
    node: aNode({ pods: '2' }),
    pods: [running('a', asking('2'))],
    want: BIND,
  },
];

describe('scheduler: schedulePod (filters for the one node)', () => {
  for (const c of CASES)
    it(c.name, () => {
      expect(schedulePod(c.pod ?? withSpec({}), c.node ?? aNode(), c.pods ?? [])).to.deep.equal(c.want);
    });

  it('never counts the pod itself among the bound ones', () => {
    const self = running('self', asking('1500m'));
    expect(schedulePod(self, aNode(), [self])).to.deep.equal(BIND);
  });
});

describe('scheduler: podRequests (resourcehelper.PodRequests)', () => {
  const req = (cpu: string) => ({ resources: { requests: { cpu } } });
  it('sums the containers, in millicores', () => {
    const pod = aPod({ apps: [aContainer('a', req('100m')), aContainer('b', req('0.25'))] });
    expect(podRequests(pod).cpu).to.equal(350);
  });
  it('takes the largest init container when it is more than the containers', () => {
    const pod = aPod({ inits: [aContainer('i', req('2'))], apps: [aContainer('a', req('500m'))] });
    expect(podRequests(pod).cpu).to.equal(2000);
  });
  it('adds sidecars to the containers and to each init container after them', () => {
    const pod = aPod({
      inits: [aSidecar('s', req('300m')), aContainer('i', req('1'))],
      apps: [aContainer('a', req('500m'))],
    });
    // max(500 + 300, 1000 + 300)
    expect(podRequests(pod).cpu).to.equal(1300);
  });
  it('adds the overhead', () => {
    const pod = aPod({ apps: [aContainer('a', req('100m'))] });
    pod.spec['overhead'] = { cpu: '250m', memory: '120Mi' };
    expect(podRequests(pod)).to.include({ cpu: 350, memory: 120 * 1024 * 1024 });
  });
});
