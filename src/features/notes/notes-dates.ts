import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** An instant (ms since the epoch) as 'YYYY-MM-DD HH:mm' in the community's zone: the form exports use. */
export function formatInTimeZone(instantMs: number, timeZone: string): string {
  return format(new TZDate(instantMs, timeZone), 'yyyy-MM-dd HH:mm');
}
