import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { ar, enGB, nl, pl, tr, uk } from 'date-fns/locale';
import type { Locale as DateLocale } from 'date-fns';
import { LRUCache } from 'lru-cache';
import type { Locale } from '../i18n/i18n.ts';

const DATE_LOCALES: Record<Locale, DateLocale> = { nl, en: enGB, tr, ar, pl, uk };

// Formatting in a zone costs ~0.1 ms (the offset comes from Intl), and the same instants (a dinner's
// start and deadline) are shown over and over, in pages and in every mail: recent results are kept.
const formatted = new LRUCache<string, string>({ max: 2000 });

function formatInZone(instant: Date, timeZone: string, pattern: string, locale: Locale | null): string {
  const key = `${instant.getTime()}|${timeZone}|${pattern}|${locale ?? ''}`;
  const known = formatted.get(key);
  if (known !== undefined) return known;
  const text = format(new TZDate(instant, timeZone), pattern, locale ? { locale: DATE_LOCALES[locale] } : {});
  formatted.set(key, text);
  return text;
}

/** The instant shown in the community's zone, e.g. "za 14 mrt 2026, 18:00". */
export function formatDateTime(instant: Date, timeZone: string, locale: Locale): string {
  return formatInZone(instant, timeZone, 'EEEEEE d MMM yyyy, HH:mm', locale);
}

export function formatDate(instant: Date, timeZone: string, locale: Locale): string {
  return formatInZone(instant, timeZone, 'EEEE d MMMM yyyy', locale);
}

export function formatTime(instant: Date, timeZone: string): string {
  return formatInZone(instant, timeZone, 'HH:mm', null);
}

/** The local calendar day ('YYYY-MM-DD') of an instant in the community's zone. */
export function localDay(instant: Date, timeZone: string): string {
  return format(new TZDate(instant, timeZone), 'yyyy-MM-dd');
}
