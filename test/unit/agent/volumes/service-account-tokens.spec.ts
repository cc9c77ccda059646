// The kubelet's token manager: when a held token is asked again (tokenRefreshDue, pure, table-tested), and
// what ServiceAccountTokens asks the TokenIssuer port (bound to the pod) and keeps.
import { expect } from 'chai';
import type { IssuedToken, TokenIssuer, TokenRequestSpec } from '../../../../agent/auth/token-issuer';
import { ManualClock } from '../../../../agent/clock';
import {
  type HeldToken,
  ServiceAccountTokens,
  tokenRefreshDue,
} from '../../../../agent/volumes/service-account-tokens';
import { MissingSource } from '../../../../agent/volumes/volume-payload';
import { aPod } from '../../../helpers/builders';

const S = 1000;
const H = 3600 * S;
const T0 = Date.parse('2026-01-01T00:00:00Z');
/** A token of an hour issued at T0. */
const hour: HeldToken = { issuedAtMs: T0, expiresAtMs: T0 + H, expirationSeconds: 3600 };
/** A year-long token (an issuer may give more than asked): the day limit counts. */
const year: HeldToken = {
  issuedAtMs: T0,
  expiresAtMs: T0 + 365 * 24 * H,
  expirationSeconds: 365 * 24 * 3600,
};

const cases: [string, HeldToken, number, number, boolean][] = [
  ['fresh', hour, T0, 0, false],
  ['at 79 % of its hour', hour, T0 + 0.79 * H, 0, false],
  ['at 80 % of its hour', hour, T0 + 0.8 * H, 0, true],
  ['expired', hour, T0 + 2 * H, 0, true],
  ['at 80 % less the jitter (10 s early)', hour, T0 + 0.8 * H - 10 * S, 10 * S, true],
  ['at 80 % less more than the jitter', hour, T0 + 0.8 * H - 11 * S, 10 * S, false],
  ['a year-long token after 23 h', year, T0 + 23 * H, 0, false],
  ['a year-long token after 24 h', year, T0 + 24 * H, 0, true],
  ['a year-long token 10 s before 24 h with 10 s of jitter', year, T0 + 24 * H - 10 * S, 10 * S, true],
];

describe('tokenRefreshDue (the kubelet token manager’s requiresRefresh)', () => {
  for (const [name, held, now, jitter, want] of cases)
    it(`${name}: ${want ? 'refresh' : 'keep'}`, () =>
      expect(tokenRefreshDue(held, now, jitter)).to.equal(want));
});

/** Numbers its tokens and records what it was asked. */
class FakeIssuer implements TokenIssuer {
  readonly asked: TokenRequestSpec[] = [];
  fail = false;
  /** As --service-account-max-token-expiration: longer requests are granted this. */
  maxSeconds = Infinity;
  constructor(private readonly clock: ManualClock) {}
  issue(spec: TokenRequestSpec): IssuedToken {
    if (this.fail) throw new Error('signing key unreadable');
    this.asked.push(spec);
    const expirationSeconds = Math.min(spec.expirationSeconds, this.maxSeconds);
    const expiry = new Date(this.clock.now() + expirationSeconds * 1000).toISOString();
    return { token: `token-${this.asked.length}`, expirationTimestamp: expiry, expirationSeconds };
  }
}

describe('ServiceAccountTokens', () => {
  const setup = (): { clock: ManualClock; issuer: FakeIssuer; tokens: ServiceAccountTokens } => {
    const clock = new ManualClock(T0);
    const issuer = new FakeIssuer(clock);
    const tokens = new ServiceAccountTokens({
      issuer,
      clock,
      jitterMs: () => 0,
      serviceAccountUid: (ns, name) => (ns === 'default' && name === 'builder' ? 'sa-uid' : undefined),
    });
    return { clock, issuer, tokens };
  };
  const pod = (): ReturnType<typeof aPod> => {
    const p = aPod();
    p.spec.serviceAccountName = 'builder';
    return p;
  };

  it('asks for a token of the pod’s ServiceAccount, bound to the pod, with the audience and lifetime', () => {
    const { issuer, tokens } = setup();
    expect(tokens.token(pod(), { path: 'token', audience: 'vault', expirationSeconds: 3607 })).to.equal(
      'token-1',
    );
    expect(issuer.asked).to.deep.equal([
      {
        namespace: 'default',
        serviceAccountName: 'builder',
        serviceAccountUid: 'sa-uid',
        audiences: ['vault'],
        expirationSeconds: 3607,
        boundObject: { kind: 'Pod', name: 'p', uid: 'uid-1' },
      },
    ]);
  });

  it('keeps the token until 80 % of its lifetime, then asks again', () => {
    const { clock, issuer, tokens } = setup();
    const src = { path: 'token', expirationSeconds: 3600 };
    expect(tokens.token(pod(), src)).to.equal('token-1');
    clock.advance(0.79 * H);
    expect(tokens.token(pod(), src)).to.equal('token-1');
    clock.advance(0.02 * H);
    expect(tokens.token(pod(), src)).to.equal('token-2');
    expect(issuer.asked).to.have.length(2);
    expect(issuer.asked[0]?.audiences).to.deep.equal([]);
  });

  it('a lifetime shortened by the issuer: refreshed at 80 % of what was granted, not of what was asked', () => {
    const { clock, issuer, tokens } = setup();
    issuer.maxSeconds = 1800;
    const src = { path: 'token', expirationSeconds: 3607 };
    expect(tokens.token(pod(), src)).to.equal('token-1');
    clock.advance(1200 * 1000); // past 1800 - 20 % of 3607, before 80 % of 1800
    expect(tokens.token(pod(), src)).to.equal('token-1');
    clock.advance(300 * 1000);
    expect(tokens.token(pod(), src)).to.equal('token-2');
  });

  it('a failed refresh keeps the valid token; an expired one is a mount failure', () => {
    const { clock, issuer, tokens } = setup();
    const src = { path: 'token', expirationSeconds: 3600 };
    tokens.token(pod(), src);
    issuer.fail = true;
    clock.advance(0.9 * H);
    expect(tokens.token(pod(), src)).to.equal('token-1');
    clock.advance(0.2 * H);
    expect(() => tokens.token(pod(), src)).to.throw(
      MissingSource,
      'failed to fetch token: signing key unreadable',
    );
  });

  it('a ServiceAccount not there: serviceaccounts "x" not found', () => {
    const { tokens } = setup();
    const p = aPod();
    p.spec.serviceAccountName = 'ghost';
    expect(() => tokens.token(p, { path: 'token' })).to.throw(
      MissingSource,
      'serviceaccounts "ghost" not found',
    );
  });

  it('forget drops the pod’s tokens: the next ask is a new token', () => {
    const { tokens } = setup();
    const src = { path: 'token', expirationSeconds: 3600 };
    tokens.token(pod(), src);
    tokens.forget('uid-1');
    expect(tokens.token(pod(), src)).to.equal('token-2');
  });

  it('no issuer: refused as a mount failure', () => {
    const tokens = new ServiceAccountTokens({ clock: new ManualClock(T0), serviceAccountUid: () => 'u' });
    expect(() => tokens.token(pod(), { path: 'token' })).to.throw(
      MissingSource,
      'no ServiceAccount token issuer',
    );
  });
});
