import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../app.ts';
import { translatorFor, type Locale } from '../../i18n/i18n.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { notFound } from '../../lib/errors.ts';
import { parseForm, type FieldErrors } from '../../lib/forms.ts';
import { formValues, parseId, setFlash } from '../../lib/http.ts';
import { requireRole } from '../auth/auth.middleware.ts';
import { DIET_TAGS } from '../residents/residents.schema.ts';
import { findResident } from '../residents/residents.service.ts';
import { deadLink } from '../rsvp/dead-link.ts';
import { useResidentLocale } from '../rsvp/rsvp.routes.ts';
import { findDinnerForRsvp, findLinkScope, type RsvpSettings } from '../rsvp/rsvp.service.ts';
import { HomeRoundForm, RegistrationFormSchema } from './home-dinners.forms.ts';
import { confirmHomeRound, findHomeRound, inviteToHomeRound, findRegistration, homeRoundView, matchHomeRound, registerForHomeRound, saveHomeRound } from './home-dinners.service.ts';

/** Home dinners: the organiser's round page, and the registration page behind a resident's personal link. */
export function homeDinnersRouter({ db, config, now, i18n, mailer }: AppDeps): Router {
  const router = Router();
  const organiser = requireRole('organiser', 'admin');
  const settings: RsvpSettings = { baseUrl: config.baseUrl, timeZone: config.timeZone };
  const dietName = (tag: string, locale: Locale) => translatorFor(i18n, locale)(`rsvp:diet.${tag}`);

  function dinnerId(raw: unknown): number {
    const id = parseId(raw);
    if (!id || !findDinnerForRsvp(db, id)) throw notFound();
    return id;
  }

  function renderRound(res: Response, id: number, status: number, values: Record<string, string> = {}, errors: FieldErrors = {}) {
    const dinner = findDinnerForRsvp(db, id)!;
    const view = homeRoundView(db, id);
    res.status(status).render('matching/home-round', { dinner, view, values: { maxDistanceKm: String(view.round?.maxDistanceKm ?? 3), ...values }, errors });
  }

  const base = (id: number) => `/agenda/dinners/${id}/home-dinners`;

  router.get('/agenda/dinners/:id/home-dinners', organiser, (req, res) => {
    renderRound(res, dinnerId(req.params.id), 200);
  });

  router.post('/agenda/dinners/:id/home-dinners', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const form = parseForm(HomeRoundForm, req.body);
    if (!form.ok) return renderRound(res, id, 422, formValues(req.body), form.errors);
    saveHomeRound(db, id, form.data.maxDistanceKm, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'matching:home.flash.saved' });
    res.redirect(303, base(id));
  });

  router.post('/agenda/dinners/:id/home-dinners/invite', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const mailed = inviteToHomeRound(db, mailer, settings, id, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'matching:home.flash.invited', values: { mailed } });
    res.redirect(303, base(id));
  });

  router.post('/agenda/dinners/:id/home-dinners/match', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const result = matchHomeRound(db, id, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'matching:home.flash.matched', values: { matched: result.score.matchedGuests, total: result.score.totalGuests } });
    res.redirect(303, base(id));
  });

  router.post('/agenda/dinners/:id/home-dinners/confirm', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const mailed = confirmHomeRound(db, mailer, settings, id, res.locals.user!.id, now(), dietName);
    setFlash(res, { kind: 'success', key: 'matching:home.flash.confirmed', values: { mailed } });
    res.redirect(303, base(id));
  });

  // ------------------------------------------------------------------ residents

  function scope(req: Request, res: Response) {
    const link = findLinkScope(db, req.params.token, now());
    const resident = link ? findResident(db, link.residentId) : undefined;
    const dinner = link ? findDinnerForRsvp(db, link.dinnerId) : undefined;
    if (!link || !resident || !dinner) {
      deadLink(db, req, res, now());
      return null;
    }
    useResidentLocale(req, res, i18n, resident.locale);
    const round = findHomeRound(db, dinner.id);
    if (!round) throw notFound();
    return { resident, dinner, round, token: String(req.params.token) };
  }

  function renderRegistration(res: Response, ctx: NonNullable<ReturnType<typeof scope>>, status: number, values: Record<string, string> | null, errors: FieldErrors) {
    const existing = findRegistration(db, ctx.round.id, ctx.resident.id);
    const defaults: Record<string, string> = existing
      ? {
          role: existing.role,
          people: String(existing.people),
          seats: existing.seats ? String(existing.seats) : '',
          diets: (JSON.parse(existing.diets) as string[]).join(','),
          postcode: existing.postcode,
          lat: existing.lat === null ? '' : String(existing.lat),
          lon: existing.lon === null ? '' : String(existing.lon),
          shareDiets: 'on',
        }
      : { role: '', people: String(ctx.resident.adults + ctx.resident.children), seats: '', diets: '', postcode: ctx.resident.postcode, lat: '', lon: '', shareDiets: '' };
    res.status(status).render('matching/home-register', {
      token: ctx.token,
      name: ctx.resident.name,
      dinner: { title: ctx.dinner.title, when: formatDateTime(ctx.dinner.startsAt, config.timeZone, res.locals.locale) },
      registered: existing ? existing.role : null,
      closed: ctx.round.status === 'confirmed',
      dietTags: DIET_TAGS,
      values: values ?? defaults,
      errors,
    });
  }

  router.get('/r/:token/home', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    renderRegistration(res, ctx, 200, null, {});
  });

  router.post('/r/:token/home', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    const form = parseForm(RegistrationFormSchema, req.body);
    if (!form.ok) return renderRegistration(res, ctx, 422, formValues(req.body), form.errors);
    registerForHomeRound(db, ctx.dinner.id, ctx.resident.id, form.data, now());
    setFlash(res, { kind: 'success', key: `homedinners:flash.${form.data.role}` });
    res.redirect(303, `/r/${ctx.token}/home`);
  });

  return router;
}
