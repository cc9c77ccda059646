// The DaemonSet's (and the StatefulSet's) template history, pure (upstream's constructHistory, snapshot and cleanupHistory): one
// ControllerRevision per distinct template, `<ds>-<hash>`, whose `data` is the patch that puts the template
// back (what `kubectl rollout undo ds` sends). The current revision is the one whose data is the template's
// (upstream's Match), whatever its name; a new one is named by the hash of the template and the DaemonSet's
// collisionCount (upstream's ComputeHash), and when that name is taken by a revision of other data the
// count is bumped instead (the next sync names it anew). The current template's revision is created with the
// next number, or, when the template went back to an earlier one, that revision is renumbered to be the
// newest. Old revisions beyond revisionHistoryLimit go oldest first, except those a live pod still runs.
// The DaemonSet's pods carry the current revision's hash label (currentRevisionHash).
import type { ControllerRevision } from '../../model/controller-revision';
import type { Pod } from '../../model/pod';
import {
  CONTROLLER_REVISION_HASH,
  type DaemonSet,
  type StatefulSet,
  controllerOf,
  controllerRef,
} from '../../model/workload';

/** The kinds whose template history this keeps (a StatefulSet's revisions are made the same way). */
export type RevisionOwner = DaemonSet | StatefulSet;
import { canonical, templateHash } from '../deployment/template-hash';

export type RevisionAction =
  | { type: 'createRevision'; revision: ControllerRevision }
  | { type: 'renumberRevision'; revision: ControllerRevision }
  | { type: 'deleteRevisions'; names: string[] }
  | { type: 'bumpCollisionCount' };

/** Upstream's DaemonSet revision `data`: the template, replacing the whole of spec.template when patched in. */
export const revisionData = (ds: RevisionOwner): object => ({
  spec: { template: { ...structuredClone(ds.spec.template), $patch: 'replace' } },
});

/** The revision a template gets (uid, timestamps and resourceVersion are the store's). */
export function newRevision(ds: RevisionOwner, hash: string, revision: number): ControllerRevision {
  const m = ds.metadata;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${m.name.slice(0, 223)}-${hash}`,
      namespace: m.namespace,
      uid: '',
      creationTimestamp: '',
      resourceVersion: '',
      labels: { ...(ds.spec.template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH]: hash },
      ...(m.annotations ? { annotations: { ...m.annotations } } : {}),
      ownerReferences: [controllerRef(ds)],
    },
    data: revisionData(ds),
    revision,
  };
}

/** Whether a revision holds the DaemonSet's template (upstream compares the data's bytes; key order aside here). */
export const matches = (ds: RevisionOwner, r: ControllerRevision): boolean =>
  JSON.stringify(canonical(r.data)) === JSON.stringify(canonical(revisionData(ds)));

const ownedBy = (ds: RevisionOwner, revisions: readonly ControllerRevision[]): ControllerRevision[] =>
  revisions.filter((r) => controllerOf(r.metadata)?.uid === ds.metadata.uid);

/** The hash a new revision of the template gets (`<ds>-<hash>`). */
export const revisionHash = (ds: RevisionOwner): string =>
  templateHash(ds.spec.template, ds.status.collisionCount ?? 0);

/** The `controller-revision-hash` the DaemonSet's pods carry: the current revision's; none before it exists. */
export function currentRevisionHash(
  ds: RevisionOwner,
  revisions: readonly ControllerRevision[],
): string | undefined {
  return ownedBy(ds, revisions).find((r) => matches(ds, r))?.metadata.labels?.[CONTROLLER_REVISION_HASH];
}

const oldestFirst = (rs: ControllerRevision[]): ControllerRevision[] =>
  [...rs].sort((a, b) => a.revision - b.revision);

/** `revisions`: those of the DaemonSet's namespace; `pods`: the DaemonSet's live pods. */
export function planRevisions(
  ds: RevisionOwner,
  revisions: readonly ControllerRevision[],
  pods: readonly Pod[],
): RevisionAction[] {
  if (ds.metadata.deletionTimestamp !== undefined) return [];
  const owned = ownedBy(ds, revisions);
  const current = owned.find((r) => matches(ds, r));
  const old = owned.filter((r) => !matches(ds, r));
  const next = Math.max(0, ...old.map((r) => r.revision)) + 1;
  const actions: RevisionAction[] = [];
  if (!current) {
    const fresh = newRevision(ds, revisionHash(ds), next);
    const taken = revisions.some((r) => r.metadata.name === fresh.metadata.name);
    actions.push(taken ? { type: 'bumpCollisionCount' } : { type: 'createRevision', revision: fresh });
  } else if (current.revision < next)
    actions.push({ type: 'renumberRevision', revision: { ...current, revision: next } });
  let toKill = old.length - (ds.spec.revisionHistoryLimit ?? 10);
  const live = new Set(pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH]));
  const names: string[] = [];
  for (const r of oldestFirst(old)) {
    if (toKill <= 0) break;
    // A DaemonSet's pods carry the hash, a StatefulSet's the revision's name.
    if (live.has(r.metadata.labels?.[CONTROLLER_REVISION_HASH]) || live.has(r.metadata.name)) continue;
    names.push(r.metadata.name);
    toKill--;
  }
  if (names.length) actions.push({ type: 'deleteRevisions', names });
  return actions;
}
