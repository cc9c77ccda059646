// How long a bound token lives (agent/auth/token-lifetime.ts), as kube-apiserver's TokenRequest storage.
import { expect } from 'chai';
import {
  EXPIRATION_EXTENSION_SECONDS,
  type TokenLifetime,
  shortenedWarning,
  tokenLifetime,
} from '../../../../agent/auth/token-lifetime';

const API = 'https://kubernetes.default.svc.cluster.local';
const policy = { maxExpirationSeconds: 0, extendExpiration: true, apiAudiences: [API] };

describe('tokenLifetime', () => {
  const cases: [string, Parameters<typeof tokenLifetime>[0], Partial<typeof policy>, TokenLifetime][] = [
    [
      'an hour: as asked',
      { expirationSeconds: 3600, audiences: [API], boundToPod: true },
      {},
      { expirationSeconds: 3600, signedSeconds: 3600 },
    ],
    [
      "the kubelet's 3607 s for the API, bound to a pod: signed for a year, warnafter at 3607 s",
      { expirationSeconds: 3607, audiences: [], boundToPod: true },
      {},
      { expirationSeconds: 3607, signedSeconds: EXPIRATION_EXTENSION_SECONDS, warnAfterSeconds: 3607 },
    ],
    [
      '3607 s not bound to a pod: as asked',
      { expirationSeconds: 3607, audiences: [API], boundToPod: false },
      {},
      { expirationSeconds: 3607, signedSeconds: 3607 },
    ],
    [
      '3607 s for another audience: as asked',
      { expirationSeconds: 3607, audiences: [API, 'vault'], boundToPod: true },
      {},
      { expirationSeconds: 3607, signedSeconds: 3607 },
    ],
    [
      '3607 s with the extension off: as asked',
      { expirationSeconds: 3607, audiences: [API], boundToPod: true },
      { extendExpiration: false },
      { expirationSeconds: 3607, signedSeconds: 3607 },
    ],
    [
      'longer than the maximum: shortened to it',
      { expirationSeconds: 86_400, audiences: [API], boundToPod: false },
      { maxExpirationSeconds: 7200 },
      { expirationSeconds: 7200, shortenedFrom: 86_400, signedSeconds: 7200 },
    ],
    [
      'the maximum below 3607 s: the kubelet token is shortened, then not extended',
      { expirationSeconds: 3607, audiences: [API], boundToPod: true },
      { maxExpirationSeconds: 3600 },
      { expirationSeconds: 3600, shortenedFrom: 3607, signedSeconds: 3600 },
    ],
  ];
  for (const [name, request, p, want] of cases)
    it(name, () => expect(tokenLifetime(request, { ...policy, ...p })).to.deep.equal(want));

  it("words the shortening as upstream's warning", () =>
    expect(shortenedWarning(86_400, 7200)).to.equal(
      'requested expiration of 86400 seconds shortened to 7200 seconds',
    ));
});
