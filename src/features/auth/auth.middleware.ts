import type { CookieOptions, RequestHandler } from 'express';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../db/schema.ts';
import { AppError } from '../../lib/errors.ts';
import { looksLikeToken } from '../../lib/tokens.ts';
import { findSessionUser } from './sessions.service.ts';

export function sessionCookieName(production: boolean): string {
  // __Host- binds the cookie to this host over HTTPS, without a Domain: only possible with Secure.
  return production ? '__Host-sid' : 'sid';
}

export function sessionCookieOptions(production: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: production, path: '/' };
}

/** Reads the session cookie and puts the signed-in user (or null) on res.locals. */
export function loadUser({ db, config, now }: AppDeps): RequestHandler {
  const cookieName = sessionCookieName(config.env === 'production');
  return (req, res, next) => {
    const raw: unknown = req.cookies?.[cookieName];
    res.locals.user = null;
    res.locals.sessionId = null;
    if (looksLikeToken(raw)) {
      const user = findSessionUser(db, raw, now(), config.session);
      if (user) {
        res.locals.user = user;
        res.locals.sessionId = raw;
      }
    }
    next();
  };
}

/** Anonymous visitors go to the sign-in page and come back afterwards. */
export const requireUser: RequestHandler = (req, res, next) => {
  if (res.locals.user) return next();
  if (req.method === 'GET') {
    res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  res.redirect(303, '/login');
};

/** Signed-in users without one of the roles get 403; anonymous visitors are sent to sign in. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    const user = res.locals.user;
    if (!user) return requireUser(req, res, next);
    if (!roles.some((role) => user.roles.includes(role))) return next(new AppError(403, 'forbidden', 'errors.forbidden'));
    next();
  };
}
