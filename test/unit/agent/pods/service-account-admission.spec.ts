// The token half of upstream's ServiceAccount admission: which pods get the kube-api-access volume, and where
// it is mounted. One baseline (a pod of one app container, a ServiceAccount saying nothing); one change a case.
import { expect } from 'chai';
import type { Container, Pod, Volume } from '../../../../agent/model/pod';
import { type ServiceAccount, newServiceAccount } from '../../../../agent/model/service-account';
import {
  TOKEN_MOUNT_PATH,
  mountServiceAccountToken,
  tokenVolume,
} from '../../../../agent/pods/service-account-admission';
import { aContainer, aPod } from '../../../helpers/builders';

const TOKEN_MOUNT = { name: 'kube-api-access-abcde', readOnly: true, mountPath: TOKEN_MOUNT_PATH };
const OWN_MOUNT = { name: 'mine', mountPath: TOKEN_MOUNT_PATH };
const mine: Volume = { name: 'mine', emptyDir: {} };

interface Case {
  name: string;
  pod?: (p: Pod) => void;
  sa?: (sa: ServiceAccount) => void;
  volumes: Volume[] | undefined;
  mounts: Record<string, Container['volumeMounts']>;
}

const cases: Case[] = [
  {
    name: 'nothing said: the volume, mounted in the container',
    volumes: [tokenVolume('kube-api-access-abcde')],
    mounts: { run1: [TOKEN_MOUNT] },
  },
  {
    name: 'automountServiceAccountToken false on the pod: nothing',
    pod: (p) => (p.spec.automountServiceAccountToken = false),
    volumes: undefined,
    mounts: { run1: undefined },
  },
  {
    name: 'false on the ServiceAccount: nothing',
    sa: (sa) => (sa.automountServiceAccountToken = false),
    volumes: undefined,
    mounts: { run1: undefined },
  },
  {
    name: 'false on the ServiceAccount, true on the pod: the pod wins',
    sa: (sa) => (sa.automountServiceAccountToken = false),
    pod: (p) => (p.spec.automountServiceAccountToken = true),
    volumes: [tokenVolume('kube-api-access-abcde')],
    mounts: { run1: [TOKEN_MOUNT] },
  },
  {
    name: 'true on the ServiceAccount, false on the pod: the pod wins',
    sa: (sa) => (sa.automountServiceAccountToken = true),
    pod: (p) => (p.spec.automountServiceAccountToken = false),
    volumes: undefined,
    mounts: { run1: undefined },
  },
  {
    name: 'init containers are mounted too, before the app containers in no particular need',
    pod: (p) => (p.spec.initContainers = [aContainer('init1')]),
    volumes: [tokenVolume('kube-api-access-abcde')],
    mounts: { init1: [TOKEN_MOUNT], run1: [TOKEN_MOUNT] },
  },
  {
    name: 'a container with its own mount at the path keeps it; the others get the token',
    pod: (p) => {
      p.spec.volumes = [mine];
      p.spec.containers = [aContainer('run1', { volumeMounts: [OWN_MOUNT] }), aContainer('run2')];
    },
    volumes: [mine, tokenVolume('kube-api-access-abcde')],
    mounts: { run1: [OWN_MOUNT], run2: [TOKEN_MOUNT] },
  },
  {
    name: 'every container mounts something at the path: no volume',
    pod: (p) => {
      p.spec.volumes = [mine];
      p.spec.containers = [aContainer('run1', { volumeMounts: [OWN_MOUNT] })];
    },
    volumes: [mine],
    mounts: { run1: [OWN_MOUNT] },
  },
  {
    name: 'a kube-api-access-* volume already there is reused, not added again',
    pod: (p) => (p.spec.volumes = [tokenVolume('kube-api-access-xyz12')]),
    volumes: [tokenVolume('kube-api-access-xyz12')],
    mounts: { run1: [{ ...TOKEN_MOUNT, name: 'kube-api-access-xyz12' }] },
  },
  {
    name: 'other mounts stay, the token one comes last',
    pod: (p) => {
      p.spec.volumes = [mine];
      p.spec.containers = [aContainer('run1', { volumeMounts: [{ name: 'mine', mountPath: '/data' }] })];
    },
    volumes: [mine, tokenVolume('kube-api-access-abcde')],
    mounts: { run1: [{ name: 'mine', mountPath: '/data' }, TOKEN_MOUNT] },
  },
];

describe('ServiceAccount admission: the kube-api-access volume', () => {
  for (const c of cases)
    it(c.name, () => {
      const pod = aPod();
      const sa = newServiceAccount('default', 'default');
      c.pod?.(pod);
      c.sa?.(sa);
      mountServiceAccountToken(pod, sa, () => 'abcde');
      expect(pod.spec.volumes).to.deep.equal(c.volumes);
      const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
      expect(Object.fromEntries(all.map((k) => [k.name, k.volumeMounts]))).to.deep.equal(c.mounts);
    });

  it('the volume is upstream’s: a 3607 s token, the root CA, the namespace, mode 0644', () => {
    expect(tokenVolume('kube-api-access-abcde')).to.deep.equal({
      name: 'kube-api-access-abcde',
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          {
            downwardAPI: {
              items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
            },
          },
        ],
        defaultMode: 420,
      },
    });
  });
});
