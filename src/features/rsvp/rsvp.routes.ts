import { Router, type Request, type Response } from 'express';
import type { i18n as I18nInstance } from 'i18next';
import type { AppDeps } from '../../app.ts';
import { LANGUAGE_COOKIE } from '../../app.ts';
import { isLocale, LOCALES, textDirection, translatorFor, type Locale } from '../../i18n/i18n.ts';
import { createGroupCommit, type Db, type Tx } from '../../db/client.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { parseForm, type FieldErrors } from '../../lib/forms.ts';
import { formValues, parseId, setFlash } from '../../lib/http.ts';
import { newToken } from '../../lib/tokens.ts';
import { deadLink } from './dead-link.ts';
import { DATA_BUNDLE_TTL_MS, deleteResident, findDataBundle, prepareDataBundle, residentDataBundle, takeDataBundle } from '../residents/privacy.service.ts';
import { SensitiveForm } from '../residents/residents.forms.ts';
import { ACCESS_TAGS, BACKGROUND_CHOICES, CONSENT_PURPOSES, DIET_TAGS } from '../residents/residents.schema.ts';
import { findResident, findSensitive, saveSensitive, setKeepSensitive, withdrawConsents } from '../residents/residents.service.ts';
import { linkGuessLimiter } from './link-limiter.ts';
import { AnswerForm, JoinForm, NewLinkForm } from './rsvp.forms.ts';
import { confirmJoinRequest, findJoinRequest, requestToJoin, sendFreshLinks } from './join.service.ts';
import {
  answerWindow,
  findDinnerForRsvp,
  findLinkScope,
  findRsvpByDinnerAndResident,
  issueRsvpLink,
  recordAnswer,
  venueLine,
  waitingPosition,
  type AnswerResult,
  type DinnerForRsvp,
  type RsvpSettings,
} from './rsvp.service.ts';

/** Resident pages speak the resident's language unless they picked another one in the switcher. */
export function useResidentLocale(req: Request, res: Response, i18n: I18nInstance, preferred: string | null): void {
  res.locals.offeredLocales = LOCALES;
  if (isLocale(req.cookies?.[LANGUAGE_COOKIE])) return;
  if (!isLocale(preferred)) return;
  res.locals.locale = preferred;
  res.locals.dir = textDirection(preferred);
  res.locals.t = translatorFor(i18n, preferred);
}

const DATA_BUNDLE_COOKIE = 'data_bundle';

export const sensitiveChoices = { dietTags: DIET_TAGS, accessTags: ACCESS_TAGS, backgroundChoices: BACKGROUND_CHOICES, purposes: CONSENT_PURPOSES };

