// The Prometheus text exposition format, read just enough for the charts: one sample per line
// (`name{label="value",...} number [timestamp]`), comments and HELP/TYPE lines skipped.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

const unescape = (v: string): string => v.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));

function labels(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let at = 0;
  for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
    out[m[1] as string] = unescape(m[2] as string);
    at = LABEL.lastIndex;
  }
  return at === text.trim().length || text.trim() === '' ? out : undefined;
}

function number(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text); // NaN stays NaN
}

/** Every sample in `text`; a line that does not parse is skipped (a chart goes without it). */
export function parsePromText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const l = labels(m[2] ?? '');
    if (!l) continue;
    out.push({ name: m[1] as string, labels: l, value: number(m[3] as string) });
  }
  return out;
}

/** The sum of `name`'s samples whose labels include `match`; undefined when there is none. */
export function sumOf(
  samples: Sample[],
  name: string,
  match: Record<string, string> = {},
): number | undefined {
  let sum: number | undefined;
  for (const s of samples)
    if (s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
      sum = (sum ?? 0) + s.value;
  return sum;
}
