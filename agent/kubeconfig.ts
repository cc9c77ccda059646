// The kubeconfig the daemon writes at start, so `kubectl` and client libraries find the API with
// KUBECONFIG=<data-dir>/kubeconfig. The API is plain HTTP: `insecure-skip-tls-verify` is what makes
// @kubernetes/client-node accept an http:// server (kubectl does either way).
import { renameSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export const KUBE_CONTEXT = 'minikubelet';

export function kubeconfigText(server: string, namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: KUBE_CONTEXT, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: KUBE_CONTEXT, user: {} }],
    contexts: [{ name: KUBE_CONTEXT, context: { cluster: KUBE_CONTEXT, user: KUBE_CONTEXT, namespace } }],
    'current-context': KUBE_CONTEXT,
    preferences: {},
  });
}

/** The API URL clients should use for a listen address (a wildcard address is reached on loopback). */
export function apiUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Writes atomically, so a client never reads half a file. */
export function writeKubeconfig(path: string, server: string): void {
  writeFileSync(`${path}.tmp`, kubeconfigText(server), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}
