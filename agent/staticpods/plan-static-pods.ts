// The static pods' decision, pure: from the manifest files seen and the pods stored to what to do, as the
// kubelet's file source and config merge do (pkg/kubelet/config/file.go, config.go):
// - a file whose pod is not stored creates it;
// - a stored static pod whose file is gone is deleted (gracefully: its containers stop first);
// - a changed pod (another hash) is replaced: the old one is deleted, and the new one is created once the
//   old one is gone (one name, one pod at a time), as the kubelet kills and recreates on a new config hash;
// - an unchanged file does nothing;
// - a file that cannot be a pod is reported and changes nothing else;
// - two files with one pod name: the first by file name runs, the others are reported (upstream's
//   filterInvalidPods keeps the first too).
import { podKey } from '../model/meta';
import type { Pod } from '../model/pod';
import { mirrorHash } from '../model/static-pod';
import type { StaticManifest } from './manifest';

export type StaticPodAction =
  | { type: 'create'; path: string; pod: Pod }
  | { type: 'delete'; namespace: string; name: string; reason: 'removed' | 'changed' }
  | { type: 'invalid'; path: string; error: string }
  | { type: 'duplicate'; path: string; keptPath: string; namespace: string; name: string }
  | { type: 'conflict'; path: string; namespace: string; name: string };

/** `stored`: every pod in the store (static or not: a pod made through the API may hold the name). */
export function planStaticPods(
  manifests: readonly StaticManifest[],
  stored: readonly Pod[],
): StaticPodAction[] {
  const actions: StaticPodAction[] = [];
  const wanted = new Map<string, { path: string; pod: Pod; hash: string }>();
  for (const m of [...manifests].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if ('error' in m) {
      actions.push({ type: 'invalid', path: m.path, error: m.error });
      continue;
    }
    const { namespace, name } = m.pod.metadata;
    const key = podKey(namespace, name);
    const kept = wanted.get(key);
    if (kept) actions.push({ type: 'duplicate', path: m.path, keptPath: kept.path, namespace, name });
    else wanted.set(key, m);
  }
  const byKey = new Map(stored.map((p) => [podKey(p.metadata.namespace, p.metadata.name), p]));
  for (const p of stored) {
    const hash = mirrorHash(p);
    if (hash === undefined || p.metadata.deletionTimestamp !== undefined) continue;
    const want = wanted.get(podKey(p.metadata.namespace, p.metadata.name));
    if (want?.hash === hash) continue;
    const reason = want ? 'changed' : 'removed';
    actions.push({ type: 'delete', namespace: p.metadata.namespace, name: p.metadata.name, reason });
  }
  for (const [key, m] of wanted) {
    const there = byKey.get(key);
    if (!there) actions.push({ type: 'create', path: m.path, pod: m.pod });
    else if (mirrorHash(there) === undefined)
      actions.push({
        type: 'conflict',
        path: m.path,
        namespace: there.metadata.namespace,
        name: there.metadata.name,
      });
  }
  return actions;
}
