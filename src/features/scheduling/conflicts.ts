import { addDays, isoWeekday, minutesOfDay, timeOfMinutes, toLocal } from './local-time.ts';

// Conflict rules for planned dinners, as pure functions over plain data: the service loads the
// venue and its bookings once and checks every occurrence of a series against them together.

export type OpeningWindow = { weekday: number; opensAt: string; closesAt: string };
export type Closure = { startsOn: string; endsOn: string; reason: string };

export type VenueRules = {
  id: number;
  name: string;
  capacity: number;
  setupMinutes: number;
  cleanupMinutes: number;
  openingHours: OpeningWindow[];
  closures: Closure[];
};

/** An existing dinner at the venue (cancelled dinners free the venue and are left out). */
export type Booking = { id: number; title: string; startsAt: number; endsAt: number };

export type Candidate = {
  localDate: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  rsvpDeadline: Date;
};

export type ProblemCode = 'venue_booked' | 'outside_hours' | 'venue_closed' | 'over_capacity' | 'deadline_after_start' | 'start_in_past' | 'time_invalid';

/** One clash: a catalogue key with its values, and the form field that fixes it. */
export type Problem = { code: ProblemCode; field: string; key: string; values: Record<string, string | number>; date: string };

/** The closure covering a local day, if any. */
export function closureOn(rules: Pick<VenueRules, 'closures'>, date: string): Closure | undefined {
  return rules.closures.find((closure) => closure.startsOn <= date && date <= closure.endsOn);
}

/** The windows a venue is open on a local day; null when the venue has no opening hours at all (no rule). */
export function windowsOn(rules: Pick<VenueRules, 'openingHours'>, date: string): Array<{ opens: number; closes: number }> | null {
  if (rules.openingHours.length === 0) return null;
  const weekday = isoWeekday(date);
  return rules.openingHours
    .filter((window) => window.weekday === weekday)
    .map((window) => ({ opens: minutesOfDay(window.opensAt), closes: minutesOfDay(window.closesAt) }))
    .sort((a, b) => a.opens - b.opens);
}

/** Minutes after the local midnight of `date` at which the instant falls (may exceed 1440 the next day). */
function localMinutesFrom(date: string, instant: number, timeZone: string): number {
  const local = toLocal(instant, timeZone);
  let dayOffset = 0;
  for (let day = date; day < local.date && dayOffset < 3; day = addDays(day, 1)) dayOffset += 1;
  if (local.date < date) return local.minutes - 1440;
  return local.minutes + dayOffset * 1440;
}

/** Bookings sorted by start, so a check needs to look only at a window of them. */
export function sortBookings(bookings: Booking[]): Booking[] {
  return [...bookings].sort((a, b) => a.startsAt - b.startsAt);
}

/**
 * Every reason the candidate cannot be planned as it is, each with what to change.
 * `bookings` must be sorted by start (sortBookings) and exclude the dinner being edited.
 */
