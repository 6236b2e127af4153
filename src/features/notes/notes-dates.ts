// Every zone's offset changes fall on a quarter hour in UTC (zones at +5:30 or +12:45 included).
const BUCKET_MS = 15 * 60_000;
const offsetCaches = new Map<string, Map<number, number>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset (ms) during the quarter hour that contains the instant. */
function offsetMs(instantMs: number, timeZone: string): number {
  let cache = offsetCaches.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCaches.set(timeZone, cache);
  }
  const bucket = Math.floor(instantMs / BUCKET_MS);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    let formatter = formatters.get(timeZone);
    if (!formatter) {
      formatter = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
      formatters.set(timeZone, formatter);
    }
    const start = bucket * BUCKET_MS;
    // 'YYYY-MM-DD HH:mm:ss' of the bucket's start as a wall clock, read back as if it were UTC.
    const wall = Date.parse(`${formatter.format(start).replace(' ', 'T')}Z`);
    offset = wall - start;
    if (cache.size > 50_000) cache.clear();
    cache.set(bucket, offset);
  }
  return offset;
}

/**
 * An instant (ms since the epoch) as 'YYYY-MM-DD HH:mm' in the community's zone: the form exports
 * use. Exports call this for every row, so the zone's offset is looked up once per quarter hour
 * of time and the rest is arithmetic.
 */
export function formatInTimeZone(instantMs: number, timeZone: string): string {
  return new Date(instantMs + offsetMs(instantMs, timeZone)).toISOString().slice(0, 16).replace('T', ' ');
}
