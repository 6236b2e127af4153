import { describe, expect, it } from 'vitest';
import { addDays, isValidLocalDate, resolveLocalTime, toLocal } from '../../../src/features/scheduling/local-time.ts';
import { nthWeekdayOfMonth, occurrenceDates, checkRule } from '../../../src/features/scheduling/series.ts';

const ZONE = 'Europe/Amsterdam';
const HOUR = 3_600_000;

describe('resolveLocalTime (test plan I2)', () => {
  it('reports 2026-03-29 02:30 as a time that does not exist in Amsterdam', () => {
    const resolved = resolveLocalTime('2026-03-29', '02:30', ZONE);

    expect(resolved.kind).toBe('nonexistent');
  });

  it('reports 2026-10-25 02:30 as a time that happens twice, one hour apart', () => {
    const resolved = resolveLocalTime('2026-10-25', '02:30', ZONE);

    expect(resolved.kind).toBe('ambiguous');
    if (resolved.kind !== 'ambiguous') return;
    expect(resolved.earlier.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(resolved.later.toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });

  it('turns 18:00 local into 17:00 UTC in winter and 16:00 UTC in summer', () => {
    const winter = resolveLocalTime('2026-01-17', '18:00', ZONE);
    const summer = resolveLocalTime('2026-07-18', '18:00', ZONE);

    expect(winter).toEqual({ kind: 'exact', instant: new Date('2026-01-17T17:00:00Z') });
    expect(summer).toEqual({ kind: 'exact', instant: new Date('2026-07-18T16:00:00Z') });
  });

  it('gives the times either side of the spring gap exactly', () => {
    expect(resolveLocalTime('2026-03-29', '01:59', ZONE)).toEqual({ kind: 'exact', instant: new Date('2026-03-29T00:59:00Z') });
    expect(resolveLocalTime('2026-03-29', '03:00', ZONE)).toEqual({ kind: 'exact', instant: new Date('2026-03-29T01:00:00Z') });
  });

  it('reads an instant back as the same local day and time', () => {
    expect(toLocal(new Date('2026-03-28T23:30:00Z'), ZONE)).toEqual({ date: '2026-03-29', time: '00:30', minutes: 30 });
    expect(toLocal(new Date('2026-10-25T01:30:00Z'), ZONE)).toMatchObject({ date: '2026-10-25', time: '02:30' });
  });
});

describe('weekly Saturday 18:00 across daylight-saving changes (test plan I3)', () => {
  function saturdaysAt18(firstDate: string, untilDate: string) {
    const dates = occurrenceDates({ pattern: 'weekly', intervalWeeks: 1, firstDate, untilDate, count: null });
    return dates.map((date) => {
      const resolved = resolveLocalTime(date, '18:00', ZONE);
      if (resolved.kind !== 'exact') throw new Error(`18:00 on ${date} should exist`);
      return resolved.instant;
    });
  }

  it('stays at 18:00 local from 21 March to 11 April 2026, with a 167-hour gap over the spring change', () => {
    const instants = saturdaysAt18('2026-03-21', '2026-04-11');

    expect(instants.map((instant) => toLocal(instant, ZONE))).toEqual([
      { date: '2026-03-21', time: '18:00', minutes: 1080 },
      { date: '2026-03-28', time: '18:00', minutes: 1080 },
      { date: '2026-04-04', time: '18:00', minutes: 1080 },
      { date: '2026-04-11', time: '18:00', minutes: 1080 },
    ]);
    const gaps = instants.slice(1).map((instant, i) => (instant.getTime() - instants[i]!.getTime()) / HOUR);
    expect(gaps).toEqual([168, 167, 168]);
  });

  it('stays at 18:00 local across 25 October 2026, with a 169-hour gap over the autumn change', () => {
    const instants = saturdaysAt18('2026-10-17', '2026-11-07');

    expect(instants.every((instant) => toLocal(instant, ZONE).time === '18:00')).toBe(true);
    const gaps = instants.slice(1).map((instant, i) => (instant.getTime() - instants[i]!.getTime()) / HOUR);
    expect(gaps).toEqual([168, 169, 168]);
  });
});

describe('calendar days', () => {
  it('refuses 31 February and 29 February outside leap years', () => {
    expect(isValidLocalDate('2026-02-31')).toBe(false);
    expect(isValidLocalDate('2026-02-29')).toBe(false);
    expect(isValidLocalDate('2028-02-29')).toBe(true);
    expect(isValidLocalDate('2026-13-01')).toBe(false);
  });

  it('adds days over a daylight-saving change without losing one', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
  });
});

describe('recurrence rules', () => {
  it('finds the first, fourth and last Saturday of a month', () => {
    expect(nthWeekdayOfMonth(2026, 3, 6, 1)).toBe('2026-03-07');
    expect(nthWeekdayOfMonth(2026, 3, 6, 4)).toBe('2026-03-28');
    expect(nthWeekdayOfMonth(2026, 5, 6, -1)).toBe('2026-05-30');
  });

  it('lists every other week for a fortnightly series of six', () => {
    const dates = occurrenceDates({ pattern: 'weekly', intervalWeeks: 2, firstDate: '2026-03-04', untilDate: null, count: 6 });

    expect(dates).toEqual(['2026-03-04', '2026-03-18', '2026-04-01', '2026-04-15', '2026-04-29', '2026-05-13']);
  });

  it('lists the last Friday of each month until a date', () => {
    const dates = occurrenceDates({ pattern: 'monthly', nthWeek: -1, weekday: 5, firstDate: '2026-01-01', untilDate: '2026-04-30', count: null });

    expect(dates).toEqual(['2026-01-30', '2026-02-27', '2026-03-27', '2026-04-24']);
  });

  it('names the field of an impossible recurrence', () => {
    expect(checkRule({ pattern: 'weekly', intervalWeeks: 1, firstDate: '2026-03-07', untilDate: '2026-03-01', count: null })).toEqual([
      { field: 'untilDate', key: 'scheduling:errors.untilBeforeFirst' },
    ]);
    expect(checkRule({ pattern: 'weekly', intervalWeeks: 1, firstDate: '2026-03-07', untilDate: null, count: 500 })[0]?.field).toBe('count');
    expect(checkRule({ pattern: 'weekly', intervalWeeks: 4, firstDate: '2026-03-07', untilDate: '2026-03-20', count: null })[0]?.key).toBe('scheduling:errors.tooFewOccurrences');
    expect(checkRule({ pattern: 'weekly', intervalWeeks: 1, firstDate: '2026-03-07', untilDate: '2030-03-07', count: null })[0]?.key).toBe('scheduling:errors.untilTooFar');
  });
});
