import { Router } from 'express';
import type { AppDeps } from '../../app.ts';
import { parseForm } from '../../lib/forms.ts';
import { formValues, safeRedirectPath, setFlash } from '../../lib/http.ts';
import { ForgotPasswordForm, NewPasswordForm, SignInForm } from './auth.forms.ts';
import { sessionCookieName, sessionCookieOptions } from './auth.middleware.ts';
import {
  authenticate,
  findUserByToken,
  recordFailedSignIn,
  requestPasswordReset,
  setPasswordWithToken,
  signIn,
} from './auth.service.ts';
import { hashPassword } from './passwords.ts';
import { destroySession } from './sessions.service.ts';
import { gone } from '../../lib/errors.ts';
import { attemptLimiters } from './rate-limits.ts';

export function authRouter({ db, config, now, mailer }: AppDeps): Router {
  const router = Router();
  const production = config.env === 'production';
  const cookieName = sessionCookieName(production);
  const limiters = attemptLimiters(config.rateLimits);

  router.get('/login', (req, res) => {
    if (res.locals.user) {
      res.redirect(302, '/');
      return;
    }
    res.render('auth/login', { values: { next: safeRedirectPath(req.query.next, '') }, errors: {} });
  });

  router.post('/login', ...limiters, async (req, res) => {
    const form = parseForm(SignInForm, req.body);
    const values = { ...formValues(req.body), password: '' };
    if (!form.ok) {
      res.status(422).render('auth/login', { values, errors: form.errors });
      return;
    }
    const user = await authenticate(db, form.data.email, form.data.password);
    if (!user) {
      recordFailedSignIn(db, now());
      res.status(422).render('auth/login', { values, errors: { _form: ['auth:login.failed'] } });
      return;
    }
    if (res.locals.sessionId) destroySession(db, res.locals.sessionId);
    const sessionId = signIn(db, user.id, now());
    res.cookie(cookieName, sessionId, sessionCookieOptions(production));
    setFlash(res, { kind: 'success', key: 'auth:login.welcome', values: { name: user.name } });
    res.redirect(303, safeRedirectPath(form.data.next, '/'));
  });

  router.post('/logout', (_req, res) => {
    if (res.locals.sessionId) destroySession(db, res.locals.sessionId);
    res.clearCookie(cookieName, sessionCookieOptions(production));
    setFlash(res, { kind: 'info', key: 'auth:logout.done' });
    res.redirect(303, '/');
  });

  router.get('/password/forgot', (_req, res) => {
    res.render('auth/forgot', { values: {}, errors: {} });
  });

  router.post('/password/forgot', ...limiters, (req, res) => {
    const form = parseForm(ForgotPasswordForm, req.body);
    if (!form.ok) {
      res.status(422).render('auth/forgot', { values: formValues(req.body), errors: form.errors });
      return;
    }
    requestPasswordReset(db, mailer, form.data.email, config.baseUrl, now());
    // The same answer whether or not the address has an account.
    res.redirect(303, '/password/forgot/sent');
  });

  router.get('/password/forgot/sent', (_req, res) => {
    res.render('auth/forgot-sent');
  });

  router.get('/password/reset/:token', (req, res) => {
    const token = req.params.token;
    if (!findUserByToken(db, token, 'password_reset', now())) throw gone();
    res.set('Referrer-Policy', 'no-referrer');
    res.render('auth/new-password', { action: `/password/reset/${token}`, values: {}, errors: {}, askName: false });
  });

  router.post('/password/reset/:token', async (req, res) => {
    const token = req.params.token;
    // A spent or unknown link is refused before any work: hashing a password costs real CPU time.
    if (!findUserByToken(db, token, 'password_reset', now())) throw gone();
    const form = parseForm(NewPasswordForm, req.body);
    if (!form.ok) {
      res.status(422).render('auth/new-password', { action: `/password/reset/${token}`, values: {}, errors: form.errors, askName: false });
      return;
    }
    const passwordHash = await hashPassword(form.data.password);
    setPasswordWithToken(db, token, 'password_reset', passwordHash, now());
    setFlash(res, { kind: 'success', key: 'auth:reset.done' });
    res.redirect(303, '/login');
  });

  return router;
}

