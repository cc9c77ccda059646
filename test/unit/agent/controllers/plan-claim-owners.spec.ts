// claimOwners (upstream's isClaimOwnerUpToDate and updateClaimOwnerRefForSetAndPod): for each retention
// policy, a claim of a pod in range and of a pod scaled down, from no references and from the right ones;
// then the claims left alone (stale references, another controller) and the references fixed.
import { expect } from 'chai';
import { type ClaimView, claimOwners } from '../../../../agent/controllers/statefulset/plan-claim-owners';
import type { OwnerReference, StatefulSet } from '../../../../agent/model/workload';
import { controllerRef } from '../../../../agent/model/workload';

type Policy = StatefulSet['spec']['persistentVolumeClaimRetentionPolicy'];
const sts = (policy: Policy): StatefulSet =>
  ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web' },
    spec: { persistentVolumeClaimRetentionPolicy: policy },
  }) as unknown as StatefulSet;
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-2', uid: 'uid-web-2' } } as never;
const setRef = controllerRef(sts({ whenDeleted: 'Retain', whenScaled: 'Retain' }));
const podRef = controllerRef(pod);
const other: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'uid-cm' };
const otherController: OwnerReference = { ...other, controller: true };

const RR = { whenDeleted: 'Retain', whenScaled: 'Retain' } as const;
const DR = { whenDeleted: 'Delete', whenScaled: 'Retain' } as const;
const RD = { whenDeleted: 'Retain', whenScaled: 'Delete' } as const;
const DD = { whenDeleted: 'Delete', whenScaled: 'Delete' } as const;

const cases: {
  name: string;
  policy: Policy;
  inRange: boolean;
  refs?: OwnerReference[];
  want?: OwnerReference[];
}[] = [
  { name: 'Retain/Retain: no owner, in range', policy: RR, inRange: true },
  { name: 'Retain/Retain: no owner, scaled down', policy: RR, inRange: false },
  {
    name: 'Retain/Retain: drops the set and the pod',
    policy: RR,
    inRange: false,
    refs: [setRef, podRef],
    want: [],
  },
  { name: 'whenDeleted Delete: the set, in range', policy: DR, inRange: true, refs: [], want: [setRef] },
  {
    name: 'whenDeleted Delete: still the set once scaled down',
    policy: DR,
    inRange: false,
    refs: [],
    want: [setRef],
  },
  { name: 'whenDeleted Delete: up to date', policy: DR, inRange: true, refs: [setRef] },
  { name: 'whenScaled Delete: nobody while in range', policy: RD, inRange: true },
  {
    name: 'whenScaled Delete: the pod once scaled down',
    policy: RD,
    inRange: false,
    refs: [],
    want: [podRef],
  },
  {
    name: 'whenScaled Delete: the pod off again in range',
    policy: RD,
    inRange: true,
    refs: [podRef],
    want: [],
  },
  { name: 'both Delete: the set while in range', policy: DD, inRange: true, refs: [], want: [setRef] },
  {
    name: 'both Delete: the pod, not the set, once scaled down',
    policy: DD,
    inRange: false,
    refs: [setRef],
    want: [podRef],
  },
  { name: 'both Delete: up to date scaled down', policy: DD, inRange: false, refs: [podRef] },
  {
    name: 'keeps other owners, adding after them',
    policy: DR,
    inRange: true,
    refs: [other],
    want: [other, setRef],
  },
  {
    name: 'makes a plain reference to the set a controller one',
    policy: DR,
    inRange: true,
    refs: [{ ...setRef, controller: false }],
    want: [setRef],
  },
  {
    name: 'leaves a claim with a stale reference to the set (another uid) alone',
    policy: DD,
    inRange: true,
    refs: [{ ...setRef, uid: 'uid-old' }],
  },
  {
    name: 'leaves a claim with a stale reference to the pod alone',
    policy: RR,
    inRange: true,
    refs: [{ ...podRef, uid: 'uid-old' }],
  },
  { name: 'adds nobody beside another controller', policy: DR, inRange: true, refs: [otherController] },
  {
    name: 'takes the set off a claim another controller has',
    policy: DR,
    inRange: true,
    refs: [otherController, setRef],
    want: [otherController],
  },
  {
    name: 'with Retain/Retain another controller does not matter: the set goes',
    policy: RR,
    inRange: true,
    refs: [otherController, setRef],
    want: [otherController],
  },
];

describe('claimOwners (persistentVolumeClaimRetentionPolicy)', () => {
  for (const c of cases)
    it(c.name, () => {
      const claim: ClaimView = c.refs ? { ownerReferences: c.refs } : {};
      expect(claimOwners(sts(c.policy), claim, pod, c.inRange)).to.deep.equal(c.want);
    });
});
