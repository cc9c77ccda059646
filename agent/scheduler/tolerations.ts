// Tolerations against taints, as upstream's v1helper.TolerationsTolerateTaint: an empty key with Exists
// tolerates every taint, an empty effect every effect; Exists matches any value, Equal (the default) only
// the same value.
import type { Taint } from '../model/node';
import type { Pod } from '../model/pod';

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const tolerationsOf = (pod: Pod): Toleration[] =>
  Array.isArray(pod.spec['tolerations']) ? (pod.spec['tolerations'] as Toleration[]) : [];

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export const tolerated = (tolerations: readonly Toleration[], taint: Taint): boolean =>
  tolerations.some((t) => tolerates(t, taint));

/** The first of `taints` with one of `effects` that no toleration tolerates (TolerationsTolerateTaintsWithFilter). */
export const untoleratedTaint = (
  tolerations: readonly Toleration[],
  taints: readonly Taint[],
  effects: readonly Taint['effect'][],
): Taint | undefined => taints.find((t) => effects.includes(t.effect) && !tolerated(tolerations, t));

/**
 * GetMatchingTolerations: for each taint the first toleration that tolerates it; undefined when one taint is
 * tolerated by none.
 */
export function matchingTolerations(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): Toleration[] | undefined {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((o) => tolerates(o, taint));
    if (!t) return undefined;
    used.push(t);
  }
  return used;
}
