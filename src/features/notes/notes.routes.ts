import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../app.ts';
import { LOCALES, isLocale, textDirection, translatorFor } from '../../i18n/i18n.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { parseForm, type FieldErrors } from '../../lib/forms.ts';
import { formValues, parseId, setFlash } from '../../lib/http.ts';
import { looksLikeToken } from '../../lib/tokens.ts';
import { requireRole } from '../auth/auth.middleware.ts';
import { linkGuessLimiter } from '../rsvp/link-limiter.ts';
import { deadLink } from '../rsvp/dead-link.ts';
import { LANGUAGE_COOKIE } from '../../app.ts';
import {
  BulkStatusForm,
  FollowUpForm,
  NoteFilterForm,
  NoteForm,
  ReferenceFigureForm,
  ReportFilterForm,
  ReportForm,
  ResidentNoteForm,
  SORTS,
  ThemeEditForm,
  ThemeForm,
  type NoteFilter,
  type NoteSort,
} from './notes.forms.ts';
import { IDEA_STATUSES, LOCATION_KINDS, NOTE_KINDS, REFERENCE_DIMENSIONS } from './notes.schema.ts';
import { buildParticipationReport, listReferenceFigures, saveReferenceFigure } from './notes-report.service.ts';
import { participationView } from './notes-report.view.ts';
import {
  NoteFieldError,
  bulkUpdateStatus,
  changeHearBack,
  createNote,
  createResidentNote,
  createTheme,
  findDinnerForNotes,
  findDinnerReport,
  findNoteDetail,
  findNoteLink,
  iterateNotesForExport,
  listDinnerNotes,
  listDinnersForCapture,
  listIdeaBundles,
  listNeighbourhoods,
  listNotes,
  listPossibleOwners,
  listPublicIdeas,
  listPublicNeighbourhoods,
  listThemes,
  listVenuesForFilter,
  recordExport,
  saveDinnerReport,
  updateFollowUp,
  updateTheme,
} from './notes.service.ts';
import { themeLabeller } from './notes-labels.ts';
import { exportColumns, writeNotesExport, EXPORT_FORMATS, type ExportFormat } from './notes-export-columns.ts';

const PAGE_SIZE = 50;
const PRINT_LIMIT = 2000;

/** Runs a service call whose field problems become a 422 re-render instead of an error page. */
function withFieldErrors<T>(fn: () => T): { ok: true; value: T } | { ok: false; errors: FieldErrors } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (error instanceof NoteFieldError) return { ok: false, errors: { [error.field]: [error.messageKey] } };
    throw error;
  }
}

function parseSort(value: unknown): NoteSort {
  if (value === undefined || value === '') return 'newest';
  if (typeof value === 'string' && (SORTS as readonly string[]).includes(value)) return value as NoteSort;
  // An unknown sort key is a bad request, never interpolated into SQL (test plan D2).
  throw new AppError(400, 'bad_sort', 'errors.badRequest');
}

/** The query string of a filter, for pagination links and export forms. */
function filterQuery(filter: NoteFilter, sort: NoteSort): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  if (sort !== 'newest') params.set('sort', sort);
  return params.toString();
}

