// Compact JWS with RS256 (RFC 7515/7519), as go-jose signs and checks ServiceAccount tokens: a header of alg
// and kid, the claims, a PKCS#1 v1.5 SHA-256 signature. Node's crypto is enough; a JOSE library would bring
// algorithms (and their confusion) that a single-issuer API does not need.
import { type KeyObject, sign, verify } from 'node:crypto';
import type { SigningKey } from './signing-key';

export type JwtClaims = Record<string, unknown>;

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

export function signJwt(claims: JwtClaims, key: SigningKey): string {
  const input = `${b64({ alg: 'RS256', kid: key.kid })}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(input, 'ascii'), key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

const parseSegment = (s: string): unknown => {
  const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
};

/** The unverified claims of something shaped like a JWT (to see whose it is), or undefined. */
export function peekClaims(token: string): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  try {
    return parseSegment(parts[1] ?? '') as JwtClaims | undefined;
  } catch {
    return undefined;
  }
}

/** The claims when the token is RS256 and signed by one of the keys, else undefined. */
export function verifyJwt(token: string, keys: readonly KeyObject[]): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  const [head = '', body = '', sig = ''] = parts;
  let header: { alg?: unknown } | undefined;
  try {
    header = parseSegment(head) as { alg?: unknown } | undefined;
  } catch {
    return undefined;
  }
  // Only the algorithm the key is for: never "none", never HMAC with the public key as secret.
  if (header?.alg !== 'RS256') return undefined;
  const input = Buffer.from(`${head}.${body}`, 'ascii');
  const signature = Buffer.from(sig, 'base64url');
  if (!keys.some((k) => verify('sha256', input, k, signature))) return undefined;
  return peekClaims(token);
}
