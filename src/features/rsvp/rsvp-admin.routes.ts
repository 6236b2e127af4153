import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { parseForm, requiredText, type FieldErrors } from '../../lib/forms.ts';
import { formValues, parseId, setFlash } from '../../lib/http.ts';
import { recordAttendeeListView } from '../audit/audit.service.ts';
import { requireRole } from '../auth/auth.middleware.ts';
import { checkbox, MAX_HOUSEHOLD, peopleCount } from '../residents/residents.forms.ts';
import { listAudienceValues } from '../residents/residents.service.ts';
import { addWalkIn, AUDIENCE_KINDS, dinnerGuests, inviteAudience, listInviteesToCall, setCheckIn } from './rsvp-admin.service.ts';
import { CHECK_INS } from './rsvp.schema.ts';
import { findDinnerForRsvp, type RsvpSettings } from './rsvp.service.ts';
import { listResidentLists } from './rsvp.queries.ts';

const InviteForm = z
  .object({
    kind: z.enum(AUDIENCE_KINDS, { error: 'forms.invalidChoice' }),
    value: z.string().optional().transform((v) => (v ?? '').trim()),
    neverCameFirst: checkbox,
    limit: z.string().optional().transform((v) => (v ?? '').trim()).pipe(z.union([z.literal(''), z.string().regex(/^[1-9][0-9]{0,4}$/, 'residents:errors.wholeNumber')])),
  })
  .superRefine((form, ctx) => {
    if (form.kind !== 'all' && !form.value) ctx.addIssue({ code: 'custom', path: ['value'], message: 'forms.required' });
  })
  .transform((form) => ({ kind: form.kind, value: form.value, neverCameFirst: form.neverCameFirst, limit: form.limit ? Number(form.limit) : null }));

const WalkInForm = z.object({ name: requiredText(120), people: peopleCount(1, MAX_HOUSEHOLD) });
const CheckInForm = z.object({ value: z.union([z.enum(CHECK_INS), z.literal('clear')]) });

/** Organiser pages per dinner: invite an audience, guests and kitchen summary, door list, check-in. */
export function rsvpAdminRouter({ db, config, now, mailer }: AppDeps): Router {
  const router = Router();
  const organiser = requireRole('organiser', 'staff', 'admin');
  const settings: RsvpSettings = { baseUrl: config.baseUrl, timeZone: config.timeZone };

  function dinnerOr404(raw: unknown) {
    const id = parseId(raw);
    const dinner = id ? findDinnerForRsvp(db, id) : undefined;
    if (!dinner) throw notFound();
    return dinner;
  }

  function dinnerId(raw: unknown): number {
    return dinnerOr404(raw).id;
  }

  function renderInvite(res: Response, id: number, status: number, values: Record<string, string>, errors: FieldErrors) {
    const dinner = findDinnerForRsvp(db, id)!;
    res.status(status).render('rsvp/admin-invite', { dinner, kinds: AUDIENCE_KINDS, audience: listAudienceValues(db), lists: listResidentLists(db), values, errors });
  }

  router.get('/agenda/dinners/:id/invite', organiser, (req, res) => {
    renderInvite(res, dinnerId(req.params.id), 200, { kind: 'neighbourhood', neverCameFirst: 'on' }, {});
  });

  router.post('/agenda/dinners/:id/invite', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const form = parseForm(InviteForm, req.body);
    if (!form.ok) return renderInvite(res, id, 422, formValues(req.body), form.errors);
    const result = inviteAudience(db, mailer, settings, id, form.data, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'rsvp:admin.invited', values: result });
    // Whoever could not be mailed needs a phone call: the organiser lands on that list.
    res.redirect(303, result.withoutEmail > 0 ? `/agenda/dinners/${id}/call-list` : `/agenda/dinners/${id}/guests`);
  });

  // Names with phone numbers: audited like the guest lists below (test plan H5).
  router.get('/agenda/dinners/:id/call-list', organiser, (req, res) => {
    const dinner = dinnerOr404(req.params.id);
    recordAttendeeListView(db, res.locals.user!.id, dinner.id, 'call-list', now());
    res.render('rsvp/admin-call-list', { view: { dinner }, toCall: listInviteesToCall(db, dinner.id) });
  });

  // Each opening of a list of named guests is audited (test plan H5).
  for (const [list, view] of [['guests', 'rsvp/admin-guests'], ['door-list', 'rsvp/admin-door-list']] as const) {
    router.get(`/agenda/dinners/:id/${list}`, organiser, (req, res) => {
      const id = dinnerId(req.params.id);
      recordAttendeeListView(db, res.locals.user!.id, id, list, now());
      res.render(view, { view: dinnerGuests(db, id) });
    });
  }

  function renderCheckIn(res: Response, id: number, status: number, values: Record<string, string>, errors: FieldErrors) {
    res.status(status).render('rsvp/admin-check-in', { view: dinnerGuests(db, id), values, errors });
  }

  router.get('/agenda/dinners/:id/check-in', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    recordAttendeeListView(db, res.locals.user!.id, id, 'check-in', now());
    renderCheckIn(res, id, 200, { people: '1' }, {});
  });

  router.post('/agenda/dinners/:id/check-in/:rsvpId', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const rsvpId = parseId(req.params.rsvpId);
    const form = CheckInForm.safeParse(req.body ?? {});
    if (!rsvpId) throw notFound();
    if (!form.success) throw new AppError(400, 'bad_check_in', 'errors.badRequest');
    setCheckIn(db, id, rsvpId, form.data.value === 'clear' ? null : form.data.value, res.locals.user!.id, now());
    res.redirect(303, `/agenda/dinners/${id}/check-in#guest-${rsvpId}`);
  });

  router.post('/agenda/dinners/:id/walk-in', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const form = parseForm(WalkInForm, req.body);
    if (!form.ok) return renderCheckIn(res, id, 422, formValues(req.body), form.errors);
    try {
      addWalkIn(db, id, form.data.name, form.data.people, res.locals.user!.id, now());
    } catch (error) {
      if (error instanceof AppError && error.code === 'no_seats') return renderCheckIn(res, id, 409, formValues(req.body), { people: [error.messageKey] });
      throw error;
    }
    setFlash(res, { kind: 'success', key: 'rsvp:admin.walkInAdded', values: { name: form.data.name } });
    res.redirect(303, `/agenda/dinners/${id}/check-in`);
  });

  return router;
}
