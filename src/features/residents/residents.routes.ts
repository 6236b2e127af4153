import { Router, type Response } from 'express';
import type { AppDeps } from '../../app.ts';
import { writeTransaction } from '../../db/client.ts';
import { LOCALES } from '../../i18n/i18n.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { parseForm, type FieldErrors } from '../../lib/forms.ts';
import { localDay } from '../../lib/dates.ts';
import { formValues, parseId, setFlash } from '../../lib/http.ts';
import { newToken } from '../../lib/tokens.ts';
import { requireRole } from '../auth/auth.middleware.ts';
import { AnswerForm } from '../rsvp/rsvp.forms.ts';
import { sensitiveChoices } from '../rsvp/rsvp.routes.ts';
import { answerRsvp, listOpenDinners, listResidentAnswers, type RsvpSettings } from '../rsvp/rsvp.service.ts';
import { deleteResident, recordDataAccess, residentDataBundle } from './privacy.service.ts';
import { ListFilter, residentFormIn, SavedListForm, SensitiveForm, type ResidentInput } from './residents.forms.ts';
import { previewImport, readResidentFile, type ImportPreview } from './residents-import.ts';
import type { Resident } from './residents.schema.ts';
import { addResident, findResident, importResidents, listSavedLists, saveResidentList, findSensitive, listAudienceValues, listResidents, saveSensitive, updateResident } from './residents.service.ts';

const PAGE_SIZE = 50;

