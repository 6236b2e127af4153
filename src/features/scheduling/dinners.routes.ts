import { Router, type Response } from 'express';
import type { AppDeps } from '../../app.ts';
import type { Translate } from '../../i18n/i18n.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { type FieldErrors, parseForm } from '../../lib/forms.ts';
import { formValues, parseId, setFlash } from '../../lib/http.ts';
import { requireRole } from '../auth/auth.middleware.ts';
import { monthGrid, monthOf, weekDays } from './calendar-view.ts';
import type { Problem } from './conflicts.ts';
import { AgendaQuery, CancelDinnerForm, EditDinnerForm, NewDinnerForm } from './dinners.forms.ts';
import { listAgenda, listSeriesDinners, parseDiets } from './dinners.queries.ts';
import {
  cancelDinners,
  completeDinner,
  createDinners,
  findDinner,
  findSeries,
  PlanningError,
  planNewDinners,
  problemFields,
  publishDinners,
  type SchedulingContext,
  type Skipped,
  updateDinner,
} from './dinners.service.ts';
import { schedulingFormat, type SchedulingFormat } from './format.ts';
import { toLocal } from './local-time.ts';
import { DIETS } from './scheduling.schema.ts';
import { findVenueDetails, listNeighbourhoods, listVenues } from './venues.service.ts';

/** A clash as the form lists it: the day it concerns and a sentence that says what to change. */
export function describeProblems(problems: Problem[], t: Translate, fmt: SchedulingFormat): Array<{ date: string; day: string; message: string; field: string }> {
  return problems.map((problem) => {
    const values: Record<string, string | number> = { ...problem.values, date: fmt.day(problem.date) };
    if (typeof problem.values.from === 'string') values.from = fmt.day(problem.values.from);
    if (typeof problem.values.until === 'string') values.until = fmt.day(problem.values.until);
    if (typeof problem.values.weekday === 'number') values.weekday = fmt.weekday(problem.values.weekday);
    return { date: problem.date, day: fmt.day(problem.date), message: String(t(problem.key, values)), field: problem.field };
  });
}

function describeSkipped(skipped: Skipped[], fmt: SchedulingFormat) {
  return skipped.map((item) => ({ day: fmt.day(item.date), reason: item.reason }));
}

