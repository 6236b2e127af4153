import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { LRUCache } from 'lru-cache';

export type IcsDinner = {
  uid: string;
  sequence: number;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string;
  description: string;
  cancelled: boolean;
};

// Every household of a dinner gets the same entry, so one is built per version of the dinner.
const built = new LRUCache<string, string>({ max: 200 });

/**
 * The calendar entry attached to confirmation mails. It reuses the dinner's stable UID and
 * SEQUENCE, so a later change or cancellation updates the same entry in the resident's calendar.
 * It carries no personal link: calendar apps copy entries to other services, and a link there
 * would outlive the mail it came in.
 */
export function buildDinnerIcs(dinner: IcsDinner): string {
  const key = JSON.stringify([dinner.uid, dinner.sequence, dinner.title, dinner.startsAt.getTime(), dinner.endsAt.getTime(), dinner.location, dinner.description, dinner.cancelled]);
  const cached = built.get(key);
  if (cached) return cached;
  const calendar = ical({ name: 'Aanschuiftafel', prodId: { company: 'Aanschuiftafel', product: 'rsvp', language: 'NL' } });
  calendar.method(dinner.cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH);
  calendar.createEvent({
    id: dinner.uid,
    sequence: dinner.sequence,
    start: dinner.startsAt,
    end: dinner.endsAt,
    summary: dinner.title,
    location: dinner.location,
    description: dinner.description,
    status: dinner.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  const text = calendar.toString();
  built.set(key, text);
  return text;
}
