// The token half of upstream's ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount): a new
// pod gets the projected `kube-api-access-<5 chars>` volume (a bound token, the cluster's CA, its namespace)
// mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount in every init and app container, unless
// automountServiceAccountToken says no. Only on create: ephemeral containers, added later through their
// subresource, get no mount (upstream's plugin ignores subresources), nor do mirror pods (created by the
// static pod controller, never admitted).
import type { Container, Pod, Volume } from '../model/pod';
import type { ServiceAccount } from '../model/service-account';

export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
/** The ConfigMap kube-controller-manager publishes in every namespace (agent/serviceaccounts/root-ca-plan.ts). */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const ROOT_CA_KEY = 'ca.crt';
/** Upstream's WarnOnlyBoundTokenExpirationSeconds: an hour and 7 seconds, so tokens of this volume stand out. */
export const AUTOMOUNT_TOKEN_SECONDS = 3607;

/** The pod's word wins; then the ServiceAccount's; mounted when neither says (upstream's shouldAutomount). */
export function shouldAutomount(pod: Pod, sa: ServiceAccount): boolean {
  return pod.spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
}

/** The projected volume upstream's TokenVolumeSource describes, with the API's defaults filled in. */
export function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: AUTOMOUNT_TOKEN_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: ROOT_CA_KEY, path: ROOT_CA_KEY }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
      defaultMode: 0o644,
    },
  };
}

const mountsTokenPath = (c: Container): boolean =>
  (c.volumeMounts ?? []).some((m) => m.mountPath === TOKEN_MOUNT_PATH);

/**
 * Adds the volume and the mounts to the pod (in place). A volume already named kube-api-access-* is reused;
 * a container with its own mount at the path keeps it; no container left to mount it: no volume.
 */
export function mountServiceAccountToken(pod: Pod, sa: ServiceAccount, suffix: () => string): void {
  if (!shouldAutomount(pod, sa)) return;
  const spec = pod.spec;
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(TOKEN_VOLUME_PREFIX));
  const name = existing?.name ?? `${TOKEN_VOLUME_PREFIX}${suffix()}`;
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    if (mountsTokenPath(c)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
    needed = true;
  }
  if (needed && !existing) spec.volumes = [...(spec.volumes ?? []), tokenVolume(name)];
}
