// How events name a pod and one of its containers (involvedObject, fieldPath as the kubelet writes it).
import type { InvolvedObject } from '../events/recorder';
import type { Pod } from '../model/pod';
import type { PodContainerKind } from '../runtime/runtime';

const LIST: Record<PodContainerKind, string> = {
  init: 'initContainers',
  app: 'containers',
  ephemeral: 'ephemeralContainers',
};

export function fieldPath(kind: PodContainerKind, name: string): string {
  return `spec.${LIST[kind]}{${name}}`;
}

export function podRef(pod: Pod, path?: string): InvolvedObject {
  const m = pod.metadata;
  return {
    kind: 'Pod',
    name: m.name,
    namespace: m.namespace,
    uid: m.uid,
    ...(path ? { fieldPath: path } : {}),
  };
}
