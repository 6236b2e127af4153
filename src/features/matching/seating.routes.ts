import { Router, type Response } from 'express';
import type { AppDeps } from '../../app.ts';
import { notFound } from '../../lib/errors.ts';
import { parseForm, type FieldErrors } from '../../lib/forms.ts';
import { formValues, parseId, setFlash } from '../../lib/http.ts';
import { recordAttendeeListView } from '../audit/audit.service.ts';
import { requireRole } from '../auth/auth.middleware.ts';
import type { RsvpSettings } from '../rsvp/rsvp.service.ts';
import { LockForm, MoveForm, PinForm, RunForm, SwapForm } from './seating.forms.ts';
import { findPlanDinner, listPlanOverview } from './seating.queries.ts';
import { editPlan, lockPlan, makePlan, planView, type PlanEdit } from './seating.service.ts';
import { classifyBreaks } from './seating.view.ts';

/** Table plans per dinner, for organisers and admins: make, adjust, lock, print. */
export function seatingRouter({ db, config, now, mailer }: AppDeps): Router {
  const router = Router();
  const organiser = requireRole('organiser', 'admin');
  const settings: RsvpSettings = { baseUrl: config.baseUrl, timeZone: config.timeZone };

  function dinnerId(raw: unknown): number {
    const id = parseId(raw);
    if (!id || !findPlanDinner(db, id)) throw notFound();
    return id;
  }

  type PageState = { values?: Record<string, string>; errors?: FieldErrors; refused?: { action: 'move' | 'swap'; breaks: string[] } };

  function renderPlan(res: Response, id: number, status: number, state: PageState = {}) {
    res.status(status).render('matching/plan', {
      view: planView(db, id),
      values: state.values ?? {},
      errors: state.errors ?? {},
      refused: state.refused ? { action: state.refused.action, kinds: classifyBreaks(state.refused.breaks) } : null,
      classifyBreaks,
    });
  }

  const base = (id: number) => `/agenda/dinners/${id}/plan`;

  router.get('/matching', organiser, (_req, res) => {
    res.render('matching/overview', { dinners: listPlanOverview(db, now()) });
  });

  router.get('/agenda/dinners/:id/plan', organiser, (req, res) => {
    renderPlan(res, dinnerId(req.params.id), 200);
  });

  router.post('/agenda/dinners/:id/plan', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const form = parseForm(RunForm, req.body);
    if (!form.ok) return renderPlan(res, id, 422, { values: formValues(req.body), errors: form.errors });
    const plan = makePlan(db, id, { keepPinned: form.data.keepPinned }, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'matching:flash.made', values: { tables: plan.tables.length, unseated: plan.unseated.length } });
    res.redirect(303, base(id));
  });

  function applyEdit(res: Response, id: number, edit: PlanEdit, override: boolean, body: unknown) {
    const outcome = editPlan(db, id, edit, override, res.locals.user!.id, now());
    if (outcome.status === 'invalid') {
      const field = outcome.error === 'unknown_table' ? 'table' : outcome.error === 'same_household' ? 'other' : 'household';
      return renderPlan(res, id, 422, { values: formValues(body), errors: { [field]: [`matching:errors.${outcome.error}`] } });
    }
    if (outcome.status === 'refused') {
      return renderPlan(res, id, 409, { values: formValues(body), refused: { action: edit.kind === 'swap' ? 'swap' : 'move', breaks: outcome.breaks } });
    }
    setFlash(res, outcome.breaks.length > 0 ? { kind: 'info', key: 'matching:flash.keptWithWarning' } : { kind: 'success', key: `matching:flash.${edit.kind}` });
    res.redirect(303, `${base(id)}#plan-tables`);
  }

  router.post('/agenda/dinners/:id/plan/move', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const form = parseForm(MoveForm, req.body);
    if (!form.ok) return renderPlan(res, id, 422, { values: formValues(req.body), errors: form.errors });
    applyEdit(res, id, { kind: 'move', rsvpId: form.data.household, venueTableId: form.data.table }, form.data.override, req.body);
  });

  router.post('/agenda/dinners/:id/plan/swap', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const form = parseForm(SwapForm, req.body);
    if (!form.ok) return renderPlan(res, id, 422, { values: formValues(req.body), errors: form.errors });
    applyEdit(res, id, { kind: 'swap', rsvpId: form.data.household, otherRsvpId: form.data.other }, form.data.override, req.body);
  });

  router.post('/agenda/dinners/:id/plan/pin', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const form = parseForm(PinForm, req.body);
    if (!form.ok) return renderPlan(res, id, 422, { values: formValues(req.body), errors: form.errors });
    applyEdit(res, id, { kind: 'pin', rsvpId: form.data.household, pinned: form.data.pinned }, false, req.body);
  });

  router.post('/agenda/dinners/:id/plan/lock', organiser, (req, res) => {
    const id = dinnerId(req.params.id);
    const form = parseForm(LockForm, req.body);
    if (!form.ok) return renderPlan(res, id, 422, { values: formValues(req.body), errors: form.errors });
    const result = lockPlan(db, mailer, settings, id, form.data.notify, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: result.alreadyLocked ? 'matching:flash.mailed' : form.data.notify ? 'matching:flash.lockedAndMailed' : 'matching:flash.locked', values: { mailed: result.mailed } });
    res.redirect(303, base(id));
  });

  // The printed sheets name the guests (the kitchen sheet with their diets): each opening is audited (test plan H5).
  for (const sheet of ['print', 'place-cards', 'kitchen'] as const) {
    router.get(`/agenda/dinners/:id/plan/${sheet}`, organiser, (req, res) => {
      const id = dinnerId(req.params.id);
      recordAttendeeListView(db, res.locals.user!.id, id, `plan-${sheet}`, now());
      res.render(`matching/${sheet}`, { view: planView(db, id) });
    });
  }

  return router;
}