export function checkCandidate(rules: VenueRules, bookings: Booking[], candidate: Candidate, now: Date, timeZone: string): Problem[] {
  const problems: Problem[] = [];
  const date = candidate.localDate;
  const add = (code: ProblemCode, field: string, key: string, values: Record<string, string | number> = {}) =>
    problems.push({ code, field, key, date, values: { venue: rules.name, ...values } });
  const start = candidate.startsAt.getTime();
  const end = candidate.endsAt.getTime();
  const setupMs = rules.setupMinutes * 60_000;
  const cleanupMs = rules.cleanupMinutes * 60_000;

  if (start <= now.getTime()) add('start_in_past', 'date', 'scheduling:conflicts.startInPast');

  const closure = closureOn(rules, date);
  if (closure) {
    add('venue_closed', 'date', closure.reason ? 'scheduling:conflicts.closedWithReason' : 'scheduling:conflicts.closed', {
      from: closure.startsOn,
      until: closure.endsOn,
      reason: closure.reason,
    });
  }

  const windows = windowsOn(rules, date);
  if (windows !== null && !closure) {
    const needFrom = localMinutesFrom(date, start - setupMs, timeZone);
    const needUntil = localMinutesFrom(date, end + cleanupMs, timeZone);
    const fits = windows.some((window) => window.opens <= needFrom && needUntil <= window.closes);
    if (!fits) {
      const hours = windows.map((window) => `${timeOfMinutes(window.opens)}–${timeOfMinutes(window.closes)}`).join(', ');
      const needed = `${timeOfMinutes(needFrom)}–${timeOfMinutes(needUntil)}`;
      if (windows.length === 0) add('outside_hours', 'startTime', 'scheduling:conflicts.closedOnWeekday', { weekday: isoWeekday(date) });
      else add('outside_hours', 'startTime', 'scheduling:conflicts.outsideHours', { hours, needed, setup: rules.setupMinutes, cleanup: rules.cleanupMinutes });
    }
  }

  // Two dinners clash when one's set-up would start before the other's clean-up ends.
  const occupiedFrom = start - setupMs;
  const occupiedUntil = end + cleanupMs;
  for (const booking of bookings) {
    if (booking.startsAt - setupMs >= occupiedUntil) break;
    if (booking.endsAt + cleanupMs <= occupiedFrom) continue;
    const duration = end - start;
    const earliestStart = toLocal(booking.endsAt + cleanupMs + setupMs, timeZone);
    const latestEnd = toLocal(booking.startsAt - setupMs - cleanupMs, timeZone);
    const latestStartMs = booking.startsAt - setupMs - cleanupMs - duration;
    // Say how to fix it: a later start, an earlier end, or (neither fits that day) another day or venue.
    const canStartLater = earliestStart.date === date;
    const canEndEarlier = latestEnd.date === date && latestStartMs > now.getTime();
    const variant = canStartLater && canEndEarlier ? 'booked' : canStartLater ? 'bookedStartLater' : canEndEarlier ? 'bookedEndEarlier' : 'bookedOtherDay';
    add('venue_booked', 'startTime', `scheduling:conflicts.${variant}`, {
      other: booking.title,
      otherFrom: toLocal(booking.startsAt, timeZone).time,
      otherUntil: toLocal(booking.endsAt, timeZone).time,
      setup: rules.setupMinutes,
      cleanup: rules.cleanupMinutes,
      earliest: earliestStart.time,
      latestEnd: latestEnd.time,
    });
  }

  if (candidate.capacity > rules.capacity) add('over_capacity', 'capacity', 'scheduling:conflicts.overCapacity', { capacity: candidate.capacity, max: rules.capacity });
  if (candidate.rsvpDeadline.getTime() > start) add('deadline_after_start', 'deadlineDate', 'scheduling:conflicts.deadlineAfterStart');
  return problems;
}

/** The bookings that overlap a time range (inclusive of margins), from a sorted list, by binary search. */
export function bookingsNear(sorted: Booking[], from: number, until: number): Booking[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]!.startsAt < from) low = mid + 1;
    else high = mid;
  }
  // A booking that started before `from` may still run into the range: step back over long ones.
  let first = low;
  while (first > 0 && sorted[first - 1]!.endsAt > from) first -= 1;
  const result: Booking[] = [];
  for (let i = first; i < sorted.length && sorted[i]!.startsAt < until; i++) result.push(sorted[i]!);
  return result;
}

/** Free start times at a venue on one local day: windows minus bookings and margins, for a dinner of `durationMinutes`. */
export function freeSlotsOn(
  rules: VenueRules,
  sortedBookings: Booking[],
  date: string,
  durationMinutes: number,
  timeZone: string,
  notBeforeMinutes = 0,
): Array<{ from: number; until: number }> {
  if (closureOn(rules, date)) return [];
  const windows = windowsOn(rules, date) ?? [{ opens: 0, closes: 1440 }];
  const busy = sortedBookings
    .map((booking) => ({
      from: localMinutesFrom(date, booking.startsAt, timeZone) - rules.setupMinutes,
      until: localMinutesFrom(date, booking.endsAt, timeZone) + rules.cleanupMinutes,
    }))
    .filter((interval) => interval.until > 0 && interval.from < 1440);
  const slots: Array<{ from: number; until: number }> = [];
  for (const window of windows) {
    let cursor = window.opens;
    const edges = busy.filter((b) => b.until > window.opens && b.from < window.closes).sort((a, b) => a.from - b.from);
    for (const interval of [...edges, { from: window.closes, until: window.closes }]) {
      const gapEnd = Math.min(interval.from, window.closes);
      // A start time here leaves room for set-up before and clean-up after.
      const earliest = Math.max(cursor + rules.setupMinutes, notBeforeMinutes);
      const latest = gapEnd - rules.cleanupMinutes - durationMinutes;
      if (latest >= earliest) slots.push({ from: earliest, until: latest });
      cursor = Math.max(cursor, interval.until);
    }
  }
  return slots;
}
