import { Router } from 'express';
import type { AppDeps } from '../../app.ts';
import { LANGUAGE_COOKIE } from '../../app.ts';
import { isLocale } from '../../i18n/i18n.ts';
import { notFound } from '../../lib/errors.ts';
import { safeRedirectPath } from '../../lib/http.ts';

const ONE_YEAR_MS = 365 * 24 * 60 * 60_000;

/** Remembers a visitor's language in a cookie; no server state changes, so a plain link works. */
export function languageRouter({ config }: AppDeps): Router {
  const router = Router();

  router.get('/language/:locale', (req, res) => {
    const locale = req.params.locale;
    if (!isLocale(locale)) throw notFound();
    res.cookie(LANGUAGE_COOKIE, locale, {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.env === 'production',
      path: '/',
      maxAge: ONE_YEAR_MS,
    });
    res.redirect(303, safeRedirectPath(req.query.next, '/'));
  });

  return router;
}
