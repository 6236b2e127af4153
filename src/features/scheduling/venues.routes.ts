import { Router, type Response } from 'express';
import type { AppDeps } from '../../app.ts';
import { notFound } from '../../lib/errors.ts';
import type { FieldErrors } from '../../lib/forms.ts';
import { formValues, parseId, setFlash } from '../../lib/http.ts';
import { requireRole } from '../auth/auth.middleware.ts';
import { isValidMonth, monthGrid, monthOf } from './calendar-view.ts';
import { listAgenda, listVenueDinners } from './dinners.queries.ts';
import { schedulingFormat } from './format.ts';
import { addDays, toLocal } from './local-time.ts';
import { DIETS, KITCHENS } from './scheduling.schema.ts';
import { EXTRA_ROWS, FindVenueForm, formatWindows, listField, parseVenueForm, WEEKDAYS } from './venues.forms.ts';
import { createVenue, FIND_MAX_DAYS, findVenueDetails, findVenues, listVenues, setVenueArchived, updateVenue, type VenueDetails } from './venues.service.ts';

type VenueFormValues = {
  scalars: Record<string, string>;
  tables: Array<{ id: string; label: string; seats: string; accessible: boolean }>;
  hours: Record<number, string>;
  closures: Array<{ startsOn: string; endsOn: string; reason: string }>;
};

const EMPTY_TABLE = { id: '', label: '', seats: '', accessible: false };
const EMPTY_CLOSURE = { startsOn: '', endsOn: '', reason: '' };

function withExtraRows(values: VenueFormValues): VenueFormValues {
  return {
    ...values,
    tables: [...values.tables, ...Array.from({ length: EXTRA_ROWS }, () => ({ ...EMPTY_TABLE }))],
    closures: [...values.closures, ...Array.from({ length: EXTRA_ROWS }, () => ({ ...EMPTY_CLOSURE }))],
  };
}

function valuesFromVenue(venue: VenueDetails): VenueFormValues {
  const hours: Record<number, string> = {};
  for (const weekday of WEEKDAYS) hours[weekday] = formatWindows(venue.openingHours.filter((window) => window.weekday === weekday));
  return withExtraRows({
    scalars: {
      name: venue.name,
      address: venue.address,
      postcode: venue.postcode,
      city: venue.city,
      neighbourhood: venue.neighbourhood,
      contactName: venue.contactName,
      contactPhone: venue.contactPhone,
      contactEmail: venue.contactEmail,
      capacity: String(venue.capacity),
      kitchen: venue.kitchen,
      stepFree: venue.stepFree ? 'on' : '',
      accessibleToilet: venue.accessibleToilet ? 'on' : '',
      hearingLoop: venue.hearingLoop ? 'on' : '',
      parking: venue.parking ? 'on' : '',
      setupMinutes: String(venue.setupMinutes),
      cleanupMinutes: String(venue.cleanupMinutes),
      notes: venue.notes,
    },
    tables: venue.tables.map((table) => ({ id: String(table.id), label: table.label, seats: String(table.seats), accessible: table.accessible })),
    hours,
    closures: venue.closures.map((closure) => ({ startsOn: closure.startsOn, endsOn: closure.endsOn, reason: closure.reason })),
  });
}

function valuesFromBody(body: unknown): VenueFormValues {
  const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const scalars = formValues(body);
  const ids = listField(record, 'tableId');
  const labels = listField(record, 'tableLabel');
  const seats = listField(record, 'tableSeats');
  const accessible = listField(record, 'tableAccessible');
  const starts = listField(record, 'closureStart');
  const ends = listField(record, 'closureEnd');
  const reasons = listField(record, 'closureReason');
  const hours: Record<number, string> = {};
  for (const weekday of WEEKDAYS) hours[weekday] = scalars[`hours${weekday}`] ?? '';
  return {
    scalars,
    tables: labels.map((label, i) => ({ id: ids[i] ?? '', label, seats: seats[i] ?? '', accessible: accessible[i] === 'yes' })),
    hours,
    closures: starts.map((startsOn, i) => ({ startsOn, endsOn: ends[i] ?? '', reason: reasons[i] ?? '' })),
  };
}

const NEW_VENUE_VALUES: VenueFormValues = withExtraRows({
  scalars: { kitchen: 'warming', capacity: '', setupMinutes: '30', cleanupMinutes: '30' },
  tables: [],
  hours: {},
  closures: [],
});

