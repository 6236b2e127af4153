import { tzOffset } from '@date-fns/tz';

// Calendar arithmetic on 'YYYY-MM-DD' strings and wall-clock times in the community zone.
// Everything here is pure and independent of the process TZ: days are computed with UTC
// Date methods, and the zone's offsets come from @date-fns/tz (Intl underneath).

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A real calendar day between 2000 and 2099 (so 2026-02-31 and 2026-13-01 are refused). */
export function isValidLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 2000 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** 'HH:MM' on a 24-hour clock. */
export function isValidLocalTime(value: unknown): value is string {
  return typeof value === 'string' && TIME_PATTERN.test(value);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dayNumber(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function fromDayNumber(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const weekday = new Date(dayNumber(date) * DAY_MS).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** The Monday on or before the date. */
export function startOfIsoWeek(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** 'HH:MM' (or '24:00') → minutes after midnight. */
export function minutesOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

export function timeOfMinutes(minutes: number): string {
  const clamped = Math.max(0, Math.min(1440, Math.round(minutes)));
  return `${String(Math.floor(clamped / 60)).padStart(2, '0')}:${String(clamped % 60).padStart(2, '0')}`;
}

export type LocalDateTime = { date: string; time: string; minutes: number };

// Offsets only change on quarter hours in every real zone, so one lookup per quarter hour is exact.
// Pages with hundreds of dinners would otherwise ask Intl for each one.
const QUARTER_HOUR = 900_000;
const offsetCache = new Map<string, number>();

function offsetMinutes(timeZone: string, ms: number): number {
  const key = `${timeZone}|${Math.floor(ms / QUARTER_HOUR)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size > 50_000) offsetCache.clear();
    offset = tzOffset(timeZone, new Date(Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR));
    offsetCache.set(key, offset);
  }
  return offset;
}

/** The instant's day and wall-clock time in the zone. */
export function toLocal(instant: Date | number, timeZone: string): LocalDateTime {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const shifted = new Date(ms + offsetMinutes(timeZone, ms) * 60_000);
  const minutes = shifted.getUTCHours() * 60 + shifted.getUTCMinutes();
  return { date: shifted.toISOString().slice(0, 10), time: timeOfMinutes(minutes), minutes };
}

export type LocalResolution =
  | { kind: 'exact'; instant: Date }
  /** The wall-clock time is skipped when the clocks go forward (e.g. 2026-03-29 02:30 in Amsterdam). */
  | { kind: 'nonexistent' }
  /** The wall-clock time happens twice when the clocks go back (e.g. 2026-10-25 02:30 in Amsterdam). */
  | { kind: 'ambiguous'; earlier: Date; later: Date };

/**
 * Turns a wall-clock time on a day in the zone into the instant(s) it names. Daylight-saving
 * gaps and overlaps are reported instead of silently shifted, so the caller can ask the person.
 */
export function resolveLocalTime(date: string, time: string, timeZone: string): LocalResolution {
  const wallAsUtc = dayNumber(date) * DAY_MS + minutesOfDay(time) * 60_000;
  // The offsets in force a day either side cover any change near this wall time.
  const offsets = new Set([
    tzOffset(timeZone, new Date(wallAsUtc - DAY_MS)),
    tzOffset(timeZone, new Date(wallAsUtc)),
    tzOffset(timeZone, new Date(wallAsUtc + DAY_MS)),
  ]);
  const matches: number[] = [];
  for (const offset of offsets) {
    const candidate = wallAsUtc - offset * 60_000;
    if (tzOffset(timeZone, new Date(candidate)) === offset && !matches.includes(candidate)) matches.push(candidate);
  }
  matches.sort((a, b) => a - b);
  if (matches.length === 0) return { kind: 'nonexistent' };
  if (matches.length === 1) return { kind: 'exact', instant: new Date(matches[0]!) };
  return { kind: 'ambiguous', earlier: new Date(matches[0]!), later: new Date(matches[matches.length - 1]!) };
}

/** Like resolveLocalTime, for callers that already know the time exists (throws otherwise). */
export function localToInstant(date: string, time: string, timeZone: string): Date {
  const resolved = resolveLocalTime(date, time, timeZone);
  if (resolved.kind === 'exact') return resolved.instant;
  if (resolved.kind === 'ambiguous') return resolved.earlier;
  throw new Error(`${date} ${time} does not exist in ${timeZone}`);
}

/** The first instant of a local day (midnight, or the first existing minute after it). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  for (let minutes = 0; minutes < 180; minutes += 30) {
    const resolved = resolveLocalTime(date, timeOfMinutes(minutes), timeZone);
    if (resolved.kind === 'exact') return resolved.instant;
    if (resolved.kind === 'ambiguous') return resolved.earlier;
  }
  throw new Error(`No start of day for ${date} in ${timeZone}`);
}
