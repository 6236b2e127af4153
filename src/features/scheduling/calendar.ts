import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

// iCalendar (RFC 5545) output for feeds and mail attachments, through ical-generator.
// Times are written as UTC instants (DTSTART:…Z): every calendar shows them at the right local
// time without a VTIMEZONE block, and a daylight-saving change cannot shift them.

export type IcsEvent = {
  uid: string;
  sequence: number;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  location: string;
  description: string;
  url: string;
  status: 'draft' | 'published' | 'cancelled' | 'completed';
  updatedAt: Date;
};

export type IcsMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

const METHODS: Record<IcsMethod, ICalCalendarMethod> = {
  PUBLISH: ICalCalendarMethod.PUBLISH,
  REQUEST: ICalCalendarMethod.REQUEST,
  CANCEL: ICalCalendarMethod.CANCEL,
};

/** A whole calendar: a feed (PUBLISH) or an update/cancellation sent by mail (REQUEST/CANCEL). */
export function buildCalendar(options: { name: string; method: IcsMethod; events: IcsEvent[]; organiserEmail?: string }): string {
  const calendar = ical({ name: options.name, prodId: { company: 'Aanschuiftafel', product: 'scheduling', language: 'NL' } });
  calendar.method(METHODS[options.method]);
  for (const event of options.events) {
    calendar.createEvent({
      id: event.uid,
      sequence: event.sequence,
      start: event.startsAt,
      end: event.endsAt,
      stamp: event.updatedAt,
      summary: event.summary,
      location: event.location,
      description: event.description,
      url: event.url,
      status: event.status === 'cancelled' ? ICalEventStatus.CANCELLED : event.status === 'draft' ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
      ...(options.organiserEmail ? { organizer: { name: 'Aanschuiftafel', email: options.organiserEmail } } : {}),
    });
  }
  return calendar.toString();
}
