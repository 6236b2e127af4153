import { addDays, daysInMonth, isoWeekday, startOfIsoWeek } from './local-time.ts';

// View models for month and week calendars, from entries that carry their local day.

export type CalendarDay<T> = { date: string; day: number; inMonth: boolean; isToday: boolean; entries: T[] };
export type MonthGrid<T> = { month: string; previousMonth: string; nextMonth: string; firstDate: string; lastDate: string; weeks: Array<Array<CalendarDay<T>>> };

/** 'YYYY-MM' of a day. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function shiftMonth(month: string, by: number): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (mon - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function isValidMonth(value: unknown): value is string {
  return typeof value === 'string' && /^20\d{2}-(0[1-9]|1[0-2])$/.test(value);
}

/** The Monday-first weeks covering a month; days outside the month are marked, so phones can hide them. */
export function monthGrid<T extends { localDate: string }>(month: string, entries: T[], today: string): MonthGrid<T> {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const firstDate = `${month}-01`;
  const lastDate = `${month}-${String(daysInMonth(year, mon)).padStart(2, '0')}`;
  const byDay = groupByDay(entries);
  const weeks: Array<Array<CalendarDay<T>>> = [];
  for (let monday = startOfIsoWeek(firstDate); monday <= lastDate; monday = addDays(monday, 7)) {
    const week: Array<CalendarDay<T>> = [];
    for (let i = 0; i < 7; i++) {
      const date = addDays(monday, i);
      week.push({ date, day: Number(date.slice(8)), inMonth: date.slice(0, 7) === month, isToday: date === today, entries: byDay.get(date) ?? [] });
    }
    weeks.push(week);
  }
  return { month, previousMonth: shiftMonth(month, -1), nextMonth: shiftMonth(month, 1), firstDate: weeks[0]![0]!.date, lastDate: weeks.at(-1)!.at(-1)!.date, weeks };
}

/** The seven days of the week that holds `date`, Monday first. */
export function weekDays<T extends { localDate: string }>(date: string, entries: T[], today: string): { monday: string; sunday: string; previous: string; next: string; days: Array<CalendarDay<T>> } {
  const monday = startOfIsoWeek(date);
  const byDay = groupByDay(entries);
  const days: Array<CalendarDay<T>> = [];
  for (let i = 0; i < 7; i++) {
    const day = addDays(monday, i);
    days.push({ date: day, day: Number(day.slice(8)), inMonth: true, isToday: day === today, entries: byDay.get(day) ?? [] });
  }
  return { monday, sunday: addDays(monday, 6), previous: addDays(monday, -7), next: addDays(monday, 7), days };
}

function groupByDay<T extends { localDate: string }>(entries: T[]): Map<string, T[]> {
  const byDay = new Map<string, T[]>();
  for (const entry of entries) {
    const list = byDay.get(entry.localDate);
    if (list) list.push(entry);
    else byDay.set(entry.localDate, [entry]);
  }
  return byDay;
}

export { isoWeekday };
