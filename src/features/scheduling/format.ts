import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { ar, enGB, nl, pl, tr, uk } from 'date-fns/locale';
import type { Locale as DateLocale } from 'date-fns';
import type { Locale } from '../../i18n/i18n.ts';
import { toLocal } from './local-time.ts';

const DATE_LOCALES: Record<Locale, DateLocale> = { nl, en: enGB, tr, ar, pl, uk };

/** Formatters handed to scheduling views: they format, never decide. Days are 'YYYY-MM-DD' local days. */
export function schedulingFormat(locale: Locale, timeZone: string) {
  const options = { locale: DATE_LOCALES[locale] };
  // A local day is shown by formatting noon UTC of that day in UTC: no zone can move it to another day.
  const dayDate = (date: string) => new TZDate(`${date}T12:00:00Z`, 'UTC');
  return {
    day: (date: string) => format(dayDate(date), 'EEEE d MMMM yyyy', options),
    dayShort: (date: string) => format(dayDate(date), 'EEEEEE d MMM', options),
    weekdayShort: (date: string) => format(dayDate(date), 'EEEEEE', options),
    month: (month: string) => format(dayDate(`${month}-01`), 'LLLL yyyy', options),
    weekday: (isoWeekday: number) => format(dayDate(`2024-01-0${isoWeekday}`), 'EEEE', options),
    time: (instant: Date) => toLocal(instant, timeZone).time,
    localDay: (instant: Date) => toLocal(instant, timeZone).date,
    dateTime: (instant: Date) => format(new TZDate(instant, timeZone), 'EEEE d MMMM yyyy, HH:mm', options),
    /** Machine-readable value for <time datetime>. */
    iso: (instant: Date) => instant.toISOString(),
  };
}
export type SchedulingFormat = ReturnType<typeof schedulingFormat>;
