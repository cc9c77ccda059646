// The arithmetic of a rolling update, as upstream's deployment util: maxSurge and maxUnavailable resolved
// against the replicas (surge rounds up, unavailable rounds down; both 0 means 1 unavailable), how far the
// new ReplicaSet may grow, and how far the old ones may shrink without going under minimum availability.
import { scaledValue } from '../../model/int-or-percent';
import type { Deployment, ReplicaSet } from '../../model/workload';

export function fenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  if (d.spec.strategy.type !== 'RollingUpdate') return { maxSurge: 0, maxUnavailable: 0 };
  const ru = d.spec.strategy.rollingUpdate ?? {};
  const replicas = d.spec.replicas;
  const maxSurge = scaledValue(ru.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

const specReplicas = (sets: readonly ReplicaSet[]): number => sets.reduce((n, rs) => n + rs.spec.replicas, 0);
const available = (rs: ReplicaSet): number => rs.status.availableReplicas ?? 0;

/** The new ReplicaSet's replicas this round (upstream's NewRSNewReplicas for RollingUpdate). */
export function newReplicaSetReplicas(
  d: Deployment,
  all: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
): number {
  const current = newRS?.spec.replicas ?? 0;
  if (d.spec.strategy.type === 'Recreate') return d.spec.replicas;
  const { maxSurge } = fenceposts(d);
  const total = specReplicas(all);
  const maxTotal = d.spec.replicas + maxSurge;
  if (total >= maxTotal) return current;
  return current + Math.max(0, Math.min(maxTotal - total, d.spec.replicas - current));
}

/**
 * The old ReplicaSets' new sizes (name -> replicas), oldest first: unhealthy replicas go first, then
 * available ones while the total available stays at replicas - maxUnavailable or more.
 */
export function scaleDownOld(
  d: Deployment,
  newRS: ReplicaSet | undefined,
  old: readonly ReplicaSet[],
): Map<string, number> {
  const out = new Map<string, number>();
  if (specReplicas(old) === 0) return out;
  const all = newRS ? [newRS, ...old] : [...old];
  const { maxUnavailable } = fenceposts(d);
  const minAvailable = d.spec.replicas - maxUnavailable;
  const newUnavailable = newRS ? newRS.spec.replicas - available(newRS) : 0;
  const maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return out;
  const sorted = [...old].sort((a, b) =>
    a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp),
  );
  const size = new Map(sorted.map((rs) => [rs.metadata.name, rs.spec.replicas]));
  // 1: replicas that are not available anyway
  let cleaned = 0;
  for (const rs of sorted) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = rs.spec.replicas - available(rs);
    if (unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    size.set(rs.metadata.name, rs.spec.replicas - n);
    cleaned += n;
  }
  // 2: available replicas, down to minimum availability
  const availableNow = all.reduce((n, rs) => n + available(rs), 0);
  let budget = Math.max(0, availableNow - minAvailable);
  budget = Math.min(budget, maxScaledDown - cleaned);
  for (const rs of sorted) {
    if (budget <= 0) break;
    const current = size.get(rs.metadata.name) ?? 0;
    const n = Math.min(current, budget);
    size.set(rs.metadata.name, current - n);
    budget -= n;
  }
  for (const rs of sorted) {
    const next = size.get(rs.metadata.name) ?? rs.spec.replicas;
    if (next !== rs.spec.replicas) out.set(rs.metadata.name, next);
  }
  return out;
}
