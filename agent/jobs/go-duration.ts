// Go's time.ParseDuration, as robfig/cron reads `@every <duration>`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`
// with the units ns, us (µs, μs), ms, s, m, h, or a bare "0". Errors in Go's words.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const quote = (s: string): string => JSON.stringify(s);

/** The duration in milliseconds, or the error Go's parser gives. */
export function parseGoDuration(orig: string): { ms: number } | { error: string } {
  const invalid = { error: `time: invalid duration ${quote(orig)}` };
  let s = orig;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return { ms: 0 };
  if (s === '') return invalid;
  let total = 0;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s) as RegExpExecArray;
    const [whole, int = '', frac] = number;
    if (int === '' && (frac === undefined || frac === '')) return invalid;
    s = s.slice(whole.length);
    const unit = /^[^.\d]*/.exec(s)?.[0] ?? '';
    if (unit === '') return { error: `time: missing unit in duration ${quote(orig)}` };
    const perUnit = UNIT_MS[unit];
    if (perUnit === undefined)
      return { error: `time: unknown unit ${quote(unit)} in duration ${quote(orig)}` };
    s = s.slice(unit.length);
    total += Number(`${int || '0'}.${frac ?? ''}0`) * perUnit;
  }
  return { ms: sign * total };
}
