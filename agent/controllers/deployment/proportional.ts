// Scaling a Deployment during a rollout (upstream's sync/scale, deployment util's GetReplicaSetProportion):
// each ReplicaSet remembers the Deployment's replicas and replicas+maxSurge it was last sized for
// (desired-replicas / max-replicas annotations). When the Deployment's replicas differ from what an active
// ReplicaSet remembers, this is a scaling event, not a rollout step: the change is spread over the active
// ReplicaSets in proportion to their sizes, the rounding leftover to the largest (newest first when
// growing, oldest first when shrinking), so a scale neither hastens nor stalls the rollout.
import {
  DESIRED_REPLICAS_ANNOTATION,
  type Deployment,
  MAX_REPLICAS_ANNOTATION,
  type ReplicaSet,
} from '../../model/workload';
import { fenceposts } from './rolling';

/** The annotations a ReplicaSet sized for this Deployment carries (upstream's SetReplicasAnnotations). */
export function replicasAnnotations(d: Deployment): Record<string, string> {
  return {
    [DESIRED_REPLICAS_ANNOTATION]: String(d.spec.replicas),
    [MAX_REPLICAS_ANNOTATION]: String(d.spec.replicas + fenceposts(d).maxSurge),
  };
}

const intAnnotation = (rs: ReplicaSet, key: string): number | undefined => {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
};

const active = (sets: readonly (ReplicaSet | undefined)[]): ReplicaSet[] =>
  sets.filter((rs): rs is ReplicaSet => rs !== undefined && rs.spec.replicas > 0);

/** An active ReplicaSet was sized for other replicas than the Deployment asks now (isScalingEvent). */
export function isScalingEvent(d: Deployment, sets: readonly (ReplicaSet | undefined)[]): boolean {
  return active(sets).some((rs) => {
    const desired = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
    return desired !== undefined && desired !== d.spec.replicas;
  });
}

const created = (rs: ReplicaSet): string => rs.metadata.creationTimestamp;
/** Upstream's ReplicaSetsByCreationTimestamp: older first, then by name. */
const olderFirst = (a: ReplicaSet, b: ReplicaSet): number =>
  created(a) === created(b) ? (a.metadata.name < b.metadata.name ? -1 : 1) : created(a) < created(b) ? -1 : 1;

/** How many replicas this ReplicaSet takes of `toAdd` (getReplicaSetFraction, bounded by what is left). */
function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rs.spec.replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (d.spec.replicas === 0) fraction = -rs.spec.replicas;
  else {
    const maxReplicas = d.spec.replicas + fenceposts(d).maxSurge;
    // Without the annotation, upstream falls back to the Deployment's current size.
    const before = intAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? d.status.replicas ?? 0;
    fraction = before > 0 ? Math.round((rs.spec.replicas * maxReplicas) / before) - rs.spec.replicas : 0;
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** The new sizes (name -> replicas) of a scaling event; unchanged sizes are included (their annotations). */
export function proportionalSizes(
  d: Deployment,
  newRS: ReplicaSet | undefined,
  old: readonly ReplicaSet[],
): Map<string, number> {
  const replicas = d.spec.replicas;
  const all = active([...old, newRS]);
  // One active ReplicaSet (or none: the newest) takes the whole Deployment.
  if (all.length <= 1) {
    const only = all[0] ?? newRS ?? [...old].sort(olderFirst).at(-1);
    return new Map<string, number>(
      only && only.spec.replicas !== replicas ? [[only.metadata.name, replicas]] : [],
    );
  }
  // A saturated new ReplicaSet: the old ones go (an adoption while the new one is full).
  const saturated =
    newRS !== undefined &&
    newRS.spec.replicas === replicas &&
    intAnnotation(newRS, DESIRED_REPLICAS_ANNOTATION) === replicas &&
    (newRS.status.availableReplicas ?? 0) === replicas;
  if (saturated) return new Map(active(old).map((rs) => [rs.metadata.name, 0]));
  if (d.spec.strategy.type !== 'RollingUpdate') return new Map();
  const allowedSize = replicas > 0 ? replicas + fenceposts(d).maxSurge : 0;
  const toAdd = allowedSize - all.reduce((n, rs) => n + rs.spec.replicas, 0);
  // Largest first; among equals the newer first when growing, the older first when shrinking.
  const sorted = [...all].sort(
    (a, b) => b.spec.replicas - a.spec.replicas || (toAdd > 0 ? olderFirst(b, a) : olderFirst(a, b)),
  );
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of sorted) {
    const n = proportion(rs, d, toAdd, added);
    sizes.set(rs.metadata.name, rs.spec.replicas + n);
    added += n;
  }
  const first = sorted[0] as ReplicaSet;
  const withLeftover = (sizes.get(first.metadata.name) ?? 0) + toAdd - added;
  sizes.set(first.metadata.name, Math.max(0, withLeftover));
  return sizes;
}
