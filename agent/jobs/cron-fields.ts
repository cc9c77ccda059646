// robfig/cron's reading of the five fields of a standard schedule (what the API server validates a CronJob's
// schedule with, cron.ParseStandard), for its error messages: lists of `*`/`?`, `N`, `N-M`, each with an
// optional `/step`, months and weekdays also by name, each field within its bounds.

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) },
  { min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i])) },
];

class FieldError extends Error {}

/** Go's strconv.Atoi, then robfig's refusal of negatives. */
function parseInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr))
    throw new FieldError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`,
    );
  const n = Number(expr);
  if (!Number.isSafeInteger(n))
    throw new FieldError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`,
    );
  if (n < 0) throw new FieldError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

const parseIntOrName = (expr: string, b: Bounds): number => b.names?.[expr.toLowerCase()] ?? parseInt(expr);

function checkRange(expr: string, b: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] as string).split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    start = parseIntOrName(lowAndHigh[0] as string, b);
    if (lowAndHigh.length > 2) throw new FieldError(`too many hyphens: ${expr}`);
    end = lowAndHigh.length === 2 ? parseIntOrName(lowAndHigh[1] as string, b) : start;
  }
  let step = 1;
  if (rangeAndStep.length > 2) throw new FieldError(`too many slashes: ${expr}`);
  if (rangeAndStep.length === 2) {
    step = parseInt(rangeAndStep[1] as string);
    if (lowAndHigh.length === 1) end = b.max; // "N/step" means "N-max/step"
  }
  if (start < b.min) throw new FieldError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new FieldError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end)
    throw new FieldError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new FieldError(`step of range should be a positive number: ${expr}`);
}

/** Why robfig/cron refuses these five fields, in its words, if it does. */
export function cronFieldsError(fields: readonly string[]): string | undefined {
  try {
    fields.forEach((field, i) => {
      for (const expr of field.split(',').filter(Boolean)) checkRange(expr, FIELDS[i] as Bounds);
    });
    return undefined;
  } catch (err) {
    if (err instanceof FieldError) return err.message;
    throw err;
  }
}
