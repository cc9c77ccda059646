// ConfigMaps and Secrets as the API stores them. Secret values are base64 in `data`, as on the wire;
// `stringData` is write-only (merged into `data` on every write, never stored).
import type { ObjectMeta } from './meta';

export interface ConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  data?: Record<string, string>;
  /** Values base64-encoded. */
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

export interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  /** Values base64-encoded. */
  data?: Record<string, string>;
  /** Write-only: merged into `data` when written. */
  stringData?: Record<string, string>;
  type?: string;
  immutable?: boolean;
}

/** The Secret types upstream gives required keys (pkg/apis/core/types.go). */
export const SECRET_TYPES = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
} as const;

/** MaxSecretSize: the data of one ConfigMap or Secret, in bytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** A Secret's value for a key, decoded; undefined when the key is not there. */
export function secretValue(secret: Secret, key: string): Buffer | undefined {
  const v = secret.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64');
}
