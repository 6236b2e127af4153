import { describe, expect, it } from 'vitest';
import { ageGroup, countAgeGroups, countNewConnections, suppressSmallGroups } from '../../../src/features/notes/notes-report.service.ts';

describe('suppressSmallGroups', () => {
  it('hides groups under five and merges them into one line only when that line reaches five', () => {
    const result = suppressSmallGroups([
      { category: 'dutch', count: 12 },
      { category: 'turkish', count: 5 },
      { category: 'polish', count: 3 },
      { category: 'syrian', count: 2 },
      { category: 'eritrean', count: 1 },
    ]);

    expect(result.shown).toEqual([
      { category: 'dutch', count: 12 },
      { category: 'turkish', count: 5 },
    ]);
    expect(result.smallGroupsTogether).toBe(6);
    expect(result.hiddenGroups).toBe(3);
    expect(result.total).toBe(23);
  });

  it('shows no merged line when the small groups together are still fewer than five', () => {
    const result = suppressSmallGroups([
      { category: 'dutch', count: 9 },
      { category: 'polish', count: 4 },
    ]);

    expect(result.shown.map((group) => group.category)).toEqual(['dutch']);
    expect(result.smallGroupsTogether).toBeNull();
  });
});

describe('ageGroup', () => {
  it('puts the age reached in the year at the edges of 18–29, 30–44, 45–64 and 65+', () => {
    const groups = [2012, 2013, 2001, 2000, 1986, 1985, 1966, 1965].map((birthYear) => ageGroup(birthYear, 2030));

    expect(groups).toEqual(['18_29', 'under_18', '18_29', '30_44', '30_44', '45_64', '45_64', '65_plus']);
  });

  it('counts residents without a year of birth as unknown', () => {
    expect(ageGroup(null, 2030)).toBe('unknown');
  });
});

describe('countAgeGroups', () => {
  it('adds up the birth years that fall into one group', () => {
    const counts = countAgeGroups(
      [
        { birthYear: 1990, count: 3 },
        { birthYear: 1995, count: 4 },
        { birthYear: 1950, count: 2 },
        { birthYear: null, count: 6 },
      ],
      2030,
    );

    expect(counts).toEqual([
      { category: '30_44', count: 7 },
      { category: '65_plus', count: 2 },
      { category: 'unknown', count: 6 },
    ]);
  });
});

describe('countNewConnections', () => {
  const backgrounds = new Map([
    [1, 'dutch'],
    [2, 'turkish'],
    [3, 'dutch'],
    [4, 'syrian'],
  ]);

  it('counts pairs of different backgrounds meeting at a table for the first time within the period', () => {
    const seatings = [
      { dinnerId: 1, startsAt: 100, residentIds: [1, 2] }, // before the period: 1–2 already met
      { dinnerId: 2, startsAt: 200, residentIds: [1, 2, 3] }, // new: 1–3 (same background, no), 2–3 (yes)
      { dinnerId: 3, startsAt: 300, residentIds: [2, 3, 4, 5] }, // new: 2–4, 3–4 (yes); 5 has no declared background
    ];

    expect(countNewConnections(seatings, backgrounds, 150)).toBe(3);
  });

  it('counts a pair once even when it meets again', () => {
    const seatings = [
      { dinnerId: 1, startsAt: 200, residentIds: [1, 2] },
      { dinnerId: 2, startsAt: 300, residentIds: [2, 1] },
    ];

    expect(countNewConnections(seatings, backgrounds, 0)).toBe(1);
  });
});

describe('formatInTimeZone', () => {
  it('writes the community-zone wall clock as YYYY-MM-DD HH:mm in winter and summer time', async () => {
    const { formatInTimeZone } = await import('../../../src/features/notes/notes-dates.ts');

    expect(formatInTimeZone(Date.UTC(2030, 0, 20, 17, 0), 'Europe/Amsterdam')).toBe('2030-01-20 18:00');
    expect(formatInTimeZone(Date.UTC(2030, 6, 1, 22, 5), 'Europe/Amsterdam')).toBe('2030-07-02 00:05');
    // Around the switch to summer time (31 March 2030, 01:00 UTC) and back (27 October 2030, 01:00 UTC).
    expect(formatInTimeZone(Date.UTC(2030, 2, 31, 0, 59), 'Europe/Amsterdam')).toBe('2030-03-31 01:59');
    expect(formatInTimeZone(Date.UTC(2030, 2, 31, 1, 0), 'Europe/Amsterdam')).toBe('2030-03-31 03:00');
    expect(formatInTimeZone(Date.UTC(2030, 9, 27, 0, 30), 'Europe/Amsterdam')).toBe('2030-10-27 02:30');
    expect(formatInTimeZone(Date.UTC(2030, 9, 27, 1, 30), 'Europe/Amsterdam')).toBe('2030-10-27 02:30');
    expect(formatInTimeZone(Date.UTC(2030, 0, 20, 17, 0), 'Asia/Kolkata')).toBe('2030-01-20 22:30');
  });
});
