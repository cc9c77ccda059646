// Whether a figure grows with a count: the least-squares slope of samples (x = cycle, y = bytes).

export interface Sample {
  x: number;
  y: number;
}

/** The least-squares slope of y over x; 0 for fewer than two distinct x. */
export function slope(samples: readonly Sample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.x, 0) / n;
  const my = samples.reduce((s, p) => s + p.y, 0) / n;
  const sxx = samples.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return 0;
  return samples.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}
