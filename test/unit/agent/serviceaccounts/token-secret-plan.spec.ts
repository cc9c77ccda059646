import { expect } from 'chai';
import type { Secret } from '../../../../agent/model/config-objects';
import type { ServiceAccount } from '../../../../agent/model/service-account';
import { type TokenSecretAction, planTokenSecret } from '../../../../agent/serviceaccounts/token-secret-plan';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const sa = (uid = 'sa-uid'): ServiceAccount => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'build', namespace: 'ci', uid, creationTimestamp: '', resourceVersion: '1' },
});
const secret = (
  over: { annotations?: Record<string, string>; data?: Record<string, string>; type?: string } = {},
): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: over.type ?? 'kubernetes.io/service-account-token',
  metadata: {
    name: 'build-token',
    namespace: 'ci',
    uid: 's-uid',
    creationTimestamp: '',
    resourceVersion: '2',
    annotations: over.annotations ?? { 'kubernetes.io/service-account.name': 'build' },
  },
  ...(over.data ? { data: over.data } : {}),
});
const FILLED = {
  annotations: {
    'kubernetes.io/service-account.name': 'build',
    'kubernetes.io/service-account.uid': 'sa-uid',
  },
  data: { token: b64('t'), namespace: b64('ci'), 'ca.crt': b64('CA') },
};

describe('planTokenSecret (kube-controller-manager token controller)', () => {
  const cases: [string, Secret, ServiceAccount | undefined, string | undefined, TokenSecretAction][] = [
    [
      'a new Secret: token, namespace, ca.crt and the uid annotation',
      secret(),
      sa(),
      'CA',
      { type: 'fill', uid: 'sa-uid', needsToken: true, data: { namespace: b64('ci'), 'ca.crt': b64('CA') } },
    ],
    [
      'without TLS: no ca.crt',
      secret(),
      sa(),
      undefined,
      { type: 'fill', uid: 'sa-uid', needsToken: true, data: { namespace: b64('ci') } },
    ],
    ['filled already: nothing', secret(FILLED), sa(), 'CA', { type: 'none' }],
    [
      'a token but ca.crt changed: only ca.crt, the token kept',
      secret({ ...FILLED, data: { ...FILLED.data, 'ca.crt': b64('old') } }),
      sa(),
      'CA',
      { type: 'fill', uid: 'sa-uid', needsToken: false, data: { 'ca.crt': b64('CA') } },
    ],
    [
      'no such ServiceAccount: deleted',
      secret(),
      undefined,
      'CA',
      { type: 'delete', why: 'its ServiceAccount does not exist' },
    ],
    [
      'the ServiceAccount made again (another uid): deleted',
      secret(FILLED),
      sa('other'),
      'CA',
      { type: 'delete', why: 'its ServiceAccount was made again' },
    ],
    ['another type: nothing', secret({ type: 'Opaque' }), undefined, 'CA', { type: 'none' }],
  ];
  for (const [what, s, account, ca, want] of cases)
    it(what, () => expect(planTokenSecret(s, account, ca)).to.deep.equal(want));
});
