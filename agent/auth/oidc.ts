// OIDC discovery for the ServiceAccount issuer (upstream's pkg/serviceaccount/openidmetadata.go): the
// configuration document and the JSON Web Key Set relying parties verify tokens with.
import type { SigningKey } from './signing-key';

export const OIDC_CONFIG_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

export const openIdConfiguration = (issuer: string): object => ({
  issuer,
  jwks_uri: `${issuer}${JWKS_PATH}`,
  response_types_supported: ['id_token'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
});

export function jwks(keys: readonly SigningKey[]): { keys: object[] } {
  return {
    keys: keys.map((k) => {
      const jwk = k.publicKey.export({ format: 'jwk' });
      return { use: 'sig', kty: jwk.kty, kid: k.kid, alg: 'RS256', n: jwk.n, e: jwk.e };
    }),
  };
}