/** Personal-link pages for residents: answer, change, cancel, see and delete their data. No account needed. */
export function rsvpRouter({ db, config, now, i18n, mailer }: AppDeps): Router {
  const router = Router();
  const answers = createGroupCommit(db);
  const settings: RsvpSettings = { baseUrl: config.baseUrl, timeZone: config.timeZone };
  router.use(['/r/:token', '/join/:token'], linkGuessLimiter({ windowMs: config.rateLimits.windowMs, limit: config.rateLimits.perIp, now }));

  const expired = (req: Request, res: Response) => deadLink(db, req, res, now());

  /** The link's resident and dinner, or null after answering the generic 410 page. */
  function scope(req: Request, res: Response) {
    const link = findLinkScope(db, req.params.token, now());
    const resident = link ? findResident(db, link.residentId) : undefined;
    const dinner = link ? findDinnerForRsvp(db, link.dinnerId) : undefined;
    if (!link || !resident || !dinner) {
      expired(req, res);
      return null;
    }
    useResidentLocale(req, res, i18n, resident.locale);
    return { resident, dinner, token: String(req.params.token) };
  }

  function dinnerView(dinner: DinnerForRsvp, locale: Locale) {
    return {
      title: dinner.title,
      description: dinner.description,
      when: formatDateTime(dinner.startsAt, config.timeZone, locale),
      where: venueLine(dinner),
      deadline: formatDateTime(dinner.rsvpDeadline, config.timeZone, locale),
      window: answerWindow(dinner, now()),
    };
  }

  function renderAnswerPage(res: Response, ctx: NonNullable<ReturnType<typeof scope>>, status: number, values: Record<string, string> | null, errors: FieldErrors) {
    const { resident, dinner, token } = ctx;
    const rsvp = findRsvpByDinnerAndResident(db, dinner.id, resident.id);
    const sensitive = findSensitive(db, resident.id);
    const defaults: Record<string, string> = {
      people: String(rsvp && rsvp.people > 0 ? rsvp.people : resident.adults + resident.children),
      answer: rsvp?.status === 'declined' || rsvp?.status === 'cancelled' ? 'no' : 'yes',
      dietOther: sensitive.dietOther,
      accessOther: sensitive.accessOther,
      background: sensitive.background,
      backgroundText: sensitive.backgroundText,
      diets: sensitive.diets.join(','),
      access: sensitive.access.join(','),
      consentDiet: sensitive.consent.diet ? 'on' : '',
      consentAccess: sensitive.consent.access ? 'on' : '',
      consentBackground: sensitive.consent.background ? 'on' : '',
    };
    res.status(status).render('rsvp/answer', {
      ...sensitiveChoices,
      token,
      name: resident.name,
      dinner: dinnerView(dinner, res.locals.locale),
      rsvp: rsvp ? { status: rsvp.status, people: rsvp.people, position: rsvp.status === 'waiting' && rsvp.waitSeq ? waitingPosition(db, dinner.id, rsvp.waitSeq) : null } : null,
      key: newToken(),
      values: values ?? defaults,
      errors,
    });
  }

  /**
   * Records the answer and, after a cancellation, the fresh link the browser moves on to: the page's
   * own link was revoked with the others (E8). Both in the one transaction, so neither goes alone.
   * Answers that arrive together are committed together (createGroupCommit); the link is checked
   * again in the transaction, since a cancellation or a revocation may have come first.
   */
  async function answer(req: Request, res: Response, ctx: NonNullable<ReturnType<typeof scope>>, record: (tx: Tx) => AnswerResult): Promise<void> {
    const recorded = await answers.run((tx) => {
      if (!findLinkScope(tx, ctx.token, now())) return null;
      const result = record(tx);
      return { result, token: result.outcome === 'cancelled' ? issueRsvpLink(tx, ctx.resident.id, ctx.dinner, now()) : ctx.token };
    });
    if (!recorded) {
      expired(req, res);
      return;
    }
    setFlash(res, { kind: 'success', key: `rsvp:outcome.${recorded.result.status}` });
    res.redirect(303, `/r/${recorded.token}`);
  }

  router.get('/r/:token', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    renderAnswerPage(res, ctx, 200, null, {});
  });

  router.post('/r/:token', async (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    const given = parseForm(AnswerForm, req.body);
    const sensitive = parseForm(SensitiveForm, req.body);
    if (!given.ok || !sensitive.ok) {
      renderAnswerPage(res, ctx, 422, formValues(req.body), { ...(given.ok ? {} : given.errors), ...(sensitive.ok ? {} : sensitive.errors) });
      return;
    }
    const window = answerWindow(ctx.dinner, now());
    if (window !== 'open') throw new AppError(409, 'answers_closed', window === 'cancelled' ? 'rsvp:errors.dinnerCancelled' : 'rsvp:errors.answersClosed');
    // One IMMEDIATE transaction for both: an answer that fails leaves no half-saved sensitive data.
    await answer(req, res, ctx, (tx) => {
      saveSensitive(tx, ctx.resident.id, sensitive.data, { channel: 'online', locale: res.locals.locale, actorUserId: null, i18n }, now());
      return recordAnswer(tx, mailer, settings, ctx.dinner.id, ctx.resident.id, given.data, { source: 'invitation', actorUserId: null }, now(), 0);
    });
  });

  router.post('/r/:token/cancel', async (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    await answer(req, res, ctx, (tx) => recordAnswer(tx, mailer, settings, ctx.dinner.id, ctx.resident.id, { answer: 'no', people: 0, key: null }, { source: 'invitation', actorUserId: null }, now(), 0));
  });

  router.get('/r/:token/data', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    const bundle = residentDataBundle(db, ctx.resident.id)!;
    res.render('rsvp/data', { token: ctx.token, bundle, consent: findSensitive(db, ctx.resident.id).consent });
  });

  // "My data" (test plan H1): the POST prepares the file and binds it to this browser with a cookie;
  // the file can then be fetched once, from this browser only, within 24 hours.
  const bundleCookie = (token: string) => ({ httpOnly: true, sameSite: 'lax' as const, secure: config.env === 'production', path: `/r/${token}/data` });

  function bundleGone(res: Response, token: string): void {
    res.status(410).render('rsvp/data-gone', { token });
  }

  router.post('/r/:token/data/download', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    const { secret } = prepareDataBundle(db, ctx.resident.id, now());
    res.cookie(DATA_BUNDLE_COOKIE, secret, { ...bundleCookie(ctx.token), maxAge: DATA_BUNDLE_TTL_MS });
    res.redirect(303, `/r/${ctx.token}/data/download`);
  });

  router.get('/r/:token/data/download', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    const bundle = findDataBundle(db, ctx.resident.id, req.cookies?.[DATA_BUNDLE_COOKIE], now());
    if (!bundle) return bundleGone(res, ctx.token);
    res.render('rsvp/data-ready', { token: ctx.token, expires: formatDateTime(bundle.expiresAt, config.timeZone, res.locals.locale) });
  });

  router.post('/r/:token/data/download/file', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    const content = takeDataBundle(db, ctx.resident.id, req.cookies?.[DATA_BUNDLE_COOKIE], now());
    if (content === undefined) return bundleGone(res, ctx.token);
    res.clearCookie(DATA_BUNDLE_COOKIE, bundleCookie(ctx.token));
    res.set('Cache-Control', 'no-store');
    res.attachment('aanschuiftafel-my-data.json');
    res.type('application/json').send(content);
  });

  router.post('/r/:token/consents/withdraw', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    const purpose = req.body?.purpose;
    const purposes = CONSENT_PURPOSES.filter((p) => purpose === 'all' || purpose === p);
    if (purposes.length === 0) throw new AppError(400, 'bad_purpose', 'errors.badRequest');
    withdrawConsents(db, ctx.resident.id, purposes, null, now());
    setFlash(res, { kind: 'success', key: 'rsvp:data.withdrawn' });
    res.redirect(303, `/r/${ctx.token}/data`);
  });

  router.post('/r/:token/keep', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    setKeepSensitive(db, ctx.resident.id, req.body?.keep === 'yes', now());
    setFlash(res, { kind: 'success', key: 'rsvp:data.keepSaved' });
    res.redirect(303, `/r/${ctx.token}/data`);
  });

  router.get('/r/:token/delete', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    res.render('rsvp/delete', { token: ctx.token });
  });

  router.post('/r/:token/delete', (req, res) => {
    const ctx = scope(req, res);
    if (!ctx) return;
    deleteResident(db, mailer, settings, ctx.resident.id, null, now());
    res.locals.offeredLocales = LOCALES;
    res.render('rsvp/deleted');
  });

  router.post('/r-new-link', (req, res) => {
    res.locals.offeredLocales = LOCALES;
    const form = parseForm(NewLinkForm, req.body);
    if (!form.ok) {
      res.status(422).render('rsvp/link-expired', { values: formValues(req.body), errors: form.errors });
      return;
    }
    sendFreshLinks(db, mailer, settings, form.data.email, now());
    res.render('rsvp/link-sent');
  });

  // Public dinners: the join form for residents who were not invited.
  router.get('/dinners/:id/join', (req, res) => {
    const dinner = joinableDinner(parseId(req.params.id));
    res.locals.offeredLocales = LOCALES;
    res.render('rsvp/join', { ...sensitiveChoices, dinner: { id: dinner.id, ...dinnerView(dinner, res.locals.locale) }, values: { people: '1' }, errors: {} });
  });

  router.post('/dinners/:id/join', (req, res) => {
    const dinner = joinableDinner(parseId(req.params.id));
    res.locals.offeredLocales = LOCALES;
    const form = parseForm(JoinForm, req.body);
    if (!form.ok) {
      res.status(422).render('rsvp/join', { ...sensitiveChoices, dinner: { id: dinner.id, ...dinnerView(dinner, res.locals.locale) }, values: formValues(req.body), errors: form.errors });
      return;
    }
    requestToJoin(db, mailer, settings, dinner, form.data, res.locals.locale, now());
    res.render('rsvp/join-sent', { email: form.data.email });
  });

  // The mailed confirmation link shows a page; only its button (POST) confirms (mail scanners open links).
  router.get('/join/:token', (req, res) => {
    res.locals.offeredLocales = LOCALES;
    const request = findJoinRequest(db, req.params.token, now());
    if (!request) return expired(req, res);
    useResidentLocale(req, res, i18n, request.locale);
    res.render('rsvp/join-confirm', { token: req.params.token, title: request.dinnerTitle, email: request.email });
  });

  router.post('/join/:token', (req, res) => {
    res.locals.offeredLocales = LOCALES;
    const result = confirmJoinRequest(db, mailer, settings, i18n, req.params.token, now());
    if (!result) return expired(req, res);
    setFlash(res, { kind: 'success', key: `rsvp:outcome.${result.status}` });
    res.redirect(303, `/r/${result.token}`);
  });

  function joinableDinner(id: number | null): DinnerForRsvp {
    const dinner = id ? findDinnerForRsvp(db, id) : undefined;
    if (!dinner || dinner.visibility !== 'public' || dinner.status === 'draft') throw notFound();
    if (answerWindow(dinner, now()) !== 'open') throw new AppError(409, 'answers_closed', dinner.status === 'cancelled' ? 'rsvp:errors.dinnerCancelled' : 'rsvp:errors.answersClosed');
    return dinner;
  }

  return router;
}