export function notesRouter({ db, config, now, mailer, i18n }: AppDeps): Router {
  const router = Router();
  const capture = requireRole('organiser', 'staff', 'admin');
  const staff = requireRole('staff', 'admin');
  const admin = requireRole('admin');

  // Views show theme labels in the reader's language; the themes are read once per page, when first needed.
  router.use((_req, res, next) => {
    let label: ((code: string) => string) | undefined;
    res.locals.themeLabel = (code: string) => {
      label ??= themeLabeller(listThemes(db, { includeArchived: true }), res.locals.t, res.locals.locale);
      return label(code);
    };
    next();
  });

  // ------------------------------------------------------------ capture (organisers and table hosts)

  router.get('/notes/dinners', capture, (_req, res) => {
    res.render('notes/dinners', { dinners: listDinnersForCapture(db, now()) });
  });

  function renderCapture(res: Response, dinnerId: number, status: number, values: Record<string, string>, errors: FieldErrors, savedId?: number) {
    const dinner = findDinnerForNotes(db, dinnerId);
    if (!dinner) throw notFound();
    res.status(status).render('notes/capture', {
      dinner,
      themes: listThemes(db),
      kinds: NOTE_KINDS,
      locationKinds: LOCATION_KINDS,
      recent: listDinnerNotes(db, dinnerId),
      report: findDinnerReport(db, dinnerId) ?? null,
      values,
      selectedThemes: (values.themes ?? '').split(',').filter(Boolean),
      errors,
      savedId: savedId ?? null,
    });
  }

  router.get('/notes/dinners/:dinnerId', capture, (req, res) => {
    const dinnerId = parseId(req.params.dinnerId);
    if (!dinnerId) throw notFound();
    // The last choices stay, so several notes from one table go in quickly.
    const kept = { kind: String(req.query.kind ?? 'story'), tableId: String(req.query.tableId ?? ''), locationKind: 'neighbourhood' };
    renderCapture(res, dinnerId, 200, kept, {}, parseId(req.query.saved) ?? undefined);
  });

  router.post('/notes/dinners/:dinnerId', capture, (req, res) => {
    const dinnerId = parseId(req.params.dinnerId);
    if (!dinnerId || !findDinnerForNotes(db, dinnerId)) throw notFound();
    const wantsJson = req.get('accept')?.includes('application/json') === true;
    const form = parseForm(NoteForm, req.body);
    let result;
    try {
      result = form.ok ? withFieldErrors(() => createNote(db, dinnerId, form.data, res.locals.user!.id, now())) : form;
    } catch (error) {
      // The background submit reads JSON: give it the message instead of an HTML error page.
      if (wantsJson && error instanceof AppError) {
        res.status(error.status).json({ errors: { _form: [res.locals.t(error.messageKey, error.values)] } });
        return;
      }
      throw error;
    }
    if (!result.ok) {
      if (wantsJson) {
        res.status(422).json({ errors: translateErrors(res, result.errors) });
        return;
      }
      renderCapture(res, dinnerId, 422, formValues(req.body), result.errors);
      return;
    }
    if (wantsJson) {
      res.status(201).json({ id: result.value.id, message: res.locals.t('notes:capture.saved') });
      return;
    }
    setFlash(res, { kind: 'success', key: 'notes:capture.saved' });
    const keep = new URLSearchParams({ kind: result.value.kind, tableId: String(result.value.venueTableId ?? ''), saved: String(result.value.id) });
    res.redirect(303, `/notes/dinners/${dinnerId}?${keep.toString()}#note-form`);
  });

  router.post('/notes/dinners/:dinnerId/report', capture, (req, res) => {
    const dinnerId = parseId(req.params.dinnerId);
    if (!dinnerId || !findDinnerForNotes(db, dinnerId)) throw notFound();
    const form = parseForm(ReportForm, req.body);
    if (!form.ok) {
      renderCapture(res, dinnerId, 422, formValues(req.body), form.errors);
      return;
    }
    saveDinnerReport(db, dinnerId, form.data, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'notes:report.saved' });
    res.redirect(303, `/notes/dinners/${dinnerId}`);
  });

  // ------------------------------------------------------------ staff list, follow-up, exports

  function listLocals(filter: Partial<NoteFilter>, values: Record<string, string>) {
    return {
      filter,
      values,
      themes: listThemes(db, { includeArchived: true }),
      kinds: NOTE_KINDS,
      statuses: IDEA_STATUSES,
      neighbourhoods: listNeighbourhoods(db),
      venues: listVenuesForFilter(db),
      owners: listPossibleOwners(db),
      sorts: SORTS,
      formats: EXPORT_FORMATS,
      canExportPersonal: false,
    };
  }

  router.get('/notes', staff, (req, res) => {
    const sort = parseSort(req.query.sort);
    const form = parseForm(NoteFilterForm, req.query);
    const values = formValues(req.query);
    const isAdmin = res.locals.user!.roles.includes('admin');
    if (!form.ok) {
      res.status(422).render('notes/list', { ...listLocals({}, values), sort, rows: [], page: 1, hasMore: false, query: '', errors: form.errors, canExportPersonal: isAdmin });
      return;
    }
    const page = Math.max(1, parseId(req.query.page) ?? 1);
    const { rows, hasMore } = listNotes(db, form.data, sort, page, PAGE_SIZE);
    res.render('notes/list', { ...listLocals(form.data, values), sort, rows, page, hasMore, query: filterQuery(form.data, sort), errors: {}, canExportPersonal: isAdmin });
  });

  router.post('/notes/bulk-status', staff, (req, res) => {
    const form = parseForm(BulkStatusForm, req.body);
    const back = typeof req.body?.back === 'string' && req.body.back.startsWith('/notes') && !req.body.back.startsWith('//') ? req.body.back : '/notes';
    if (!form.ok) {
      const message = Object.values(form.errors)[0]?.[0] ?? 'errors.badRequest';
      res.status(422).render('notes/bulk-error', { message, back });
      return;
    }
    const changed = bulkUpdateStatus(db, mailer, form.data, res.locals.user!.id, config.baseUrl, now());
    setFlash(res, { kind: 'success', key: 'notes:bulk.done', values: { count: changed } });
    res.redirect(303, back);
  });

  // POST, not GET: every export writes an audit event, and GET requests never change anything.
  router.post('/notes/export', staff, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const format = body.format;
    if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format)) throw new AppError(400, 'bad_format', 'errors.badRequest');
    const personal = body.personal === 'yes';
    if (personal && !res.locals.user!.roles.includes('admin')) throw new AppError(403, 'forbidden', 'errors.forbidden');
    const sort = parseSort(body.sort);
    const form = parseForm(NoteFilterForm, body);
    if (!form.ok) {
      res.status(422).render('notes/list', {
        ...listLocals({}, formValues(body)),
        sort,
        rows: [],
        page: 1,
        hasMore: false,
        query: '',
        errors: form.errors,
        canExportPersonal: res.locals.user!.roles.includes('admin'),
      });
      return;
    }
    recordExport(db, { format, personal, filter: form.data }, res.locals.user!.id, now());
    const rows = iterateNotesForExport(db, form.data, sort, personal);
    const t = res.locals.t;
    if (format === 'print') {
      const list = [];
      for (const row of rows) {
        list.push(row);
        if (list.length >= PRINT_LIMIT) break;
      }
      if (typeof rows.return === 'function') rows.return();
      res.render('notes/print', { rows: list, filter: form.data, personal, limited: list.length >= PRINT_LIMIT, limit: PRINT_LIMIT, generatedAt: now() });
      return;
    }
    const stamp = now().toISOString().slice(0, 10);
    const name = `${personal ? 'notes-personal' : 'notes'}-${stamp}.${format}`;
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const columns = exportColumns(t, personal, config.timeZone);
    await writeNotesExport(format as Exclude<ExportFormat, 'print'>, columns, rows, res);
  });

  router.get('/notes/bundles', staff, (_req, res) => {
    res.render('notes/bundles', { bundles: listIdeaBundles(db) });
  });

  // Literal paths before '/notes/:id'.
  router.get('/notes/report', staff, (req, res) => {
    const form = parseForm(ReportFilterForm, req.query);
    const values = formValues(req.query);
    const neighbourhoods = listNeighbourhoods(db);
    if (!form.ok) {
      res.status(422).render('notes/report', { report: null, values, errors: form.errors, neighbourhoods });
      return;
    }
    res.render('notes/report', { report: participationView(buildParticipationReport(db, form.data, now(), config.timeZone)), values, errors: {}, neighbourhoods });
  });

  router.get('/admin/reference-figures', admin, (_req, res) => {
    res.render('notes/reference-figures', { figures: listReferenceFigures(db), dimensions: REFERENCE_DIMENSIONS, values: {}, errors: {} });
  });

  router.post('/admin/reference-figures', admin, (req, res) => {
    const form = parseForm(ReferenceFigureForm, req.body);
    if (!form.ok) {
      res.status(422).render('notes/reference-figures', { figures: listReferenceFigures(db), dimensions: REFERENCE_DIMENSIONS, values: formValues(req.body), errors: form.errors });
      return;
    }
    saveReferenceFigure(db, form.data, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'notes:reference.saved' });
    res.redirect(303, '/admin/reference-figures');
  });

  function renderDetail(res: Response, noteId: number, status: number, values: Record<string, string> | null, errors: FieldErrors) {
    const note = findNoteDetail(db, noteId);
    if (!note) throw notFound();
    res.status(status).render('notes/show', {
      note,
      statuses: IDEA_STATUSES,
      owners: listPossibleOwners(db),
      themes: listThemes(db, { includeArchived: true }),
      values: values ?? {
        status: note.status ?? '',
        statusReason: note.statusReason,
        ownerId: note.ownerUserId ? String(note.ownerUserId) : '',
        reviewOn: note.reviewOn ?? '',
        internalNotes: note.internalNotes,
        publicAnswer: note.publicAnswer,
        isPublic: note.isPublic ? 'on' : '',
      },
      errors,
    });
  }

  router.get('/notes/:id', staff, (req, res) => {
    const id = parseId(req.params.id);
    if (!id) throw notFound();
    renderDetail(res, id, 200, null, {});
  });

  router.post('/notes/:id/follow-up', staff, (req, res) => {
    const id = parseId(req.params.id);
    if (!id || !findNoteDetail(db, id)) throw notFound();
    const form = parseForm(FollowUpForm, req.body);
    const result = form.ok ? withFieldErrors(() => updateFollowUp(db, mailer, id, form.data, res.locals.user!.id, config.baseUrl, now())) : form;
    if (!result.ok) {
      renderDetail(res, id, 422, formValues(req.body), result.errors);
      return;
    }
    setFlash(res, { kind: 'success', key: 'notes:followUp.saved' });
    res.redirect(303, `/notes/${id}`);
  });

  // ------------------------------------------------------------ themes (admins)

  router.get('/admin/themes', admin, (_req, res) => {
    res.render('notes/themes', { themes: listThemes(db, { includeArchived: true }), values: {}, errors: {} });
  });

  router.post('/admin/themes', admin, (req, res) => {
    const form = parseForm(ThemeForm, req.body);
    const result = form.ok ? withFieldErrors(() => createTheme(db, form.data, res.locals.user!.id, now())) : form;
    if (!result.ok) {
      res.status(422).render('notes/themes', { themes: listThemes(db, { includeArchived: true }), values: formValues(req.body), errors: result.errors });
      return;
    }
    setFlash(res, { kind: 'success', key: 'notes:themes.created' });
    res.redirect(303, '/admin/themes');
  });

  router.post('/admin/themes/:id', admin, (req, res) => {
    const id = parseId(req.params.id);
    if (!id) throw notFound();
    const form = parseForm(ThemeEditForm, req.body);
    if (!form.ok) {
      res.status(422).render('notes/themes', { themes: listThemes(db, { includeArchived: true }), values: formValues(req.body), errors: form.errors, editingId: id });
      return;
    }
    updateTheme(db, id, form.data, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'notes:themes.saved' });
    res.redirect(303, '/admin/themes');
  });

  // ------------------------------------------------------------ residents: public pages and personal link

  // Guessing personal links is slowed down the way the RSVP links are (test plan E4).
  router.use('/ideas/t/:token', linkGuessLimiter({ windowMs: config.rateLimits.windowMs, limit: config.rateLimits.perIp, now }));

  router.get('/ideas', residentPage, (_req, res) => {
    res.render('notes/public-index', { neighbourhoods: listPublicNeighbourhoods(db) });
  });

  router.get('/ideas/n/:neighbourhood', residentPage, (req, res) => {
    const neighbourhood = String(req.params.neighbourhood).slice(0, 120);
    const ideas = listPublicIdeas(db, neighbourhood);
    if (ideas.length === 0 && !listNeighbourhoods(db).includes(neighbourhood)) throw notFound();
    res.render('notes/public-neighbourhood', { neighbourhood, ideas, themes: listThemes(db, { includeArchived: true }) });
  });

  function renderResidentForm(req: Request, res: Response, token: string, status: number, values: Record<string, string>, errors: FieldErrors) {
    const context = looksLikeToken(token) ? findNoteLink(db, token, now()) : undefined;
    if (!context) return deadLink(db, req, res, now());
    // Without a chosen language (cookie), a personal page speaks the resident's own language.
    if (!isLocale(req.cookies?.[LANGUAGE_COOKIE]) && isLocale(context.residentLocale)) {
      res.locals.locale = context.residentLocale;
      res.locals.dir = textDirection(context.residentLocale);
      res.locals.t = translatorFor(i18n, context.residentLocale);
    }
    res.status(status).render('notes/resident-form', {
      context,
      token,
      themes: listThemes(db),
      kinds: NOTE_KINDS,
      locationKinds: LOCATION_KINDS,
      values,
      selectedThemes: (values.themes ?? '').split(',').filter(Boolean),
      errors,
    });
  }

  router.get('/ideas/t/:token', residentPage, (req, res) => {
    res.set('Referrer-Policy', 'no-referrer');
    renderResidentForm(req, res, String(req.params.token), 200, { kind: 'idea', locationKind: 'neighbourhood' }, {});
  });

  router.post('/ideas/t/:token', residentPage, (req, res) => {
    const token = String(req.params.token);
    if (!looksLikeToken(token) || !findNoteLink(db, token, now())) return deadLink(db, req, res, now());
    const form = parseForm(ResidentNoteForm, req.body);
    const result = form.ok ? withFieldErrors(() => createResidentNote(db, token, form.data, now())) : form;
    if (!result.ok) {
      renderResidentForm(req, res, token, 422, formValues(req.body), result.errors);
      return;
    }
    setFlash(res, { kind: 'success', key: 'ideas:add.thanks' });
    res.redirect(303, `/ideas/t/${token}`);
  });

  router.post('/ideas/t/:token/updates', residentPage, (req, res) => {
    const token = String(req.params.token);
    if (!looksLikeToken(token)) return deadLink(db, req, res, now());
    const wanted = req.body?.wanted === 'yes';
    changeHearBack(db, token, wanted, now());
    setFlash(res, { kind: 'success', key: wanted ? 'ideas:updates.on' : 'ideas:updates.off' });
    res.redirect(303, `/ideas/t/${token}`);
  });

  return router;
}

/** Resident pages offer every language. */
function residentPage(_req: Request, res: Response, next: () => void): void {
  res.locals.offeredLocales = LOCALES;
  next();
}

function translateErrors(res: Response, errors: FieldErrors): Record<string, string[]> {
  const translated: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(errors)) translated[field] = messages.map((message) => res.locals.t(message));
  return translated;
}
