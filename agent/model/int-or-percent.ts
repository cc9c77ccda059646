// intstr.IntOrString as maxSurge/maxUnavailable use it: a count, or a percentage of the replicas, scaled
// as upstream's GetScaledValueFromIntOrPercent (surge rounds up, unavailable rounds down).

const PERCENT = /^[0-9]+%$/;

export const isPercent = (v: unknown): v is string => typeof v === 'string' && PERCENT.test(v);

/** The value against `total`: a number as is, a percentage rounded up or down. */
export function scaledValue(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const percent = Number(v.slice(0, -1));
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
