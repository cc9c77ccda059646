// The JwtTokenIssuer's tokens through the authenticator: who they are, and every reason one is refused.
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { ManualClock } from '../../../../agent/clock';
import { JwtTokenIssuer } from '../../../../agent/auth/jwt-token-issuer';
import { signingKeyFrom, type SigningKey } from '../../../../agent/auth/signing-key';
import {
  ServiceAccountTokenAuthenticator,
  type TokenObjects,
} from '../../../../agent/auth/token-authenticator';
import type { TokenRequestSpec } from '../../../../agent/auth/token-issuer';
import { signJwt } from '../../../../agent/auth/jwt';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const pem = (): string =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;

type Obj = { uid: string; deletedAt?: number; token?: string };

describe('agent/auth: ServiceAccount tokens issued and authenticated', () => {
  let key: SigningKey;
  let otherKey: SigningKey;
  before(() => {
    key = signingKeyFrom(pem());
    otherKey = signingKeyFrom(pem());
  });

  const setup = () => {
    const clock = new ManualClock();
    const objects = {
      serviceAccounts: new Map<string, Obj>([['default/sa', { uid: 'sa-uid' }]]),
      pods: new Map<string, Obj>([['default/p', { uid: 'pod-uid' }]]),
      secrets: new Map<string, Obj>([['default/s', { uid: 'secret-uid' }]]),
    };
    const reads: TokenObjects = {
      serviceAccount: (ns, n) => objects.serviceAccounts.get(`${ns}/${n}`),
      pod: (ns, n) => objects.pods.get(`${ns}/${n}`),
      secret: (ns, n) => objects.secrets.get(`${ns}/${n}`),
    };
    const deps = { issuer: ISSUER, apiAudiences: [ISSUER], clock };
    const issuer = new JwtTokenIssuer({ ...deps, key: () => key, newId: () => 'the-jti' });
    const authn = new ServiceAccountTokenAuthenticator({
      ...deps,
      keys: () => [key.publicKey],
      objects: reads,
    });
    return { clock, objects, issuer, authn };
  };
  const spec = (over: Partial<TokenRequestSpec> = {}): TokenRequestSpec => ({
    namespace: 'default',
    serviceAccountName: 'sa',
    serviceAccountUid: 'sa-uid',
    audiences: [],
    expirationSeconds: 3600,
    ...over,
  });

  it('writes upstream bound claims and an expirationTimestamp exp seconds from now', () => {
    const { issuer, clock } = setup();
    const issued = issuer.issue(spec({ boundObject: { kind: 'Pod', name: 'p', uid: 'pod-uid' } }));
    const now = clock.now() / 1000;
    expect(issued.expirationTimestamp).to.equal('2026-01-01T01:00:00Z');
    const claims = JSON.parse(Buffer.from(issued.token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).to.deep.equal({
      aud: [ISSUER],
      exp: now + 3600,
      iat: now,
      iss: ISSUER,
      jti: 'the-jti',
      'kubernetes.io': {
        namespace: 'default',
        pod: { name: 'p', uid: 'pod-uid' },
        serviceaccount: { name: 'sa', uid: 'sa-uid' },
      },
      nbf: now,
      sub: 'system:serviceaccount:default:sa',
    });
  });

  it('authenticates a valid token as its ServiceAccount, with the pod and credential id as extra', () => {
    const { issuer, authn } = setup();
    const { token } = issuer.issue(spec({ boundObject: { kind: 'Pod', name: 'p', uid: 'pod-uid' } }));
    expect(authn.authenticate(token)).to.deep.equal({
      ok: true,
      identity: {
        namespace: 'default',
        name: 'sa',
        uid: 'sa-uid',
        extra: {
          'authentication.kubernetes.io/pod-name': ['p'],
          'authentication.kubernetes.io/pod-uid': ['pod-uid'],
          'authentication.kubernetes.io/credential-id': ['JTI=the-jti'],
        },
        audiences: [ISSUER],
      },
    });
  });

  const refusals: [string, (s: ReturnType<typeof setup>) => string, string][] = [
    [
      'expired (past the minute of leeway)',
      (s) => {
        const t = s.issuer.issue(spec({ expirationSeconds: 600 })).token;
        s.clock.advance(661_000);
        return t;
      },
      'service account token has expired',
    ],
    [
      'not yet valid (issued by a clock ahead)',
      (s) => {
        const t = s.issuer.issue(spec()).token;
        s.clock.advance(-120_000);
        return t;
      },
      'service account token is not valid yet',
    ],
    [
      'for another audience',
      (s) => s.issuer.issue(spec({ audiences: ['vault'] })).token,
      `token audiences ["vault"] is invalid for the target audiences ["${ISSUER}"]`,
    ],
    ['signed by another key', () => signJwt({ iss: ISSUER }, otherKey), 'invalid bearer token'],
    [
      'from another issuer',
      () => signJwt({ iss: 'https://elsewhere', aud: [ISSUER], exp: 2e9 }, key),
      'invalid bearer token',
    ],
    [
      'of a ServiceAccount made again (another uid)',
      (s) => {
        const t = s.issuer.issue(spec()).token;
        s.objects.serviceAccounts.set('default/sa', { uid: 'new-uid' });
        return t;
      },
      'service account UID (new-uid) does not match claim (sa-uid)',
    ],
    [
      'of a deleted ServiceAccount',
      (s) => {
        const t = s.issuer.issue(spec()).token;
        s.objects.serviceAccounts.delete('default/sa');
        return t;
      },
      'service account token has been invalidated',
    ],
    [
      'bound to a deleted pod',
      (s) => {
        const t = s.issuer.issue(spec({ boundObject: { kind: 'Pod', name: 'p', uid: 'pod-uid' } })).token;
        s.objects.pods.delete('default/p');
        return t;
      },
      'service account token has been invalidated',
    ],
    [
      'bound to a pod deleted more than a minute ago (still terminating)',
      (s) => {
        const t = s.issuer.issue(spec({ boundObject: { kind: 'Pod', name: 'p', uid: 'pod-uid' } })).token;
        s.objects.pods.set('default/p', { uid: 'pod-uid', deletedAt: s.clock.now() - 61_000 });
        return t;
      },
      'service account token has been invalidated',
    ],
    [
      'bound to a pod made again',
      (s) => {
        const t = s.issuer.issue(spec({ boundObject: { kind: 'Pod', name: 'p', uid: 'pod-uid' } })).token;
        s.objects.pods.set('default/p', { uid: 'other' });
        return t;
      },
      'pod UID (other) does not match claim (pod-uid)',
    ],
    [
      'bound to a deleted secret',
      (s) => {
        const t = s.issuer.issue(
          spec({ boundObject: { kind: 'Secret', name: 's', uid: 'secret-uid' } }),
        ).token;
        s.objects.secrets.delete('default/s');
        return t;
      },
      'service account token has been invalidated',
    ],
    [
      'a legacy token whose Secret no longer holds it',
      (s) => {
        const t = s.issuer.issueLegacy('default', { name: 'sa', uid: 'sa-uid' }, 's');
        s.objects.secrets.set('default/s', { uid: 'secret-uid', token: 'another' });
        return t;
      },
      "token does not match server's copy",
    ],
  ];
  for (const [what, make, error] of refusals)
    it(`refuses a token ${what}`, () => {
      const s = setup();
      const token = make(s);
      expect(s.authn.authenticate(token)).to.deep.equal({ ok: false, error });
    });

  it('accepts a token for another audience when the reviewer asks for it, and only the asked ones', () => {
    const { issuer, authn } = setup();
    const { token } = issuer.issue(spec({ audiences: ['vault', 'other'] }));
    const r = authn.authenticate(token, ['vault']);
    expect(r.ok && r.identity.audiences).to.deep.equal(['vault']);
  });

  it("keeps a terminating pod's token valid for a minute past its deletion, as upstream", () => {
    const s = setup();
    const { token } = s.issuer.issue(spec({ boundObject: { kind: 'Pod', name: 'p', uid: 'pod-uid' } }));
    s.objects.pods.set('default/p', { uid: 'pod-uid', deletedAt: s.clock.now() - 30_000 });
    expect(s.authn.authenticate(token).ok).to.equal(true);
  });

  it('authenticates a legacy Secret token, no expiry, while the Secret holds it', () => {
    const s = setup();
    const token = s.issuer.issueLegacy('default', { name: 'sa', uid: 'sa-uid' }, 's');
    s.objects.secrets.set('default/s', { uid: 'secret-uid', token });
    s.clock.advance(400 * 86_400_000);
    expect(s.authn.authenticate(token)).to.deep.equal({
      ok: true,
      identity: { namespace: 'default', name: 'sa', uid: 'sa-uid', extra: {}, audiences: [ISSUER] },
    });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).to.deep.equal({
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': 'default',
      'kubernetes.io/serviceaccount/secret.name': 's',
      'kubernetes.io/serviceaccount/service-account.name': 'sa',
      'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
      sub: 'system:serviceaccount:default:sa',
    });
  });
});
