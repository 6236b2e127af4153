const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant (ms since the epoch) as 'YYYY-MM-DD HH:mm' in the community's zone: the form exports
 * use. Exports call this for every row, so it uses one cached Intl formatter per zone (Swedish
 * writes exactly this ISO-like form) instead of building a TZDate per row, which is about 10× slower.
 */
export function formatInTimeZone(instantMs: number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(instantMs);
}
