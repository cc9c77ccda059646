// The Priority admission plugin's resolution of a new pod's priority (pure), case by case with upstream's
// wording.
import { expect } from 'chai';
import type { PriorityClass } from '../../../../agent/model/priority-class';
import {
  type PodPriorityFields,
  admitPriority,
  defaultPriorityClass,
} from '../../../../agent/priority/priority-admission';

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name, namespace: '', uid: name, creationTimestamp: '', resourceVersion: '1' },
  value,
  preemptionPolicy: 'PreemptLowerPriority',
  ...extra,
});

const high = pc('high', 1000);
const never = pc('batch', 10, { preemptionPolicy: 'Never' });
const def = pc('default-ish', 5, { globalDefault: true });

describe('priority admission (plugin/pkg/admission/priority)', () => {
  const cases: [string, PodPriorityFields, PriorityClass[], ReturnType<typeof admitPriority>][] = [
    [
      'no class, no default: priority 0, PreemptLowerPriority, no name',
      {},
      [high],
      { ok: true, fields: { priority: 0, preemptionPolicy: 'PreemptLowerPriority' } },
    ],
    [
      'a named class: its value and policy',
      { priorityClassName: 'batch' },
      [high, never],
      { ok: true, fields: { priorityClassName: 'batch', priority: 10, preemptionPolicy: 'Never' } },
    ],
    [
      'no name: the global default class, named on the pod',
      {},
      [high, def],
      {
        ok: true,
        fields: { priorityClassName: 'default-ish', priority: 5, preemptionPolicy: 'PreemptLowerPriority' },
      },
    ],
    [
      'an unknown name',
      { priorityClassName: 'nope' },
      [high],
      { ok: false, why: 'no PriorityClass with name nope was found' },
    ],
    [
      'a priority the pod set that agrees',
      { priorityClassName: 'high', priority: 1000 },
      [high],
      {
        ok: true,
        fields: { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' },
      },
    ],
    [
      'a priority the pod set that differs',
      { priorityClassName: 'high', priority: 7 },
      [high],
      {
        ok: false,
        why: 'the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
      },
    ],
    [
      'a priority without a class that differs from 0',
      { priority: 3 },
      [],
      {
        ok: false,
        why: 'the integer value of priority (3) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
      },
    ],
    [
      'a preemptionPolicy that differs from the class',
      { priorityClassName: 'batch', preemptionPolicy: 'PreemptLowerPriority' },
      [never],
      {
        ok: false,
        why: 'the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name',
      },
    ],
  ];
  for (const [name, spec, classes, want] of cases)
    it(name, () => expect(admitPriority(spec, classes)).to.deep.equal(want));

  it('several defaults (a race): the lowest value wins', () => {
    const other = pc('other', 1, { globalDefault: true });
    expect(defaultPriorityClass([high, def, other])?.metadata.name).to.equal('other');
    expect(defaultPriorityClass([high])).to.equal(undefined);
  });
});
