// CronJob schedules: standard 5-field cron and the @hourly-style nicknames (croner in its strict 5-part
// mode), in spec.timeZone or, without one, the host's zone (upstream uses the controller manager's), and
// robfig/cron's `@every <duration>` (a constant delay from the last scheduled time, whole seconds, at least
// one). The validation messages are the ones the API server returns (robfig/cron's wording, batch
// validation's).
import { Cron } from 'croner';
import { cronFieldsError } from './cron-fields';
import { parseGoDuration } from './go-duration';

const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const EVERY = '@every ';

/** robfig/cron's Every: the delay rounded down to whole seconds, never under one. */
function everyDelay(schedule: string): { ms: number } | { error: string } | undefined {
  if (!schedule.startsWith(EVERY)) return undefined;
  const d = parseGoDuration(schedule.slice(EVERY.length));
  if ('error' in d) return { error: `failed to parse duration ${schedule}: ${d.error}` };
  return { ms: Math.max(1000, Math.floor(d.ms / 1000) * 1000) };
}

/** Why the API server refuses this schedule (the text after `spec.schedule: Invalid value: "..."`), if it does. */
export function scheduleError(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 0) return 'empty spec string';
  if (schedule.includes('TZ')) return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  const every = everyDelay(schedule);
  if (every) return 'error' in every ? every.error : undefined;
  const first = fields[0] as string;
  if (first.startsWith('@')) {
    if (!NICKNAMES.has(first) || fields.length > 1) return `unrecognized descriptor: ${schedule.trim()}`;
    return undefined;
  }
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  const robfig = cronFieldsError(fields);
  if (robfig) return robfig;
  try {
    new Cron(schedule, { mode: '5-part', paused: true });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^CronPattern: /, '') : String(err);
  }
}

/** Why the API server refuses this time zone, if it does (batch validation's validateTimeZone). */
export function timeZoneError(timeZone: string): string | undefined {
  if (timeZone === '') return 'timeZone must be nil or non-empty string';
  if (timeZone.toLowerCase() === 'local')
    return 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones';
  const badPart = timeZone
    .split('/')
    .some((p) => p === '.' || p === '..' || p.startsWith('-') || !/^[A-Za-z._+\-0-9]+$/.test(p));
  if (badPart || !knownZone(timeZone)) return `unknown time zone ${timeZone}`;
  return undefined;
}

function knownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export class Schedule {
  private readonly cron: Cron | undefined;
  /** `@every`: the delay in ms. */
  private readonly everyMs: number | undefined;

  /** Throws on a schedule or zone that validation refuses (stored objects have passed it). */
  constructor(
    schedule: string,
    readonly timeZone?: string,
  ) {
    const why = scheduleError(schedule) ?? (timeZone !== undefined ? timeZoneError(timeZone) : undefined);
    if (why) throw new Error(why);
    const every = everyDelay(schedule);
    this.everyMs = every && 'ms' in every ? every.ms : undefined;
    if (this.everyMs !== undefined) return;
    this.cron = new Cron(schedule.trim(), {
      mode: '5-part',
      paused: true,
      ...(timeZone !== undefined ? { timezone: timeZone } : {}),
    });
  }

  /** The first scheduled time after `after` (ms); `@every` counts from `after` (robfig's Next). */
  next(after: number): number | undefined {
    if (this.everyMs !== undefined) return Math.floor(after / 1000) * 1000 + this.everyMs;
    return this.cron?.nextRun(new Date(after))?.getTime();
  }

  /** The first scheduled time after `now` in a series that started at `anchor` (the last scheduled time). */
  nextSince(anchor: number, now: number): number | undefined {
    if (this.everyMs === undefined) return this.next(now);
    const start = Math.floor(anchor / 1000) * 1000;
    return start + (Math.floor(Math.max(0, now - start) / this.everyMs) + 1) * this.everyMs;
  }

  /** The latest scheduled time at or before `until`, in a series started at `after`. */
  private latest(after: number, until: number): number | undefined {
    if (this.everyMs === undefined) return this.cron?.previousRuns(1, new Date(until + 1))[0]?.getTime();
    const start = Math.floor(after / 1000) * 1000;
    return start + Math.floor(Math.max(0, until - start) / this.everyMs) * this.everyMs;
  }

  /**
   * The scheduled times in (after, until]: how many (counted up to `cap`) and the most recent one
   * (upstream's mostRecentScheduleTime).
   */
  missed(after: number, until: number, cap: number): { count: number; latest?: number } {
    const latest = this.latest(after, until);
    if (latest === undefined || latest <= after) return { count: 0 };
    let count = 0;
    for (let t: number | undefined = after; count < cap; count++) {
      t = this.next(t);
      if (t === undefined || t > latest) break;
    }
    return { count, latest };
  }

  /** RFC 3339 in the schedule's zone, as Go's time.Format(time.RFC3339) (`Z` for a zero offset). */
  format(ms: number): string {
    const offset = offsetMinutes(ms, this.timeZone);
    const local = new Date(ms + offset * 60_000).toISOString().replace(/\.\d{3}Z$/, '');
    if (offset === 0) return `${local}Z`;
    const sign = offset > 0 ? '+' : '-';
    const abs = Math.abs(offset);
    const pad = (n: number): string => String(n).padStart(2, '0');
    return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
}

/** The zone's offset from UTC at that instant, in minutes (east positive). */
function offsetMinutes(ms: number, timeZone: string | undefined): number {
  if (timeZone === undefined) return -new Date(ms).getTimezoneOffset();
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}
