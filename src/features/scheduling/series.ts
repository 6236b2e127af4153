import { addDays, daysBetween, isoWeekday } from './local-time.ts';

// Recurrence rules for dinner series, computed on local calendar days only: the time of day is
// applied per occurrence afterwards, in the community zone, so 18:00 stays 18:00 across DST.

/** A series never has more occurrences than this, nor spans more than two years. */
export const MAX_OCCURRENCES = 104;
export const MAX_SPAN_DAYS = 731;

export type RecurrenceRule =
  | { pattern: 'weekly'; intervalWeeks: number; firstDate: string; untilDate: string | null; count: number | null }
  | { pattern: 'monthly'; nthWeek: number; weekday: number; firstDate: string; untilDate: string | null; count: number | null };

export type RecurrenceProblem = { field: string; key: string; values?: Record<string, string | number> };

/** Reasons a rule can never produce a sensible series; empty when the rule is fine. */
export function checkRule(rule: RecurrenceRule): RecurrenceProblem[] {
  const problems: RecurrenceProblem[] = [];
  if ((rule.untilDate === null) === (rule.count === null)) {
    problems.push({ field: 'endType', key: 'scheduling:errors.recurrenceEnd' });
    return problems;
  }
  if (rule.pattern === 'weekly' && (!Number.isInteger(rule.intervalWeeks) || rule.intervalWeeks < 1 || rule.intervalWeeks > 12)) {
    problems.push({ field: 'intervalWeeks', key: 'scheduling:errors.intervalRange' });
  }
  if (rule.pattern === 'monthly') {
    if (![1, 2, 3, 4, -1].includes(rule.nthWeek)) problems.push({ field: 'nthWeek', key: 'forms.invalidChoice' });
    if (!Number.isInteger(rule.weekday) || rule.weekday < 1 || rule.weekday > 7) problems.push({ field: 'weekday', key: 'forms.invalidChoice' });
  }
  if (rule.count !== null && (!Number.isInteger(rule.count) || rule.count < 2 || rule.count > MAX_OCCURRENCES)) {
    problems.push({ field: 'count', key: 'scheduling:errors.countRange', values: { max: MAX_OCCURRENCES } });
  }
  if (rule.untilDate !== null) {
    const span = daysBetween(rule.firstDate, rule.untilDate);
    if (span <= 0) problems.push({ field: 'untilDate', key: 'scheduling:errors.untilBeforeFirst' });
    else if (span > MAX_SPAN_DAYS) problems.push({ field: 'untilDate', key: 'scheduling:errors.untilTooFar' });
  }
  if (problems.length > 0) return problems;
  const dates = occurrenceDates(rule);
  if (dates.length < 2) problems.push({ field: rule.untilDate !== null ? 'untilDate' : 'repeat', key: 'scheduling:errors.tooFewOccurrences' });
  else if (dates.length > MAX_OCCURRENCES) problems.push({ field: rule.untilDate !== null ? 'untilDate' : 'count', key: 'scheduling:errors.countRange', values: { max: MAX_OCCURRENCES } });
  return problems;
}

/** The local days of the series, first to last (at most MAX_OCCURRENCES + 1, so callers can tell "too many"). */
export function occurrenceDates(rule: RecurrenceRule): string[] {
  const dates: string[] = [];
  const limit = rule.count ?? MAX_OCCURRENCES + 1;
  const within = (date: string) => (rule.untilDate === null || date <= rule.untilDate) && daysBetween(rule.firstDate, date) <= MAX_SPAN_DAYS;
  if (rule.pattern === 'weekly') {
    for (let date = rule.firstDate; dates.length < limit && within(date); date = addDays(date, 7 * rule.intervalWeeks)) dates.push(date);
    return dates;
  }
  let [year, month] = rule.firstDate.split('-').map(Number) as [number, number];
  for (let guard = 0; dates.length < limit && guard < 40; guard += 1) {
    const date = nthWeekdayOfMonth(year, month, rule.weekday, rule.nthWeek);
    if (date !== null && date >= rule.firstDate) {
      if (!within(date)) break;
      dates.push(date);
    }
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return dates;
}

/** The nth (1–4) or last (-1) given ISO weekday of a month, as 'YYYY-MM-DD'. */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, nth: number): string | null {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  const firstMatch = addDays(first, (weekday - isoWeekday(first) + 7) % 7);
  if (nth === -1) {
    let last = firstMatch;
    while (addDays(last, 7).slice(0, 7) === first.slice(0, 7)) last = addDays(last, 7);
    return last;
  }
  const date = addDays(firstMatch, 7 * (nth - 1));
  return date.slice(0, 7) === first.slice(0, 7) ? date : null;
}
