// Docker names and labels in the dockershim convention, so `docker ps` explains itself and the agent can
// rebuild what runs from the engine alone.
import type { ContainerIdentity, ContainerKind } from './runtime';

export const MANAGED_LABEL = 'io.minikubelet.managed';
/** Which agent made it: two agents on one engine (the host's and a compose one) never touch each other's. */
export const INSTANCE_LABEL = 'io.minikubelet.instance';
export const L = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
  dockerType: 'io.kubernetes.docker.type',
  sandboxId: 'io.kubernetes.sandbox.id',
  hash: 'annotation.io.kubernetes.container.hash',
  restartCount: 'annotation.io.kubernetes.container.restartCount',
  containerType: 'annotation.io.kubernetes.container.type',
  sandboxAttempt: 'io.minikubelet.sandbox.attempt',
} as const;

export const SANDBOX_NAME = 'POD';

/** k8s_<container>_<pod>_<namespace>_<uid>_<attempt>; the sandbox's container is `POD`. */
export function containerName(id: ContainerIdentity): string {
  return `k8s_${id.name}_${id.podName}_${id.podNamespace}_${id.podUid}_${id.attempt}`;
}

export function volumeName(podUid: string, volume: string): string {
  return `k8s_${volume}_${podUid}`;
}

export function identityLabels(id: ContainerIdentity): Record<string, string> {
  const labels: Record<string, string> = {
    [MANAGED_LABEL]: 'true',
    [L.podName]: id.podName,
    [L.podNamespace]: id.podNamespace,
    [L.podUid]: id.podUid,
    [L.containerName]: id.name,
    [L.dockerType]: id.kind === 'sandbox' ? 'podsandbox' : 'container',
  };
  if (id.kind === 'sandbox') {
    labels[L.sandboxAttempt] = String(id.attempt);
  } else {
    labels[L.hash] = id.specHash;
    labels[L.restartCount] = String(id.attempt);
    labels[L.containerType] = id.kind === 'app' ? 'container' : id.kind;
  }
  if (id.sandboxId) labels[L.sandboxId] = id.sandboxId;
  return labels;
}

/** Reads identity back; undefined for containers that are not ours or are damaged. */
export function identityFromLabels(
  labels: Record<string, string | undefined>,
): ContainerIdentity | undefined {
  const podUid = labels[L.podUid];
  const podName = labels[L.podName];
  const podNamespace = labels[L.podNamespace];
  const name = labels[L.containerName];
  if (labels[MANAGED_LABEL] !== 'true' || !podUid || !podName || !podNamespace || !name) return undefined;
  const isSandbox = labels[L.dockerType] === 'podsandbox';
  const type = labels[L.containerType];
  const kind: ContainerKind = isSandbox ? 'sandbox' : type === 'init' || type === 'ephemeral' ? type : 'app';
  const attempt = Number(isSandbox ? labels[L.sandboxAttempt] : labels[L.restartCount]);
  return {
    podUid,
    podName,
    podNamespace,
    kind,
    name,
    attempt: Number.isInteger(attempt) && attempt >= 0 ? attempt : 0,
    specHash: labels[L.hash] ?? '',
    ...(labels[L.sandboxId] ? { sandboxId: labels[L.sandboxId] } : {}),
  };
}

/**
 * Pod labels copied onto the sandbox, as dockershim does (so `docker ps --filter label=app=web` finds a pod's
 * sandbox), while their text stays under this size. Above it none are: the engine refuses the create request
 * of a pod with 60 000 labels (431), and nothing the agent reads needs them (only the identity labels).
 */
export const SANDBOX_POD_LABELS_MAX_CHARS = 16 * 1024;

export function sandboxPodLabels(labels: Record<string, string>): Record<string, string> {
  let size = 0;
  for (const [k, v] of Object.entries(labels)) size += k.length + v.length;
  return size <= SANDBOX_POD_LABELS_MAX_CHARS ? labels : {};
}