export function venuesRouter({ db, config, now }: AppDeps): Router {
  const router = Router();
  const organiser = requireRole('organiser', 'admin');

  function renderForm(res: Response, status: number, venue: { id: number; name: string } | null, values: VenueFormValues, errors: FieldErrors) {
    res.status(status).render('scheduling/venue-form', {
      venue,
      values,
      errors,
      kitchens: KITCHENS,
      weekdays: WEEKDAYS,
      fmt: schedulingFormat(res.locals.locale, config.timeZone),
    });
  }

  router.get('/venues', organiser, (_req, res) => {
    const all = listVenues(db, { includeArchived: true });
    res.render('scheduling/venues-list', { active: all.filter((v) => v.archivedAt === null), archived: all.filter((v) => v.archivedAt !== null) });
  });

  // Literal paths before '/venues/:id'.
  router.get('/venues/new', organiser, (_req, res) => {
    renderForm(res, 200, null, NEW_VENUE_VALUES, {});
  });

  router.post('/venues', organiser, (req, res) => {
    const form = parseVenueForm(req.body);
    if (!form.ok) return renderForm(res, 422, null, valuesFromBody(req.body), form.errors);
    const venue = createVenue(db, form.data, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'scheduling:venues.created', values: { name: venue.name } });
    res.redirect(303, `/venues/${venue.id}`);
  });

  router.get('/venues/find', organiser, (req, res) => {
    const today = toLocal(now(), config.timeZone).date;
    const query = req.query as Record<string, unknown>;
    const searched = typeof query.from === 'string';
    const values = searched ? formValues(query) : { from: today, until: addDays(today, 27), duration: '180', guests: '20', kitchen: 'any', notBefore: '17:00' };
    const fmt = schedulingFormat(res.locals.locale, config.timeZone);
    if (!searched) return res.render('scheduling/venue-find', { values, errors: {}, results: null, fmt, maxDays: FIND_MAX_DAYS });
    const form = FindVenueForm.safeParse(query);
    if (!form.success) {
      const errors: FieldErrors = {};
      for (const issue of form.error.issues) (errors[String(issue.path[0] ?? '_form')] ??= []).push(issue.message);
      return res.status(422).render('scheduling/venue-find', { values, errors, results: null, fmt, maxDays: FIND_MAX_DAYS });
    }
    const results = findVenues(db, form.data, now(), config.timeZone);
    res.render('scheduling/venue-find', { values, errors: {}, results, fmt, maxDays: FIND_MAX_DAYS, input: form.data });
  });

  router.get('/venues/:id', organiser, (req, res) => {
    const venue = findVenueDetails(db, parseId(req.params.id) ?? 0);
    if (!venue) throw notFound();
    const today = toLocal(now(), config.timeZone).date;
    const month = isValidMonth(req.query.month) ? req.query.month : monthOf(today);
    const grid = monthGrid(month, [], today);
    const entries = listAgenda(db, { fromDate: grid.firstDate, untilDate: grid.lastDate, venueId: venue.id });
    res.render('scheduling/venue-show', {
      venue,
      dinners: listVenueDinners(db, venue.id, now()),
      grid: monthGrid(month, entries, today),
      fmt: schedulingFormat(res.locals.locale, config.timeZone),
      weekdays: WEEKDAYS,
      diets: DIETS,
    });
  });

  router.get('/venues/:id/edit', organiser, (req, res) => {
    const venue = findVenueDetails(db, parseId(req.params.id) ?? 0);
    if (!venue) throw notFound();
    renderForm(res, 200, venue, valuesFromVenue(venue), {});
  });

  router.post('/venues/:id', organiser, (req, res) => {
    const venue = findVenueDetails(db, parseId(req.params.id) ?? 0);
    if (!venue) throw notFound();
    const form = parseVenueForm(req.body);
    if (!form.ok) return renderForm(res, 422, venue, valuesFromBody(req.body), form.errors);
    updateVenue(db, venue.id, form.data, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'scheduling:venues.saved', values: { name: form.data.name } });
    res.redirect(303, `/venues/${venue.id}`);
  });

  for (const [action, archived] of [['archive', true], ['restore', false]] as const) {
    router.post(`/venues/:id/${action}`, organiser, (req, res) => {
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      setVenueArchived(db, id, archived, res.locals.user!.id, now());
      setFlash(res, { kind: 'success', key: archived ? 'scheduling:venues.archived' : 'scheduling:venues.restored' });
      res.redirect(303, `/venues/${id}`);
    });
  }

  return router;
}
