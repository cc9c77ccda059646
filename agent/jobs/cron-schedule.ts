// CronJob schedules: standard 5-field cron and the @hourly-style nicknames (croner in its strict 5-part
// mode), in spec.timeZone or, without one, the host's zone (upstream uses the controller manager's). The
// validation messages are the ones the API server returns (robfig/cron's wording, batch validation's).
import { Cron } from 'croner';

const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Why the API server refuses this schedule (the text after `spec.schedule: Invalid value: "..."`), if it does. */
export function scheduleError(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 0) return 'empty spec string';
  if (schedule.includes('TZ')) return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  const first = fields[0] as string;
  if (first.startsWith('@')) {
    if (!NICKNAMES.has(first) || fields.length > 1) return `unrecognized descriptor: ${schedule.trim()}`;
    return undefined;
  }
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
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
  private readonly cron: Cron;

  /** Throws on a schedule or zone that validation refuses (stored objects have passed it). */
  constructor(
    schedule: string,
    readonly timeZone?: string,
  ) {
    const why = scheduleError(schedule) ?? (timeZone !== undefined ? timeZoneError(timeZone) : undefined);
    if (why) throw new Error(why);
    this.cron = new Cron(schedule.trim(), {
      mode: '5-part',
      paused: true,
      ...(timeZone !== undefined ? { timezone: timeZone } : {}),
    });
  }

  /** The first scheduled time after `after` (ms). */
  next(after: number): number | undefined {
    return this.cron.nextRun(new Date(after))?.getTime();
  }

  /**
   * The scheduled times in (after, until]: how many (counted up to `cap`) and the most recent one
   * (upstream's mostRecentScheduleTime).
   */
  missed(after: number, until: number, cap: number): { count: number; latest?: number } {
    const latest = this.cron.previousRuns(1, new Date(until + 1))[0]?.getTime();
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