export function dinnersRouter({ db, config, now, mailer }: AppDeps): Router {
  const router = Router();
  const organiser = requireRole('organiser', 'admin');
  const context = (res: Response): SchedulingContext => ({ actorId: res.locals.user!.id, now: now(), timeZone: config.timeZone, baseUrl: config.baseUrl });

  function venueChoices(currentVenueId?: number) {
    const active = listVenues(db);
    if (currentVenueId !== undefined && !active.some((venue) => venue.id === currentVenueId)) {
      const current = findVenueDetails(db, currentVenueId);
      if (current) return [...active, { id: current.id, name: current.name, capacity: current.capacity, neighbourhood: current.neighbourhood }];
    }
    return active;
  }

  type FormExtras = { problems?: Problem[]; skipped?: Skipped[]; preview?: Array<{ day: string; time: string }> | null };

  function renderNewForm(res: Response, status: number, values: Record<string, string>, errors: FieldErrors, extras: FormExtras = {}) {
    const fmt = schedulingFormat(res.locals.locale, config.timeZone);
    res.status(status).render('scheduling/dinner-form', {
      mode: 'new',
      action: '/agenda/dinners',
      dinner: null,
      series: null,
      venues: venueChoices(),
      diets: DIETS,
      values,
      errors,
      problems: describeProblems(extras.problems ?? [], res.locals.t, fmt),
      skipped: describeSkipped(extras.skipped ?? [], fmt),
      preview: extras.preview ?? null,
      fmt,
    });
  }

  router.get('/agenda', organiser, (req, res) => {
    const filters = AgendaQuery.parse(req.query);
    const today = toLocal(now(), config.timeZone).date;
    const anchor = filters.date ?? today;
    const fmt = schedulingFormat(res.locals.locale, config.timeZone);
    const base = { venueId: filters.venue, neighbourhood: filters.neighbourhood };
    let grid = null;
    let week = null;
    if (filters.view === 'week') {
      const range = weekDays(anchor, [], today);
      week = weekDays(anchor, listAgenda(db, { fromDate: range.monday, untilDate: range.sunday, ...base }), today);
    } else {
      const empty = monthGrid(monthOf(anchor), [], today);
      grid = monthGrid(monthOf(anchor), listAgenda(db, { fromDate: empty.firstDate, untilDate: empty.lastDate, ...base }), today);
    }
    const query = (overrides: Record<string, string | undefined>) => {
      const params = new URLSearchParams();
      const merged: Record<string, string | undefined> = { view: filters.view, date: anchor, venue: filters.venue?.toString(), neighbourhood: filters.neighbourhood, ...overrides };
      for (const [key, value] of Object.entries(merged)) if (value) params.set(key, value);
      return `/agenda?${params.toString()}`;
    };
    res.render('scheduling/agenda', {
      filters,
      anchor,
      today,
      grid,
      week,
      venues: listVenues(db, { includeArchived: true }),
      neighbourhoods: listNeighbourhoods(db),
      fmt,
      links: {
        month: query({ view: 'month' }),
        week: query({ view: 'week' }),
        previous: grid ? query({ date: `${grid.previousMonth}-01` }) : query({ date: week!.previous }),
        next: grid ? query({ date: `${grid.nextMonth}-01` }) : query({ date: week!.next }),
        today: query({ date: today }),
        forMonth: (month: string) => query({ date: `${month}-01` }),
      },
    });
  });

  // Literal '/agenda/dinners/new' before '/agenda/dinners/:id'.
  router.get('/agenda/dinners/new', organiser, (req, res) => {
    const query = formValues(req.query);
    const values: Record<string, string> = {
      status: 'draft',
      visibility: 'public',
      repeat: 'none',
      intervalWeeks: '2',
      nthWeek: '1',
      endType: 'count',
      count: '6',
      minTableSize: '4',
      maxTableSize: '8',
      startTime: '18:00',
      endTime: '21:00',
    };
    // Prefilled from "find a venue".
    if (query.venueId && parseId(query.venueId)) values.venueId = query.venueId;
    if (query.date && /^\d{4}-\d{2}-\d{2}$/.test(query.date)) values.date = query.date;
    if (query.startTime && /^\d{2}:\d{2}$/.test(query.startTime)) values.startTime = query.startTime;
    if (query.endTime && /^\d{2}:\d{2}$/.test(query.endTime)) values.endTime = query.endTime;
    renderNewForm(res, 200, values, {});
  });

  router.post('/agenda/dinners', organiser, (req, res) => {
    const values = formValues(req.body);
    const form = parseForm(NewDinnerForm, req.body);
    if (!form.ok) return renderNewForm(res, 422, values, form.errors);
    try {
      if (form.data.intent === 'check') {
        const plan = planNewDinners(db, form.data, now(), config.timeZone);
        const fmt = schedulingFormat(res.locals.locale, config.timeZone);
        const preview = plan.occurrences.map((occurrence) => ({ day: fmt.day(occurrence.localDate), time: `${fmt.time(occurrence.startsAt)}–${fmt.time(occurrence.endsAt)}` }));
        return renderNewForm(res, plan.problems.length > 0 ? 422 : 200, values, problemFields(plan.problems), { problems: plan.problems, skipped: plan.skipped, preview });
      }
      const created = createDinners(db, form.data, context(res));
      setFlash(res, {
        kind: 'success',
        key: created.skipped.length > 0 ? 'scheduling:dinners.createdWithSkipped' : 'scheduling:dinners.created',
        values: { count: created.dinnerIds.length, skipped: created.skipped.length },
      });
      res.redirect(303, `/agenda/dinners/${created.dinnerIds[0]}`);
    } catch (error) {
      if (error instanceof PlanningError) return renderNewForm(res, 422, values, error.fieldErrors, { problems: error.problems, skipped: error.skipped });
      throw error;
    }
  });

  router.get('/agenda/dinners/:id', organiser, (req, res) => {
    const dinner = findDinner(db, parseId(req.params.id) ?? 0);
    if (!dinner) throw notFound();
    const venue = findVenueDetails(db, dinner.venueId)!;
    const series = dinner.seriesId ? findSeries(db, dinner.seriesId) : undefined;
    const fmt = schedulingFormat(res.locals.locale, config.timeZone);
    res.render('scheduling/dinner-manage', {
      dinner: { ...dinner, dietList: parseDiets(dinner.diets) },
      venue,
      series: series ? { ...series, skipped: describeSkipped(JSON.parse(series.skippedDates) as Skipped[], fmt) } : null,
      occurrences: series ? listSeriesDinners(db, series.id) : [],
      canComplete: dinner.status === 'published' && dinner.endsAt.getTime() <= now().getTime(),
      canPublish: dinner.status === 'draft' && dinner.startsAt.getTime() > now().getTime(),
      isOpen: dinner.status === 'draft' || dinner.status === 'published',
      fmt,
      errors: {},
      values: {},
    });
  });

  function editValues(dinnerId: number) {
    const dinner = findDinner(db, dinnerId);
    if (!dinner) throw notFound();
    const start = toLocal(dinner.startsAt, config.timeZone);
    const deadline = toLocal(dinner.rsvpDeadline, config.timeZone);
    const values: Record<string, string> = {
      title: dinner.title,
      theme: dinner.theme,
      description: dinner.description,
      venueId: String(dinner.venueId),
      date: start.date,
      startTime: start.time,
      endTime: toLocal(dinner.endsAt, config.timeZone).time,
      capacity: String(dinner.capacity),
      deadlineDate: deadline.date,
      deadlineTime: deadline.time,
      minTableSize: String(dinner.minTableSize),
      maxTableSize: String(dinner.maxTableSize),
      menu: dinner.menu,
      diets: parseDiets(dinner.diets).join(','),
      languages: dinner.languages,
      host: dinner.host,
      visibility: dinner.visibility,
      scope: 'this',
    };
    return { dinner, values };
  }

  function renderEditForm(res: Response, status: number, dinner: NonNullable<ReturnType<typeof findDinner>>, values: Record<string, string>, errors: FieldErrors, problems: Problem[] = []) {
    const fmt = schedulingFormat(res.locals.locale, config.timeZone);
    res.status(status).render('scheduling/dinner-form', {
      mode: 'edit',
      action: `/agenda/dinners/${dinner.id}`,
      dinner,
      series: dinner.seriesId ? findSeries(db, dinner.seriesId) ?? null : null,
      venues: venueChoices(dinner.venueId),
      diets: DIETS,
      values,
      errors,
      problems: describeProblems(problems, res.locals.t, fmt),
      skipped: [],
      preview: null,
      fmt,
    });
  }

  router.get('/agenda/dinners/:id/edit', organiser, (req, res) => {
    const { dinner, values } = editValues(parseId(req.params.id) ?? 0);
    if (dinner.status === 'cancelled' || dinner.status === 'completed') throw new AppError(409, 'dinner_closed', 'scheduling:errors.dinnerClosed');
    renderEditForm(res, 200, dinner, values, {});
  });

  router.post('/agenda/dinners/:id', organiser, (req, res) => {
    const dinner = findDinner(db, parseId(req.params.id) ?? 0);
    if (!dinner) throw notFound();
    const values = formValues(req.body);
    const form = parseForm(EditDinnerForm, req.body);
    if (!form.ok) return renderEditForm(res, 422, dinner, values, form.errors);
    try {
      const result = updateDinner(db, mailer, dinner.id, form.data, context(res));
      setFlash(res, { kind: 'success', key: 'scheduling:dinners.saved', values: { count: result.changed, notified: result.notified } });
      res.redirect(303, `/agenda/dinners/${dinner.id}`);
    } catch (error) {
      if (error instanceof PlanningError) return renderEditForm(res, 422, dinner, values, error.fieldErrors, error.problems);
      throw error;
    }
  });

  router.post('/agenda/dinners/:id/cancel', organiser, (req, res) => {
    const id = parseId(req.params.id);
    if (!id || !findDinner(db, id)) throw notFound();
    const form = parseForm(CancelDinnerForm, req.body);
    if (!form.ok) throw new AppError(400, 'bad_request', 'errors.badRequest');
    const result = cancelDinners(db, mailer, id, form.data, context(res));
    setFlash(res, { kind: 'success', key: 'scheduling:dinners.cancelled', values: { count: result.changed, notified: result.notified } });
    res.redirect(303, `/agenda/dinners/${id}`);
  });

  router.post('/agenda/dinners/:id/publish', organiser, (req, res) => {
    const id = parseId(req.params.id);
    if (!id || !findDinner(db, id)) throw notFound();
    const scope = (req.body as Record<string, unknown> | undefined)?.scope === 'following' ? 'following' : 'this';
    const count = publishDinners(db, id, scope, context(res));
    setFlash(res, { kind: 'success', key: 'scheduling:dinners.published', values: { count } });
    res.redirect(303, `/agenda/dinners/${id}`);
  });

  router.post('/agenda/dinners/:id/complete', organiser, (req, res) => {
    const id = parseId(req.params.id);
    if (!id || !findDinner(db, id)) throw notFound();
    completeDinner(db, id, context(res));
    setFlash(res, { kind: 'success', key: 'scheduling:dinners.completed' });
    res.redirect(303, `/agenda/dinners/${id}`);
  });

  return router;
}
