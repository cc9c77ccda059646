// How events name a pod and one of its containers (involvedObject, fieldPath as the kubelet writes it).
import type { InvolvedObject } from '../events/recorder';
import type { Pod } from '../model/pod';

export function fieldPath(kind: 'init' | 'app', name: string): string {
  return kind === 'init' ? `spec.initContainers{${name}}` : `spec.containers{${name}}`;
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
