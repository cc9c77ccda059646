// DefaultTolerationSeconds admission: what a new pod's tolerations become.
import { expect } from 'chai';
import { addDefaultTolerations } from '../../../../agent/pods/default-toleration-seconds';
import type { Toleration } from '../../../../agent/scheduler/tolerations';
import { aPod } from '../../../helpers/builders';

const notReady = {
  key: 'node.kubernetes.io/not-ready',
  operator: 'Exists' as const,
  effect: 'NoExecute',
  tolerationSeconds: 300,
};
const unreachable = { ...notReady, key: 'node.kubernetes.io/unreachable' };

const admitted = (tolerations?: Toleration[]): unknown => {
  const pod = aPod();
  if (tolerations) pod.spec.tolerations = tolerations;
  addDefaultTolerations(pod);
  return pod.spec.tolerations;
};

describe('DefaultTolerationSeconds admission', () => {
  const own: Toleration = { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' };
  const cases: { name: string; tolerations?: Toleration[]; expected: unknown }[] = [
    { name: 'a pod without tolerations gets both, for 300s', expected: [notReady, unreachable] },
    { name: 'others of the pod come first', tolerations: [own], expected: [own, notReady, unreachable] },
    {
      name: 'one it has already (another time) is kept and not added',
      tolerations: [{ ...notReady, tolerationSeconds: 10 }],
      expected: [{ ...notReady, tolerationSeconds: 10 }, unreachable],
    },
    {
      name: 'a toleration of the key with no effect covers it',
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }],
      expected: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, notReady],
    },
    {
      name: 'an empty key with NoExecute covers both',
      tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
      expected: [{ operator: 'Exists', effect: 'NoExecute' }],
    },
    {
      name: 'a NoSchedule toleration of the key does not cover it',
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }],
      expected: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' },
        notReady,
        unreachable,
      ],
    },
  ];
  for (const c of cases) it(c.name, () => expect(admitted(c.tolerations)).to.deep.equal(c.expected));
});
