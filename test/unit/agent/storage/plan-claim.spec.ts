// planClaim (the binder and the pvc-protection controller, pure): one healthy baseline (a bound claim no
// pod is deleting), one change per case, the exact action list.
import { expect } from 'chai';
import type { PersistentVolumeClaim } from '../../../../agent/model/persistent-volume-claim';
import type { Pod } from '../../../../agent/model/pod';
import { type ClaimAction, planClaim } from '../../../../agent/storage/plan-claim';
import { CREATED, aPod, iso } from '../../../helpers/builders';

const UID = '0b6c1f7e-1111-4222-8333-444455556666';
const VOLUME = `pvc-${UID}`;

const pending: PersistentVolumeClaim = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: {
    name: 'data',
    namespace: 'default',
    uid: UID,
    creationTimestamp: iso(CREATED),
    resourceVersion: '1',
    finalizers: ['kubernetes.io/pvc-protection'],
  },
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '1Gi' } },
    volumeMode: 'Filesystem',
  },
  status: { phase: 'Pending' },
};
const bound: PersistentVolumeClaim = {
  ...pending,
  spec: { ...pending.spec, volumeName: VOLUME },
  status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } },
};
const deleting = (c: PersistentVolumeClaim, finalizers = ['kubernetes.io/pvc-protection']) => ({
  ...c,
  metadata: { ...c.metadata, deletionTimestamp: iso(CREATED + 1000), finalizers },
});
const user = (claim: string, phase: Pod['status']['phase'] = 'Running'): Pod => {
  const p = aPod();
  p.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: claim } }];
  p.status.phase = phase;
  return p;
};
const boundStatus = (storage: string) => ({
  phase: 'Bound' as const,
  accessModes: ['ReadWriteOnce' as const],
  capacity: { storage },
});

const cases: { name: string; claim: PersistentVolumeClaim; pods?: Pod[]; actions: ClaimAction[] }[] = [
  { name: 'does nothing for a bound claim', claim: bound, actions: [] },
  {
    name: 'binds a pending claim to a volume of its own, its capacity the request',
    claim: pending,
    actions: [
      {
        type: 'bind',
        volumeName: VOLUME,
        annotations: {
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
        },
        status: boundStatus('1Gi'),
      },
    ],
  },
  {
    name: 'leaves a claim of a raw block device Pending',
    claim: { ...pending, spec: { ...pending.spec, volumeMode: 'Block' } },
    actions: [],
  },
  {
    name: 'leaves a claim naming another volume Pending (no PersistentVolume objects here)',
    claim: { ...pending, spec: { ...pending.spec, volumeName: 'pv-nfs' } },
    actions: [],
  },
  {
    name: 'lets the capacity follow a grown request',
    claim: { ...bound, spec: { ...bound.spec, resources: { requests: { storage: '2Gi' } } } },
    actions: [{ type: 'status', status: boundStatus('2Gi') }],
  },
  {
    name: 'keeps a deleted claim while a running pod names it',
    claim: deleting(bound),
    pods: [user('data')],
    actions: [],
  },
  {
    name: 'keeps a deleted claim while a pending pod names it',
    claim: deleting(bound),
    pods: [user('data', 'Pending')],
    actions: [],
  },
  {
    name: 'releases a deleted claim no pod names',
    claim: deleting(bound),
    pods: [user('other')],
    actions: [{ type: 'release' }],
  },
  {
    name: 'releases a deleted claim whose only user finished',
    claim: deleting(bound),
    pods: [user('data', 'Succeeded'), user('data', 'Failed')],
    actions: [{ type: 'release' }],
  },
  {
    name: 'leaves a deleted claim without the protection finalizer to its other finalizers',
    claim: deleting(bound, ['example.com/backup']),
    actions: [],
  },
  {
    name: 'does not bind a claim being deleted',
    claim: deleting(pending),
    pods: [user('data')],
    actions: [],
  },
];

describe('planClaim', () => {
  for (const c of cases)
    it(c.name, () => {
      expect(planClaim(c.claim, c.pods ?? [])).to.deep.equal(c.actions);
    });
});
