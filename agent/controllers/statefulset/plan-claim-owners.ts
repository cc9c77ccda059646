// Who owns a StatefulSet's claims, pure (upstream's persistentVolumeClaimRetentionPolicy: isClaimOwnerUpToDate
// and updateClaimOwnerRefForSetAndPod). The garbage collector then does the deleting:
//   whenDeleted Delete: the set is the claim's controller, so deleting the set deletes the claim;
//   whenScaled Delete: a pod beyond the replicas (being scaled down) is its claim's controller, so the claim
//   goes after the pod (never the set and the pod at once: a scaled-down pod's claim loses the set's reference).
// Retain drops the set's and the pod's references. Claims in a state nobody expects are left alone: a stale
// reference (the set's or the pod's name with another uid), or another controller (whose references to
// the set or pod are scrubbed, and none added).
import type { Pod } from '../../model/pod';
import type { ObjectMeta } from '../../model/meta';
import { type OwnerReference, type StatefulSet, controllerRef } from '../../model/workload';

/** A claim as the planner needs it. */
export interface ClaimView {
  ownerReferences?: OwnerReference[];
  deleting?: boolean;
}

export interface ClaimOwnersAction {
  type: 'claimOwners';
  claim: string;
  ownerReferences: OwnerReference[];
}

interface Owner {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

/** The reference names this object (its kind and name), whatever its uid. */
const matchesRef = (r: OwnerReference, o: Owner): boolean =>
  r.apiVersion === o.apiVersion && r.kind === o.kind && r.name === o.metadata.name;
const hasRef = (refs: readonly OwnerReference[], o: Owner): boolean =>
  refs.some((r) => r.uid === o.metadata.uid);
const stale = (refs: readonly OwnerReference[], o: Owner): boolean =>
  refs.some((r) => matchesRef(r, o) && r.uid !== o.metadata.uid);

const retainsAll = (sts: StatefulSet): boolean => {
  const p = sts.spec.persistentVolumeClaimRetentionPolicy;
  return p.whenDeleted !== 'Delete' && p.whenScaled !== 'Delete';
};

/** A controller other than the set or pod, or a reference to their names with another uid (retention Delete only). */
function unexpectedController(refs: readonly OwnerReference[], sts: StatefulSet, pod: Owner): boolean {
  if (retainsAll(sts)) return false;
  return refs.some((r) => {
    for (const o of [sts, pod]) if (matchesRef(r, o)) return r.uid !== o.metadata.uid;
    return r.controller === true;
  });
}

/** The owners the policy wants: the pod once it is scaled down (whenScaled), else the set (whenDeleted). */
function wanted(sts: StatefulSet, pod: Owner, inRange: boolean): Owner[] {
  const p = sts.spec.persistentVolumeClaimRetentionPolicy;
  if (!inRange && p.whenScaled === 'Delete') return [pod];
  return p.whenDeleted === 'Delete' ? [sts] : [];
}

/** The claim's references as the policy wants them, or undefined when they are right (or not to be touched). */
export function claimOwners(
  sts: StatefulSet,
  claim: ClaimView,
  pod: Owner,
  inRange: boolean,
): OwnerReference[] | undefined {
  const refs = claim.ownerReferences ?? [];
  if (stale(refs, sts) || stale(refs, pod)) return undefined;
  const ours = (r: OwnerReference): boolean => matchesRef(r, sts) || matchesRef(r, pod);
  const others = refs.filter((r) => !ours(r));
  if (unexpectedController(refs, sts, pod)) return others.length === refs.length ? undefined : others;
  const want = wanted(sts, pod, inRange);
  const upToDate =
    refs.filter(ours).every((r) => r.controller === true) &&
    [sts, pod].every((o) => hasRef(refs, o) === want.includes(o));
  return upToDate ? undefined : [...others, ...want.map(controllerRef)];
}

/** The references a claim gets when it is made, for a pod in range. */
export const ownersAtCreation = (sts: StatefulSet): OwnerReference[] =>
  sts.spec.persistentVolumeClaimRetentionPolicy.whenDeleted === 'Delete' ? [controllerRef(sts)] : [];

/** Every claim of every pod of the set whose references are not as the policy wants. */
export function planClaimOwners(
  sts: StatefulSet,
  pods: ReadonlyMap<number, Pod>,
  claims: ReadonlyMap<string, ClaimView>,
  claimNames: (ordinal: number) => string[],
  inRange: (ordinal: number) => boolean,
): ClaimOwnersAction[] {
  const actions: ClaimOwnersAction[] = [];
  for (const [ordinal, p] of pods) {
    const pod: Owner = { apiVersion: 'v1', kind: 'Pod', metadata: p.metadata };
    for (const name of claimNames(ordinal)) {
      const claim = claims.get(name);
      if (!claim || claim.deleting) continue;
      const ownerReferences = claimOwners(sts, claim, pod, inRange(ordinal));
      if (ownerReferences) actions.push({ type: 'claimOwners', claim: name, ownerReferences });
    }
  }
  return actions;
}
