import { Router, type Response } from 'express';
import type { AppDeps } from '../../app.ts';
import { LOCALES } from '../../i18n/i18n.ts';
import { notFound } from '../../lib/errors.ts';
import { parseId } from '../../lib/http.ts';
import { buildCalendar } from './calendar.ts';
import { findDinnerPage, listFeedDinners } from './dinners.queries.ts';
import { toIcsEvent, venueLocation } from './dinners.service.ts';
import { schedulingFormat } from './format.ts';
import { findVenueDetails } from './venues.service.ts';

/** Resident-facing pages come in every language we have. */
export function offerAllLocales(res: Response): void {
  res.locals.offeredLocales = LOCALES;
}

function sendCalendar(res: Response, filename: string, body: string): void {
  res.set('Content-Type', 'text/calendar; charset=utf-8');
  res.set('Content-Disposition', `inline; filename="${filename}"`);
  res.send(body);
}

/** The public dinner page and the calendar feeds (public dinners only). */
export function publicSchedulingRouter({ db, config, now }: AppDeps): Router {
  const router = Router();

  router.get('/calendar.ics', (_req, res) => {
    const rows = listFeedDinners(db, now());
    sendCalendar(res, 'aanschuiftafel.ics', buildCalendar({ name: 'Aanschuiftafel', method: 'PUBLISH', events: rows.map((row) => toIcsEvent(row.dinner, row.venue, config.baseUrl)) }));
  });

  router.get('/venues/:id/calendar.ics', (req, res) => {
    const venue = findVenueDetails(db, parseId(req.params.id) ?? 0);
    if (!venue) throw notFound();
    const rows = listFeedDinners(db, now(), { venueId: venue.id });
    sendCalendar(res, `venue-${venue.id}.ics`, buildCalendar({ name: `Aanschuiftafel · ${venue.name}`, method: 'PUBLISH', events: rows.map((row) => toIcsEvent(row.dinner, row.venue, config.baseUrl)) }));
  });

  router.get('/dinners/:id/calendar.ics', (req, res) => {
    const id = parseId(req.params.id);
    const rows = id ? listFeedDinners(db, now(), { dinnerId: id }) : [];
    if (rows.length === 0) throw notFound();
    sendCalendar(res, `dinner-${id}.ics`, buildCalendar({ name: 'Aanschuiftafel', method: 'PUBLISH', events: rows.map((row) => toIcsEvent(row.dinner, row.venue, config.baseUrl)) }));
  });

  router.get('/dinners/:id', (req, res) => {
    const user = res.locals.user;
    const preview = Boolean(user && (user.roles.includes('organiser') || user.roles.includes('admin')));
    const dinner = findDinnerPage(db, parseId(req.params.id) ?? 0, { preview });
    if (!dinner) throw notFound();
    offerAllLocales(res);
    const location = venueLocation({ name: '', address: dinner.venue.address, postcode: dinner.venueDetails.postcode, city: dinner.venueDetails.city });
    res.render('scheduling/dinner-public', {
      dinner,
      preview,
      isPast: dinner.endsAt.getTime() <= now().getTime(),
      deadlinePassed: dinner.rsvpDeadline.getTime() <= now().getTime(),
      mapUrl: `https://www.openstreetmap.org/search?query=${encodeURIComponent(location)}`,
      calendarUrl: `/dinners/${dinner.id}/calendar.ics`,
      fmt: schedulingFormat(res.locals.locale, config.timeZone),
    });
  });

  return router;
}
