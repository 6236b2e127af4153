import { Router } from 'express';
import type { AppDeps } from '../../app.ts';
import { ROLES } from '../../db/schema.ts';
import { STAFF_LOCALES } from '../../i18n/i18n.ts';
import { AppError, gone, notFound } from '../../lib/errors.ts';
import { parseForm } from '../../lib/forms.ts';
import { formValues, parseId, setFlash } from '../../lib/http.ts';
import { listAuditEvents } from '../audit/audit.service.ts';
import { requireRole } from '../auth/auth.middleware.ts';
import { findUserByToken, setPasswordWithToken } from '../auth/auth.service.ts';
import { hashPassword } from '../auth/passwords.ts';
import { AcceptInvitationForm, InviteForm, RolesForm } from './accounts.forms.ts';
import { findUserSummary, inviteUser, listUsers, resendInvitation, setDisabled, updateRoles } from './accounts.service.ts';

const AUDIT_PAGE_SIZE = 50;

export function accountsRouter({ db, config, now, mailer }: AppDeps): Router {
  const router = Router();
  const admin = requireRole('admin');
  const formLocals = { roles: ROLES, locales: STAFF_LOCALES };

  router.get('/admin/users', admin, (_req, res) => {
    res.render('accounts/list', { users: listUsers(db) });
  });

  // Literal path before '/admin/users/:id'.
  router.get('/admin/users/new', admin, (_req, res) => {
    res.render('accounts/invite', { ...formLocals, values: { locale: 'nl' }, errors: {} });
  });

  router.post('/admin/users', admin, (req, res) => {
    const form = parseForm(InviteForm, req.body);
    const values = formValues(req.body);
    if (!form.ok) {
      res.status(422).render('accounts/invite', { ...formLocals, values, errors: form.errors });
      return;
    }
    try {
      inviteUser(db, mailer, form.data, res.locals.user!.id, config.baseUrl, now());
    } catch (error) {
      if (error instanceof AppError && error.code === 'email_taken') {
        res.status(422).render('accounts/invite', { ...formLocals, values, errors: { email: [error.messageKey] } });
        return;
      }
      throw error;
    }
    setFlash(res, { kind: 'success', key: 'accounts:invite.sent', values: { email: form.data.email } });
    res.redirect(303, '/admin/users');
  });

  router.get('/admin/users/:id', admin, (req, res) => {
    const user = findUserSummary(db, parseId(req.params.id) ?? 0);
    if (!user) throw notFound();
    res.render('accounts/show', { ...formLocals, account: user, values: { roles: user.roles.join(',') }, errors: {} });
  });

  router.post('/admin/users/:id/roles', admin, (req, res) => {
    const user = findUserSummary(db, parseId(req.params.id) ?? 0);
    if (!user) throw notFound();
    const form = parseForm(RolesForm, req.body);
    if (!form.ok) {
      res.status(422).render('accounts/show', { ...formLocals, account: user, values: formValues(req.body), errors: form.errors });
      return;
    }
    updateRoles(db, user.id, form.data.roles, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'accounts:roles.saved', values: { name: user.name } });
    res.redirect(303, `/admin/users/${user.id}`);
  });

  router.post('/admin/users/:id/disable', admin, (req, res) => {
    const id = parseId(req.params.id);
    if (!id) throw notFound();
    setDisabled(db, id, true, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'accounts:disable.done' });
    res.redirect(303, `/admin/users/${id}`);
  });

  router.post('/admin/users/:id/enable', admin, (req, res) => {
    const id = parseId(req.params.id);
    if (!id) throw notFound();
    setDisabled(db, id, false, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'accounts:enable.done' });
    res.redirect(303, `/admin/users/${id}`);
  });

  router.post('/admin/users/:id/invitation', admin, (req, res) => {
    const id = parseId(req.params.id);
    if (!id) throw notFound();
    resendInvitation(db, mailer, id, res.locals.user!.id, config.baseUrl, now());
    setFlash(res, { kind: 'success', key: 'accounts:invite.resent' });
    res.redirect(303, `/admin/users/${id}`);
  });

  router.get('/admin/audit', admin, (req, res) => {
    const page = Math.max(1, parseId(req.query.page) ?? 1);
    const { rows, hasMore } = listAuditEvents(db, page, AUDIT_PAGE_SIZE);
    res.render('accounts/audit', { events: rows, page, hasMore });
  });

  router.get('/invitation/:token', (req, res) => {
    const user = findUserByToken(db, req.params.token, 'invitation', now());
    if (!user) throw gone();
    res.render('auth/new-password', { action: `/invitation/${req.params.token}`, values: { name: user.name }, errors: {}, askName: true });
  });

  router.post('/invitation/:token', async (req, res) => {
    const token = req.params.token;
    // A spent or unknown link is refused before any work: hashing a password costs real CPU time.
    if (!findUserByToken(db, token, 'invitation', now())) throw gone();
    const form = parseForm(AcceptInvitationForm, req.body);
    if (!form.ok) {
      res.status(422).render('auth/new-password', { action: `/invitation/${token}`, values: formValues(req.body), errors: form.errors, askName: true });
      return;
    }
    const passwordHash = await hashPassword(form.data.password);
    setPasswordWithToken(db, token, 'invitation', passwordHash, now(), form.data.name);
    setFlash(res, { kind: 'success', key: 'accounts:invitation.accepted' });
    res.redirect(303, '/login');
  });

  return router;
}
