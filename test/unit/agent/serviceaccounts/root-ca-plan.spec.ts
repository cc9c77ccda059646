// planRootCA: what kube-controller-manager's root-ca-cert-publisher writes for one namespace. Baseline: an
// active namespace, the ConfigMap as the publisher made it, a CA; one change a case, the whole action expected.
import { expect } from 'chai';
import type { ConfigMap } from '../../../../agent/model/config-objects';
import { type Namespace, newNamespace } from '../../../../agent/model/namespace';
import {
  DESCRIPTION_ANNOTATION,
  ROOT_CA_DESCRIPTION,
  type RootCAAction,
  planRootCA,
} from '../../../../agent/serviceaccounts/root-ca-plan';

const CA = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
const meta = {
  name: 'kube-root-ca.crt',
  namespace: 'team',
  uid: 'u1',
  creationTimestamp: 't',
  resourceVersion: '7',
};
const published = (): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { ...meta, annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
  data: { 'ca.crt': CA },
});
const fresh: ConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'kube-root-ca.crt',
    namespace: 'team',
    uid: '',
    creationTimestamp: '',
    resourceVersion: '',
    annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION },
  },
  data: { 'ca.crt': CA },
};
const terminating = (): Namespace => {
  const ns = newNamespace('team');
  ns.status.phase = 'Terminating';
  return ns;
};

interface Case {
  name: string;
  ns?: Namespace | undefined;
  existing?: ConfigMap | undefined;
  ca?: string | undefined;
  want: RootCAAction;
}

const cases: Case[] = [
  { name: 'published and untouched: nothing', want: { type: 'none' } },
  {
    name: 'missing (new namespace, or deleted): created',
    existing: undefined,
    want: { type: 'create', configMap: fresh },
  },
  { name: 'no CA: nothing, even when missing', existing: undefined, ca: undefined, want: { type: 'none' } },
  { name: 'namespace gone: nothing', ns: undefined, existing: undefined, want: { type: 'none' } },
  { name: 'namespace terminating: nothing', ns: terminating(), existing: undefined, want: { type: 'none' } },
  {
    name: 'ca.crt edited: put back',
    existing: { ...published(), data: { 'ca.crt': 'junk' } },
    want: { type: 'update', configMap: published() },
  },
  {
    name: 'a key added: removed',
    existing: { ...published(), data: { 'ca.crt': CA, extra: 'x' } },
    want: { type: 'update', configMap: published() },
  },
  {
    name: 'the description annotation removed: put back, other annotations kept',
    existing: { ...published(), metadata: { ...meta, annotations: { mine: 'yes' } } },
    want: {
      type: 'update',
      configMap: {
        ...published(),
        metadata: { ...meta, annotations: { mine: 'yes', [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
      },
    },
  },
  {
    name: 'labels added: kept, nothing to do',
    existing: { ...published(), metadata: { ...published().metadata, labels: { a: 'b' } } },
    want: { type: 'none' },
  },
  {
    name: 'the CA changed (a new pki): the data follows',
    ca: 'NEW',
    want: { type: 'update', configMap: { ...published(), data: { 'ca.crt': 'NEW' } } },
  },
];

describe('planRootCA (root-ca-cert-publisher)', () => {
  for (const c of cases)
    it(c.name, () => {
      const ns = 'ns' in c ? c.ns : newNamespace('team');
      const existing = 'existing' in c ? c.existing : published();
      const ca = 'ca' in c ? c.ca : CA;
      expect(planRootCA('team', ns, existing, ca)).to.deep.equal(c.want);
    });
});
