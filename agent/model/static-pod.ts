// Static pods (the kubelet's standalone mode, --pod-manifest-path) and their mirror pods in the API, with
// upstream's annotations (k8s.io/kubernetes pkg/kubelet/types/pod_update.go). A static pod's identity is
// its config hash, as upstream's static pod UID is: the engine's containers carry it, while the mirror pod
// the API shows gets a new uid each time it is recreated. So the sync side runs a mirror pod under its hash.
import { type FieldError, fieldError } from './field-errors';
import type { Pod } from './pod';

export const CONFIG_SOURCE = 'kubernetes.io/config.source';
export const CONFIG_HASH = 'kubernetes.io/config.hash';
export const CONFIG_MIRROR = 'kubernetes.io/config.mirror';
export const CONFIG_SEEN = 'kubernetes.io/config.seen';
export const FILE_SOURCE = 'file';

/** The config hash a mirror pod mirrors, or undefined for any other pod. */
export const mirrorHash = (pod: Pod): string | undefined => pod.metadata.annotations?.[CONFIG_MIRROR];

export const isMirrorPod = (pod: Pod): boolean => mirrorHash(pod) !== undefined;

/** The uid the engine knows the pod by: the static pod's hash for a mirror pod, else its own uid. */
export function runtimePod(pod: Pod): Pod {
  const hash = mirrorHash(pod);
  if (hash === undefined || hash === pod.metadata.uid) return pod;
  return { ...pod, metadata: { ...pod.metadata, uid: hash } };
}

/** A static pod's name in the API: `<name>-<node>`, as the kubelet's file source names it. */
export const staticPodName = (name: string, nodeName: string): string => `${name}-${nodeName}`;

const annotationField = (key: string): string => `metadata.annotations[${key}]`;

/**
 * What the API refuses of a write that touches mirror pods, in the words of upstream's
 * ValidatePodSpecificAnnotationUpdates (pkg/apis/core/validation/validation.go): the mirror annotation
 * cannot be added, changed or removed. And a mirror pod's spec is the manifest file's: upstream's kubelet
 * would silently keep running the file's pod, so the API says no instead, in the same words' style.
 */
export function mirrorWriteErrors(old: Pod | undefined, next: Pod): FieldError[] {
  const before = old ? mirrorHash(old) : undefined;
  const after = mirrorHash(next);
  const field = annotationField(CONFIG_MIRROR);
  if (before === undefined && after !== undefined)
    return [fieldError('Forbidden', field, undefined, 'may not add mirror pod annotation')];
  if (before === undefined) return [];
  if (after !== before)
    return [fieldError('Forbidden', field, undefined, 'may not remove or update mirror pod annotation')];
  if (old && JSON.stringify(old.spec) !== JSON.stringify(next.spec))
    return [
      fieldError(
        'Forbidden',
        'spec',
        undefined,
        'may not update the spec of a mirror pod; edit the static pod manifest file on the node',
      ),
    ];
  return [];
}
