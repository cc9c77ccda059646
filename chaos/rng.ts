// The chaos run's choices from a seeded source (fuzz/prng.ts, mulberry32): the same seed makes the same
// choices, so a failing run can be replayed with `--seed N` (timing still differs; the choices do not).
import { prng } from '../fuzz/prng';

export interface Rng {
  /** In [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seededRng(seed: number): Rng {
  const next = prng(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (!items.length) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
  };
}
