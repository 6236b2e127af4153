import { describe, expect, it } from 'vitest';
import { bookingsNear, checkCandidate, freeSlotsOn, type VenueRules } from '../../../src/features/scheduling/conflicts.ts';
import { localToInstant } from '../../../src/features/scheduling/local-time.ts';

const ZONE = 'Europe/Amsterdam';
const NOW = new Date('2026-01-01T12:00:00Z');

const venue: VenueRules = {
  id: 1,
  name: 'Buurthuis De Linde',
  capacity: 40,
  setupMinutes: 30,
  cleanupMinutes: 30,
  openingHours: [
    { weekday: 6, opensAt: '10:00', closesAt: '17:00' },
    { weekday: 6, opensAt: '17:30', closesAt: '23:00' },
  ],
  closures: [{ startsOn: '2026-05-01', endsOn: '2026-05-10', reason: 'Meivakantie' }],
};

function candidate(date: string, from: string, until: string, capacity = 30) {
  const startsAt = localToInstant(date, from, ZONE);
  return { localDate: date, startsAt, endsAt: localToInstant(date, until, ZONE), capacity, rsvpDeadline: new Date(startsAt.getTime() - 2 * 86_400_000) };
}

function booking(id: number, date: string, from: string, until: string) {
  return { id, title: `Diner ${id}`, startsAt: localToInstant(date, from, ZONE).getTime(), endsAt: localToInstant(date, until, ZONE).getTime() };
}

describe('checkCandidate', () => {
  it('accepts a dinner inside an opening window with room for set-up and clean-up', () => {
    expect(checkCandidate(venue, [], candidate('2026-03-21', '18:00', '21:00'), NOW, ZONE)).toEqual([]);
  });

  it('refuses a dinner whose set-up would start before the evening window opens, and says which hours are needed', () => {
    const problems = checkCandidate(venue, [], candidate('2026-03-21', '17:45', '21:00'), NOW, ZONE);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'outside_hours', field: 'startTime', values: { hours: '10:00–17:00, 17:30–23:00', needed: '17:15–21:30' } });
  });

  it('refuses a dinner on a weekday the venue is closed', () => {
    const problems = checkCandidate(venue, [], candidate('2026-03-20', '18:00', '21:00'), NOW, ZONE);

    expect(problems.map((p) => p.key)).toEqual(['scheduling:conflicts.closedOnWeekday']);
  });

  it('refuses a dinner during a closed period and names the reason', () => {
    const problems = checkCandidate(venue, [], candidate('2026-05-02', '18:00', '21:00'), NOW, ZONE);

    expect(problems).toEqual([expect.objectContaining({ code: 'venue_closed', values: expect.objectContaining({ reason: 'Meivakantie', from: '2026-05-01', until: '2026-05-10' }) })]);
  });

  it('sees a clash within the margins and suggests the earliest start after the other dinner', () => {
    const other = booking(7, '2026-03-21', '13:00', '16:00');

    const problems = checkCandidate(venue, [other], candidate('2026-03-21', '16:30', '19:00'), NOW, ZONE).filter((p) => p.code === 'venue_booked');

    expect(problems).toEqual([expect.objectContaining({ code: 'venue_booked', values: expect.objectContaining({ other: 'Diner 7', earliest: '17:00' }) })]);
  });

  it('allows back-to-back dinners whose margins just touch', () => {
    const other = booking(7, '2026-03-21', '18:00', '20:00');

    const problems = checkCandidate(venue, [other], candidate('2026-03-21', '21:00', '22:30'), NOW, ZONE);

    expect(problems).toEqual([]);
  });

  it('reports capacity, deadline after start and a start in the past together', () => {
    const late = { ...candidate('2025-12-20', '18:00', '21:00', 60) };
    late.rsvpDeadline = new Date(late.startsAt.getTime() + 1000);

    const codes = checkCandidate(venue, [], late, NOW, ZONE).map((p) => p.code);

    expect(codes).toEqual(['start_in_past', 'over_capacity', 'deadline_after_start']);
  });
});

describe('bookingsNear', () => {
  it('finds only the bookings around a time range in a sorted list', () => {
    const sorted = [booking(1, '2026-03-14', '18:00', '21:00'), booking(2, '2026-03-21', '18:00', '21:00'), booking(3, '2026-03-28', '18:00', '21:00')];
    const from = localToInstant('2026-03-21', '12:00', ZONE).getTime();
    const until = localToInstant('2026-03-21', '23:00', ZONE).getTime();

    expect(bookingsNear(sorted, from, until).map((b) => b.id)).toEqual([2]);
  });
});

describe('freeSlotsOn', () => {
  it('lists the start times left around an existing dinner, inside the opening windows', () => {
    const other = booking(7, '2026-03-21', '18:00', '20:00');

    const slots = freeSlotsOn(venue, [other], '2026-03-21', 120, ZONE);

    // Morning window 10:00–17:00: set-up from 10:00, clean-up until 17:00 → start 10:30–14:30.
    // Evening 17:30–23:00 is taken 17:30–20:30 by the other dinner → start 21:00 at the earliest, but 21:00+120+30 > 23:00.
    expect(slots).toEqual([{ from: 630, until: 870 }]);
  });

  it('has no slots on a closed date', () => {
    expect(freeSlotsOn(venue, [], '2026-05-02', 120, ZONE)).toEqual([]);
  });
});
