// schedulePod's preemption (plan-preemption.ts, pure) on a 2-cpu node: which victims, in upstream's order of
// reprieve, and the FailedScheduling message's `preemption:` part when there are none. Each case names the
// preemptor (cpu, priority, policy) and the pods on the node; the expected value is the whole decision with
// victims by name.
import { expect } from 'chai';
import type { PodDisruptionBudget } from '../../../../agent/model/pdb';
import type { Pod } from '../../../../agent/model/pod';
import { schedulePod } from '../../../../agent/scheduler/plan-schedule';
import { aContainer, aPod } from '../../../helpers/builders';
import { aNode } from '../../../helpers/node-builders';
import { aPdb } from '../../../helpers/pdb-builders';

interface P {
  cpu: string;
  priority?: number;
  policy?: 'Never' | 'PreemptLowerPriority';
  labels?: Record<string, string>;
  started?: string;
  terminating?: 'preempted' | 'deleted';
  nominated?: boolean;
}

function pod(name: string, p: P, bound: boolean): Pod {
  const base = aPod({ apps: [aContainer('c', { resources: { requests: { cpu: p.cpu } } })] });
  const conditions =
    p.terminating === 'preempted'
      ? [
          {
            type: 'DisruptionTarget' as const,
            status: 'True' as const,
            reason: 'PreemptionByScheduler',
            lastProbeTime: null,
            lastTransitionTime: '',
          },
        ]
      : [];
  return {
    ...base,
    metadata: {
      ...base.metadata,
      name,
      uid: name,
      labels: p.labels ?? {},
      ...(p.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      ...base.spec,
      ...(bound ? { nodeName: 'n1' } : {}),
      ...(p.priority !== undefined ? { priority: p.priority } : {}),
      ...(p.policy ? { preemptionPolicy: p.policy } : {}),
    },
    status: {
      phase: bound ? 'Running' : 'Pending',
      ...(p.started ? { startTime: p.started } : {}),
      ...(p.nominated ? { nominatedNodeName: 'n1' } : {}),
      conditions,
    },
  };
}

const fit = '0/1 nodes are available: 1 Insufficient cpu.';
const none = (why: string) => ({ type: 'unschedulable', message: `${fit} preemption: ${why}` });
const preempt = (...victims: string[]) => ({ type: 'preempt', message: fit, nodeName: 'n1', victims });

interface Case {
  name: string;
  preemptor: P;
  on: Record<string, P>;
  pdbs?: PodDisruptionBudget[];
  want: unknown;
}

const cases: Case[] = [
  {
    name: 'one lower-priority pod is enough: the least important one goes',
    preemptor: { cpu: '1', priority: 100 },
    on: {
      a: { cpu: '1', priority: 0, started: '2026-01-01T00:00:01Z' },
      b: { cpu: '1', priority: 0, started: '2026-01-01T00:00:02Z' },
    },
    want: preempt('b'),
  },
  {
    name: 'the lowest priority goes before an older pod of higher priority',
    preemptor: { cpu: '1', priority: 100 },
    on: { a: { cpu: '1', priority: 5 }, b: { cpu: '1', priority: 1 } },
    want: preempt('b'),
  },
  {
    name: 'both needed: both go',
    preemptor: { cpu: '2', priority: 100 },
    on: { a: { cpu: '1', priority: 5 }, b: { cpu: '1', priority: 1 } },
    want: preempt('a', 'b'),
  },
  {
    name: 'equal priority is no victim',
    preemptor: { cpu: '1', priority: 5 },
    on: { a: { cpu: '2', priority: 5 } },
    want: none('0/1 nodes are available: 1 No preemption victims found for incoming pod.'),
  },
  {
    name: 'removing every lower pod still does not fit: the filters say why',
    preemptor: { cpu: '2', priority: 100 },
    on: { a: { cpu: '1', priority: 500 }, b: { cpu: '1', priority: 1 } },
    want: none(fit),
  },
  {
    name: 'preemptionPolicy Never',
    preemptor: { cpu: '1', priority: 100, policy: 'Never' },
    on: { a: { cpu: '2', priority: 0 } },
    want: none('not eligible due to preemptionPolicy=Never.'),
  },
  {
    name: 'nominated, with a victim still terminating: no second preemption',
    preemptor: { cpu: '1', priority: 100, nominated: true },
    on: { a: { cpu: '1', priority: 0, terminating: 'preempted' }, b: { cpu: '1', priority: 0 } },
    want: none('not eligible due to a terminating pod on the nominated node.'),
  },
  {
    name: 'a budget with no disruption left: its pod is reprieved first, the other goes',
    preemptor: { cpu: '1', priority: 100 },
    on: {
      a: { cpu: '1', priority: 0, labels: { app: 'db' }, started: '2026-01-01T00:00:02Z' },
      b: { cpu: '1', priority: 0, started: '2026-01-01T00:00:01Z' },
    },
    pdbs: [aPdb({ minAvailable: 1, selector: { matchLabels: { app: 'db' } } }, { disruptionsAllowed: 0 })],
    want: preempt('b'),
  },
  {
    name: 'a budget that allows one disruption protects nothing',
    preemptor: { cpu: '1', priority: 100 },
    on: {
      a: { cpu: '1', priority: 0, labels: { app: 'db' }, started: '2026-01-01T00:00:02Z' },
      b: { cpu: '1', priority: 0, started: '2026-01-01T00:00:01Z' },
    },
    pdbs: [aPdb({ minAvailable: 1, selector: { matchLabels: { app: 'db' } } }, { disruptionsAllowed: 1 })],
    want: preempt('a'),
  },
  {
    name: 'a budget cannot always be kept: the violating pod goes when it must',
    preemptor: { cpu: '2', priority: 100 },
    on: { a: { cpu: '1', priority: 0, labels: { app: 'db' } }, b: { cpu: '1', priority: 0 } },
    pdbs: [aPdb({ minAvailable: 1, selector: { matchLabels: { app: 'db' } } }, { disruptionsAllowed: 0 })],
    want: preempt('a', 'b'),
  },
  {
    name: 'a higher-priority pod nominated to the node keeps its room from a lower one',
    preemptor: { cpu: '1', priority: 10 },
    on: { a: { cpu: '1', priority: 50 } },
    want: { type: 'bind', nodeName: 'n1' },
  },
];

describe('scheduler: preemption on the one node (plan-preemption, pure)', () => {
  for (const c of cases)
    it(c.name, () => {
      const bound = Object.entries(c.on).map(([n, p]) => pod(n, p, true));
      const d = schedulePod(pod('new', c.preemptor, false), aNode(), bound, c.pdbs ?? []);
      const got = d.type === 'preempt' ? { ...d, victims: d.victims.map((v) => v.metadata.name) } : d;
      expect(got).to.deep.equal(c.want);
    });

  it('an unbound pod nominated to the node with equal or higher priority counts against a new pod', () => {
    const nominated = pod('first', { cpu: '2', priority: 100, nominated: true }, false);
    const d = schedulePod(pod('new', { cpu: '1', priority: 100 }, false), aNode(), [nominated]);
    expect(d.type).to.equal('unschedulable');
    const lower = schedulePod(pod('new', { cpu: '1', priority: 200 }, false), aNode(), [nominated]);
    expect(lower).to.deep.equal({ type: 'bind', nodeName: 'n1' });
  });
});
