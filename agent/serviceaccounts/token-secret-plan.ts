// What kube-controller-manager's token controller (pkg/controller/serviceaccount/tokens_controller.go) does
// with a `kubernetes.io/service-account-token` Secret, as a pure decision: fill it (a legacy token, ca.crt,
// namespace, the ServiceAccount's uid annotation) when something is missing, delete it when its
// ServiceAccount is gone or was made again (another uid), else nothing.
import { SECRET_TYPES, type Secret } from '../model/config-objects';
import type { ServiceAccount } from '../model/service-account';

export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

export type TokenSecretAction =
  | { type: 'none' }
  | { type: 'delete'; why: string }
  | { type: 'fill'; uid: string; needsToken: boolean; data: Record<string, string> };

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** `ca`: the API's CA (PEM) when it serves HTTPS, none otherwise. */
export function planTokenSecret(
  secret: Secret,
  serviceAccount: ServiceAccount | undefined,
  ca: string | undefined,
): TokenSecretAction {
  if (secret.type !== SECRET_TYPES.serviceAccountToken || secret.metadata.deletionTimestamp)
    return { type: 'none' };
  const annotations = secret.metadata.annotations ?? {};
  if (!serviceAccount) return { type: 'delete', why: 'its ServiceAccount does not exist' };
  const uid = annotations[SA_UID_ANNOTATION];
  if (uid && uid !== serviceAccount.metadata.uid)
    return { type: 'delete', why: 'its ServiceAccount was made again' };
  const data = secret.data ?? {};
  const want: Record<string, string> = { namespace: b64(secret.metadata.namespace) };
  if (ca) want['ca.crt'] = b64(ca);
  const missing = Object.fromEntries(Object.entries(want).filter(([k, v]) => data[k] !== v));
  const needsToken = !data['token'];
  if (!needsToken && uid && Object.keys(missing).length === 0) return { type: 'none' };
  return { type: 'fill', uid: serviceAccount.metadata.uid, needsToken, data: missing };
}
