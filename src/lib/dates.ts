import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { ar, enGB, nl, pl, tr, uk } from 'date-fns/locale';
import type { Locale as DateLocale } from 'date-fns';
import type { Locale } from '../i18n/i18n.ts';

const DATE_LOCALES: Record<Locale, DateLocale> = { nl, en: enGB, tr, ar, pl, uk };

/** The instant shown in the community's zone, e.g. "za 14 mrt 2026, 18:00". */
export function formatDateTime(instant: Date, timeZone: string, locale: Locale): string {
  return format(new TZDate(instant, timeZone), 'EEEEEE d MMM yyyy, HH:mm', { locale: DATE_LOCALES[locale] });
}

export function formatDate(instant: Date, timeZone: string, locale: Locale): string {
  return format(new TZDate(instant, timeZone), 'EEEE d MMMM yyyy', { locale: DATE_LOCALES[locale] });
}

export function formatTime(instant: Date, timeZone: string): string {
  return format(new TZDate(instant, timeZone), 'HH:mm');
}

/** The local calendar day ('YYYY-MM-DD') of an instant in the community's zone. */
export function localDay(instant: Date, timeZone: string): string {
  return format(new TZDate(instant, timeZone), 'yyyy-MM-dd');
}
