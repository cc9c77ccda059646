import { expect } from 'chai';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SigningKey, ensureSigningKey, keyId } from '../../../../agent/auth/signing-key';
import { peekClaims, signJwt, verifyJwt } from '../../../../agent/auth/jwt';
import { jwks, openIdConfiguration } from '../../../../agent/auth/oidc';

describe('agent/auth: the signing key and JWTs', () => {
  let dir: string;
  let key: SigningKey;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mk-sa-key-'));
    key = ensureSigningKey(join(dir, 'pki'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('makes an RSA 2048 key once (sa.key 0600, sa.pub) and reads the same one back after a restart', () => {
    expect(key.privateKey.asymmetricKeyDetails?.modulusLength).to.equal(2048);
    expect(statSync(join(dir, 'pki', 'sa.key')).mode & 0o777).to.equal(0o600);
    expect(createPublicKey(readFileSync(join(dir, 'pki', 'sa.pub'))).equals(key.publicKey)).to.equal(true);
    const again = ensureSigningKey(join(dir, 'pki'));
    expect(again.kid).to.equal(key.kid);
    expect(again.publicKey.equals(key.publicKey)).to.equal(true);
  });

  it('names the key as upstream: base64url of the SHA-256 of the DER public key', () => {
    const der = key.publicKey.export({ type: 'spki', format: 'der' });
    expect(key.kid).to.equal(createHash('sha256').update(der).digest('base64url'));
    expect(key.kid).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(keyId(key.publicKey)).to.equal(key.kid);
  });

  it('signs RS256 with the kid in the header and verifies its own tokens', () => {
    const token = signJwt({ sub: 'x', n: 1 }, key);
    const [head] = token.split('.');
    expect(JSON.parse(Buffer.from(head ?? '', 'base64url').toString())).to.deep.equal({
      alg: 'RS256',
      kid: key.kid,
    });
    expect(verifyJwt(token, [key.publicKey])).to.deep.equal({ sub: 'x', n: 1 });
  });

  it('refuses another key, a changed payload, alg none, and what is not a JWT', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const token = signJwt({ sub: 'x' }, key);
    expect(verifyJwt(token, [other])).to.equal(undefined);
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${s}`;
    expect(verifyJwt(forged, [key.publicKey])).to.equal(undefined);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
    expect(verifyJwt(none, [key.publicKey])).to.equal(undefined);
    for (const t of ['', 'abc', 'a.b', 'a.b.c.d', `${token}x!`])
      expect(verifyJwt(t, [key.publicKey]), t).to.equal(undefined);
    expect(peekClaims('a.b')).to.equal(undefined);
  });

  it('publishes the key as a JWKS and the issuer as OIDC discovery does', () => {
    const set = jwks([key]) as { keys: Record<string, string>[] };
    expect(set.keys).to.have.length(1);
    expect(set.keys[0]).to.include({ use: 'sig', kty: 'RSA', kid: key.kid, alg: 'RS256', e: 'AQAB' });
    const back = createPublicKey({ key: { kty: 'RSA', n: set.keys[0]?.['n'], e: 'AQAB' }, format: 'jwk' });
    expect(back.equals(key.publicKey)).to.equal(true);
    expect(openIdConfiguration('https://kubernetes.default.svc.cluster.local')).to.deep.equal({
      issuer: 'https://kubernetes.default.svc.cluster.local',
      jwks_uri: 'https://kubernetes.default.svc.cluster.local/openid/v1/jwks',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });
});
