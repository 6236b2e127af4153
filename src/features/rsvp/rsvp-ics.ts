import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

export type IcsDinner = {
  uid: string;
  sequence: number;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string;
  description: string;
  url: string;
  cancelled: boolean;
};

/**
 * The calendar entry attached to confirmation mails. It reuses the dinner's stable UID and
 * SEQUENCE, so a later change or cancellation updates the same entry in the resident's calendar.
 */
export function buildDinnerIcs(dinner: IcsDinner): string {
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
    url: dinner.url,
    status: dinner.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
