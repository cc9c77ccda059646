// Schedules as the API server validates them (robfig/cron's and batch validation's wording) and as the
// controller reads them.
import { expect } from 'chai';
import { Schedule, scheduleError, timeZoneError } from '../../../../agent/jobs/cron-schedule';

describe('agent/jobs/cron-schedule', () => {
  describe('scheduleError', () => {
    const cases: [string, string | undefined][] = [
      ['*/5 * * * *', undefined],
      ['@hourly', undefined],
      ['@daily', undefined],
      ['0 0 * * 1-5', undefined],
      ['', 'empty spec string'],
      ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
      ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
      ['@sometimes', 'unrecognized descriptor: @sometimes'],
      ['TZ=UTC * * * * *', 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
      ['? * * * *', undefined],
      ['0 0 * JAN-mar mon,FRI', undefined],
      ['60 * * * *', 'end of range (60) above maximum (59): 60'],
      ['0 0 * * 7', 'end of range (7) above maximum (6): 7'],
      ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
      ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
      ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
      ['*/0 * * * *', 'step of range should be a positive number: */0'],
      ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
      ['1/2/3 * * * *', 'too many slashes: 1/2/3'],
      ['@every 5m', undefined],
      ['@every 1h30m', undefined],
      ['@every 1.5s', undefined],
      ['@every 500ms', undefined],
      ['@every', 'unrecognized descriptor: @every'],
      ['@every 5d', 'failed to parse duration @every 5d: time: unknown unit "d" in duration "5d"'],
      ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
      ['@every soon', 'failed to parse duration @every soon: time: invalid duration "soon"'],
    ];
    for (const [schedule, want] of cases) {
      it(`${JSON.stringify(schedule)}: ${want ?? 'valid'}`, () => {
        expect(scheduleError(schedule)).to.equal(want);
      });
    }
  });

  describe('timeZoneError', () => {
    const cases: [string, string | undefined][] = [
      ['Europe/Berlin', undefined],
      ['Etc/UTC', undefined],
      ['', 'timeZone must be nil or non-empty string'],
      ['Local', 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'],
      ['Mars/Olympus', 'unknown time zone Mars/Olympus'],
      ['../etc', 'unknown time zone ../etc'],
    ];
    for (const [zone, want] of cases) {
      it(`${JSON.stringify(zone)}: ${want ?? 'valid'}`, () => {
        expect(timeZoneError(zone)).to.equal(want);
      });
    }
  });

  describe('Schedule', () => {
    const at = Date.parse('2026-01-01T00:10:00Z');
    it('@every: a constant delay in whole seconds (at least one), counted from the last time', () => {
      const every = new Schedule('@every 90.5s');
      expect(every.next(at + 400)).to.equal(at + 90_000);
      expect(every.missed(at, at + 200_000, 101)).to.deep.equal({ count: 2, latest: at + 180_000 });
      expect(every.nextSince(at, at + 200_000)).to.equal(at + 270_000);
      expect(new Schedule('@every 10ms').next(at)).to.equal(at + 1000);
    });

    it('finds the next time strictly after a time', () => {
      expect(new Schedule('*/5 * * * *', 'Etc/UTC').next(at)).to.equal(at + 300_000);
    });

    it('counts the missed times and finds the most recent one, that time included', () => {
      expect(new Schedule('*/5 * * * *', 'Etc/UTC').missed(at - 900_000, at, 101)).to.deep.equal({
        count: 3,
        latest: at,
      });
    });

    it('reads day-of-month and day-of-week as either, like vixie cron and upstream', () => {
      // 2026-01-01 is a Thursday; "the 2nd or any Monday" next fires on Friday the 2nd, then Monday the 5th.
      const s = new Schedule('0 0 2 * 1', 'Etc/UTC');
      expect(s.next(at)).to.equal(Date.parse('2026-01-02T00:00:00Z'));
      expect(s.next(Date.parse('2026-01-02T00:00:00Z'))).to.equal(Date.parse('2026-01-05T00:00:00Z'));
    });

    it('formats a time as RFC 3339 in its zone, Z for UTC', () => {
      expect(new Schedule('@hourly', 'Etc/UTC').format(at)).to.equal('2026-01-01T00:10:00Z');
      expect(new Schedule('@hourly', 'America/New_York').format(at)).to.equal('2025-12-31T19:10:00-05:00');
    });
  });
});