/** Organiser and staff pages for residents: list, add, edit, paper consents, answers on behalf, data requests. */
export function residentsRouter({ db, config, now, i18n, mailer }: AppDeps): Router {
  const router = Router();
  const staff = requireRole('organiser', 'staff', 'admin');
  const settings: RsvpSettings = { baseUrl: config.baseUrl, timeZone: config.timeZone };
  // Birth years may go up to this year, in the community's time zone.
  const currentYear = () => Number(localDay(now(), config.timeZone).slice(0, 4));

  router.get('/admin/residents', staff, (req, res) => {
    const filter = ListFilter.parse(req.query);
    const page = Math.max(1, parseId(req.query.page) ?? 1);
    const { rows, hasMore } = listResidents(db, filter, page, PAGE_SIZE);
    res.render('residents/list', { residents: rows, filter, page, hasMore, neighbourhoods: listAudienceValues(db).neighbourhoods, lists: listSavedLists(db), values: {}, errors: {} });
  });

  router.post('/admin/residents/lists', staff, (req, res) => {
    const form = parseForm(SavedListForm, req.body);
    const renderInvalid = (errors: FieldErrors) => {
      const filter = ListFilter.parse({ q: req.body?.q, neighbourhood: req.body?.neighbourhood });
      const { rows, hasMore } = listResidents(db, filter, 1, PAGE_SIZE);
      res.status(422).render('residents/list', { residents: rows, filter, page: 1, hasMore, neighbourhoods: listAudienceValues(db).neighbourhoods, lists: listSavedLists(db), values: formValues(req.body), errors });
    };
    if (!form.ok) return renderInvalid(form.errors);
    try {
      const saved = saveResidentList(db, form.data.name, { q: form.data.q, neighbourhood: form.data.neighbourhood }, res.locals.user!.id, now());
      setFlash(res, { kind: 'success', key: 'residents:list.savedSaved', values: { name: form.data.name, count: saved.members } });
      res.redirect(303, '/admin/residents');
    } catch (error) {
      if (error instanceof AppError && error.code === 'list_name_taken') return renderInvalid({ name: [error.messageKey] });
      throw error;
    }
  });

  // Import previews wait here (per app instance) until confirmed; a restart just asks for the file again.
  const previews = new Map<string, { userId: number; inputs: ResidentInput[]; expires: number }>();
  const PREVIEW_MS = 60 * 60_000;

  // Literal paths before '/admin/residents/:id'.
  router.get('/admin/residents/import', staff, (_req, res) => {
    res.render('residents/import', { error: null, preview: null, previewId: null });
  });

  router.post('/admin/residents/import', staff, async (req, res) => {
    const file = res.locals.upload;
    if (!file || file.data.length === 0) {
      res.status(422).render('residents/import', { error: { key: 'residents:import.empty' }, preview: null, previewId: null });
      return;
    }
    const read = await readResidentFile(file.data, file.filename);
    if (!read.ok) {
      res.status(422).render('residents/import', { error: { key: read.key, values: read.values ?? {} }, preview: null, previewId: null });
      return;
    }
    const preview: ImportPreview = previewImport(db, read.rows, currentYear());
    const previewId = newToken();
    const nowMs = now().getTime();
    for (const [id, entry] of previews) if (entry.expires < nowMs) previews.delete(id);
    previews.set(previewId, { userId: res.locals.user!.id, inputs: preview.valid.map((row) => row.input), expires: nowMs + PREVIEW_MS });
    res.render('residents/import', { error: null, preview, previewId });
  });

  router.post('/admin/residents/import/confirm', staff, (req, res) => {
    const id = typeof req.body?.previewId === 'string' ? req.body.previewId : '';
    const entry = previews.get(id);
    if (!entry || entry.userId !== res.locals.user!.id || entry.expires < now().getTime()) {
      res.status(410).render('residents/import', { error: { key: 'residents:import.expired' }, preview: null, previewId: null });
      return;
    }
    previews.delete(id);
    try {
      const count = importResidents(db, entry.inputs, res.locals.user!.id, now());
      setFlash(res, { kind: 'success', key: 'residents:import.done', values: { count } });
      res.redirect(303, '/admin/residents');
    } catch (error) {
      if (!contactError(error)) throw error;
      res.status(409).render('residents/import', { error: { key: 'residents:import.expired' }, preview: null, previewId: null });
    }
  });

  router.get('/admin/residents/new', staff, (_req, res) => {
    res.render('residents/form', { locales: LOCALES, values: { locale: 'nl', adults: '1', children: '0' }, errors: {} });
  });

  router.post('/admin/residents', staff, (req, res) => {
    const form = parseForm(residentFormIn(currentYear()), req.body);
    const values = formValues(req.body);
    if (!form.ok) {
      res.status(422).render('residents/form', { locales: LOCALES, values, errors: form.errors });
      return;
    }
    try {
      const resident = addResident(db, form.data, res.locals.user!.id, now());
      setFlash(res, { kind: 'success', key: 'residents:form.created', values: { name: resident.name } });
      res.redirect(303, `/admin/residents/${resident.id}`);
    } catch (error) {
      const field = contactError(error);
      if (!field) throw error;
      res.status(422).render('residents/form', { locales: LOCALES, values, errors: { [field]: [(error as AppError).messageKey] } });
    }
  });

  function renderShow(res: Response, resident: Resident, status: number, forms: { values?: Record<string, string>; errors?: FieldErrors; sensitiveValues?: Record<string, string>; sensitiveErrors?: FieldErrors; answerValues?: Record<string, string>; answerErrors?: FieldErrors } = {}) {
    const sensitive = findSensitive(db, resident.id);
    res.status(status).render('residents/show', {
      ...sensitiveChoices,
      locales: LOCALES,
      resident,
      values: forms.values ?? residentValues(resident),
      errors: forms.errors ?? {},
      sensitiveValues: forms.sensitiveValues ?? {
        diets: sensitive.diets.join(','),
        dietOther: sensitive.dietOther,
        access: sensitive.access.join(','),
        accessOther: sensitive.accessOther,
        background: sensitive.background,
        backgroundText: sensitive.backgroundText,
        consentDiet: sensitive.consent.diet ? 'on' : '',
        consentAccess: sensitive.consent.access ? 'on' : '',
        consentBackground: sensitive.consent.background ? 'on' : '',
      },
      sensitiveErrors: forms.sensitiveErrors ?? {},
      answerValues: forms.answerValues ?? { answer: 'yes', people: String(resident.adults + resident.children) },
      answerErrors: forms.answerErrors ?? {},
      dinners: listOpenDinners(db, now()),
      answers: listResidentAnswers(db, resident.id),
      key: newToken(),
    });
  }

  function loadResident(id: unknown): Resident {
    const resident = findResident(db, parseId(id) ?? 0);
    if (!resident) throw notFound();
    return resident;
  }

  router.get('/admin/residents/:id', staff, (req, res) => {
    const resident = loadResident(req.params.id);
    // The call list links here with ?dinner=<id>, so the answer form starts on that dinner.
    const dinner = parseId(req.query.dinner);
    renderShow(res, resident, 200, dinner ? { answerValues: { answer: 'yes', people: String(resident.adults + resident.children), dinnerId: String(dinner) } } : {});
  });

  router.post('/admin/residents/:id', staff, (req, res) => {
    const resident = loadResident(req.params.id);
    const form = parseForm(residentFormIn(currentYear()), req.body);
    if (!form.ok) return renderShow(res, resident, 422, { values: formValues(req.body), errors: form.errors });
    try {
      updateResident(db, resident.id, form.data, res.locals.user!.id, now());
    } catch (error) {
      const field = contactError(error);
      if (!field) throw error;
      return renderShow(res, resident, 422, { values: formValues(req.body), errors: { [field]: [(error as AppError).messageKey] } });
    }
    setFlash(res, { kind: 'success', key: 'residents:form.saved' });
    res.redirect(303, `/admin/residents/${resident.id}`);
  });

  router.post('/admin/residents/:id/sensitive', staff, (req, res) => {
    const resident = loadResident(req.params.id);
    const form = parseForm(SensitiveForm, req.body);
    if (!form.ok) return renderShow(res, resident, 422, { sensitiveValues: formValues(req.body), sensitiveErrors: form.errors });
    const actorUserId = res.locals.user!.id;
    writeTransaction(db, (tx) => saveSensitive(tx, resident.id, form.data, { channel: 'paper', locale: resident.locale, actorUserId, i18n }, now()));
    setFlash(res, { kind: 'success', key: 'residents:show.sensitiveSaved' });
    res.redirect(303, `/admin/residents/${resident.id}`);
  });

  router.post('/admin/residents/:id/answer', staff, (req, res) => {
    const resident = loadResident(req.params.id);
    const dinnerId = parseId(req.body?.dinnerId);
    const form = parseForm(AnswerForm, req.body);
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    if (!dinnerId || !listOpenDinners(db, now()).some((d) => d.id === dinnerId)) errors.dinnerId = ['forms.invalidChoice'];
    if (!form.ok || errors.dinnerId) return renderShow(res, resident, 422, { answerValues: formValues(req.body), answerErrors: errors });
    const result = answerRsvp(db, mailer, settings, dinnerId!, resident.id, form.data, { source: 'staff', actorUserId: res.locals.user!.id }, now());
    setFlash(res, { kind: 'success', key: 'residents:show.answerSaved', values: { status: res.locals.t(`rsvp:statusShort.${result.status}`) } });
    res.redirect(303, `/admin/residents/${resident.id}`);
  });

  router.post('/admin/residents/:id/export', staff, (req, res) => {
    const resident = loadResident(req.params.id);
    const bundle = residentDataBundle(db, resident.id)!;
    recordDataAccess(db, resident.id, 'residents.data_downloaded', res.locals.user!.id, now());
    res.attachment(`resident-${resident.id}.json`);
    res.type('application/json').send(JSON.stringify(bundle, null, 2));
  });

  router.post('/admin/residents/:id/delete', staff, (req, res) => {
    const resident = loadResident(req.params.id);
    deleteResident(db, mailer, settings, resident.id, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'residents:show.deleted' });
    res.redirect(303, '/admin/residents');
  });

  return router;
}

function contactError(error: unknown): 'email' | 'phone' | null {
  if (!(error instanceof AppError)) return null;
  if (error.code === 'email_taken') return 'email';
  if (error.code === 'phone_taken') return 'phone';
  return null;
}

function residentValues(resident: Resident): Record<string, string> {
  return {
    name: resident.name,
    email: resident.email ?? '',
    phone: resident.phone ?? '',
    locale: resident.locale,
    street: resident.street,
    houseNumber: resident.houseNumber,
    postcode: resident.postcode,
    complex: resident.complex,
    neighbourhood: resident.neighbourhood,
    adults: String(resident.adults),
    children: String(resident.children),
    householdNames: resident.householdNames,
    languages: resident.languages,
    birthYear: resident.birthYear === null ? '' : String(resident.birthYear),
  };
}
