// The kubeconfig the daemon writes at start, so `kubectl` and client libraries find the API with
// KUBECONFIG=<data-dir>/kubeconfig. It carries the API token when one is needed and, over HTTPS, the CA
// that signed the server certificate. Over plain HTTP, `insecure-skip-tls-verify` is what makes
// @kubernetes/client-node accept an http:// server (kubectl does either way).
import { renameSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export const KUBE_CONTEXT = 'minikubelet';

export interface KubeCredentials {
  /** Bearer token (users[].user.token). */
  token?: string;
  /** PEM of the CA the server certificate chains to (clusters[].cluster.certificate-authority-data). */
  ca?: string;
}

export function kubeconfigText(server: string, namespace = 'default', creds: KubeCredentials = {}): string {
  const cluster = creds.ca
    ? { server, 'certificate-authority-data': Buffer.from(creds.ca).toString('base64') }
    : { server, 'insecure-skip-tls-verify': true };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: KUBE_CONTEXT, cluster }],
    users: [{ name: KUBE_CONTEXT, user: creds.token ? { token: creds.token } : {} }],
    contexts: [{ name: KUBE_CONTEXT, context: { cluster: KUBE_CONTEXT, user: KUBE_CONTEXT, namespace } }],
    'current-context': KUBE_CONTEXT,
    preferences: {},
  });
}

/** The API URL clients should use for a listen address (a wildcard address is reached on loopback). */
export function apiUrl(host: string, port: number, https = false): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `${https ? 'https' : 'http'}://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Writes atomically and 0600 (it may hold the token), so a client never reads half a file. */
export function writeKubeconfig(path: string, server: string, creds: KubeCredentials = {}): void {
  writeFileSync(`${path}.tmp`, kubeconfigText(server, 'default', creds), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}
