// Small statistics for the benchmarks: median with min and max, percentiles, and their formatting.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

/** Linear-interpolated percentile (p in 0..100) of a sample; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = s[lo] ?? NaN;
  const b = s[hi] ?? NaN;
  return a + (b - a) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: median(values),
    min: values.length ? Math.min(...values) : NaN,
    max: values.length ? Math.max(...values) : NaN,
  };
}

/** Per-repetition ratios a[i] / b[i] (the two lists come from the same repetitions). */
export function ratios(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x !== undefined && y !== undefined && y > 0) out.push(x / y);
  }
  return out;
}

/** A number with sensible digits for a table: 1234 -> "1234", 12.34 -> "12.3", 0.1234 -> "0.123". */
export function num(x: number, digits?: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (digits !== undefined) return x.toFixed(digits);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

/** "median [min–max]" with an optional unit, e.g. "812 [760–901] ms". */
export function fmt(s: Summary, unit = '', digits?: number): string {
  if (s.n === 0) return 'n/a';
  const u = unit ? ` ${unit}` : '';
  if (s.n === 1) return `${num(s.median, digits)}${u}`;
  return `${num(s.median, digits)} [${num(s.min, digits)}–${num(s.max, digits)}]${u}`;
}

export function fmtRatio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a';
}
