import { isUtf8 } from 'node:buffer';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { i18n as I18nInstance } from 'i18next';
import { ZodError } from 'zod';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import { accountsRouter } from './features/accounts/accounts.routes.ts';
import { auditRefusals } from './features/audit/audit.middleware.ts';
import { authRouter } from './features/auth/auth.routes.ts';
import { loadUser } from './features/auth/auth.middleware.ts';
import { healthRouter } from './features/health/health.routes.ts';
import { homeRouter } from './features/home/home.routes.ts';
import { languageRouter } from './features/language/language.routes.ts';
import { mailboxRouter } from './features/mail/mailbox.routes.ts';
import { notesRouter } from './features/notes/notes.routes.ts';
import { seatingRouter } from './features/matching/seating.routes.ts';
import { homeDinnersRouter } from './features/matching/home-dinners.routes.ts';
import { rsvpRouter } from './features/rsvp/rsvp.routes.ts';
import { rsvpAdminRouter } from './features/rsvp/rsvp-admin.routes.ts';
import { residentsRouter } from './features/residents/residents.routes.ts';
import { residentListsRouter } from './features/residents/resident-lists.routes.ts';
import { readImportUpload } from './features/residents/multipart.ts';
import { schedulingRouter } from './features/scheduling/scheduling.routes.ts';
import type { Mailer } from './features/mail/outbox.service.ts';
import { DEFAULT_LOCALE, STAFF_LOCALES, isLocale, textDirection, translatorFor } from './i18n/i18n.ts';
import { AppError } from './lib/errors.ts';
import { takeFlash } from './lib/http.ts';
import { viewHelpers } from './lib/view-helpers.ts';
import { paths } from './paths.ts';

export type AppDeps = {
  db: Db;
  config: Config;
  now: () => Date;
  i18n: I18nInstance;
  mailer: Mailer;
};

export const LANGUAGE_COOKIE = 'lang';

/** Assembles the application; never listens (src/server.ts does). */
export function createApp(deps: AppDeps): express.Express {
  const { config } = deps;
  const production = config.env === 'production';
  const app = express();

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.set('view engine', 'ejs');
  app.set('views', paths.views);
  if (production) app.set('view cache', true);
  Object.assign(app.locals, viewHelpers(config.timeZone));

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          // On plain-HTTP hosts (development) this would push every form post to https.
          upgradeInsecureRequests: production ? [] : null,
        },
      },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use('/static', express.static(paths.static, { maxAge: production ? '7d' : 0 }));

  // Health is answered before sessions and CSRF: load balancers carry no cookies.
  app.use(healthRouter(deps));

  app.use(cookieParser(config.sessionSecret));
  app.use(noStore);
  app.use(loadUser(deps));
  app.use(chooseLocale(deps));
  // After the language is known, so a refused body (too large, not UTF-8) gets a translated page.
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 1000, verify: rejectInvalidUtf8 }));
  app.use(rejectCrossSiteWrites(config.baseUrl));
  const csrf = doubleCsrf({
    getSecret: () => config.sessionSecret,
    getSessionIdentifier: (req) => String(req.res?.locals.sessionId ?? ''),
    cookieName: production ? '__Host-csrf' : 'csrf',
    cookieOptions: { sameSite: 'lax', secure: production, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
    errorConfig: { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' },
  });
  // The resident import is the one multipart form: read it before the CSRF check looks for _csrf.
  app.use('/admin/residents/import', readImportUpload);
  app.use(csrf.doubleCsrfProtection);
  app.use((req, res, next) => {
    res.locals.csrfToken = csrf.generateCsrfToken(req, res);
    res.locals.flash = takeFlash(req, res);
    res.locals.currentPath = req.originalUrl;
    next();
  });

  app.use(languageRouter(deps));
  app.use(homeRouter(deps));
  app.use(authRouter(deps));
  app.use(accountsRouter(deps));
  app.use(mailboxRouter(deps));
  app.use(schedulingRouter(deps));
  app.use(rsvpRouter(deps));
  app.use(rsvpAdminRouter(deps));
  app.use(residentsRouter(deps));
  app.use(residentListsRouter(deps));
  app.use(notesRouter(deps));
  app.use(seatingRouter(deps));
  app.use(homeDinnersRouter(deps));

  app.use((_req, _res, next) => next(new AppError(404, 'not_found', 'errors.notFound')));
  app.use(auditRefusals(deps));
  app.use(errorHandler);
  return app;
}

/** Bytes that are not UTF-8 would be stored as U+FFFD: refuse the whole form instead (test plan D5). */
function rejectInvalidUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw new AppError(400, 'invalid_encoding', 'errors.badRequest');
}

/** Pages carry personal data or per-visitor tokens: never store them in shared caches. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/**
 * The visitor's language: the one they chose (cookie), else their account's, else Dutch.
 * Staff pages offer Dutch and English; resident routers widen offeredLocales.
 */
function chooseLocale(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const chosen: unknown = req.cookies?.[LANGUAGE_COOKIE];
    const fromAccount = res.locals.user?.locale;
    const locale = isLocale(chosen) ? chosen : isLocale(fromAccount) ? fromAccount : DEFAULT_LOCALE;
    res.locals.locale = locale;
    res.locals.dir = textDirection(locale);
    res.locals.t = translatorFor(deps.i18n, locale);
    res.locals.offeredLocales = STAFF_LOCALES;
    next();
  };
}

/** A second line behind the CSRF token: browsers say where a write comes from. */
function rejectCrossSiteWrites(baseUrl: string): RequestHandler {
  const ownOrigin = new URL(baseUrl).origin;
  return (req, _res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const fetchSite = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const requestOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
    const crossSite = fetchSite === 'cross-site';
    const foreignOrigin = origin !== undefined && origin !== 'null' && origin !== ownOrigin && origin !== requestOrigin;
    if (crossSite || foreignOrigin) return next(new AppError(403, 'cross_site', 'errors.crossSite'));
    next();
  };
}

const STATUS_KEYS: Record<number, string> = {
  400: 'errors.badRequest',
  403: 'errors.forbidden',
  404: 'errors.notFound',
  410: 'errors.linkExpired',
  413: 'errors.tooLarge',
  415: 'errors.badRequest',
  429: 'errors.tooManyRequests',
  503: 'errors.unavailable',
};

/** Link tokens in a path are passwords for one purpose: the log shows where, never the token (test plan E5). */
function loggablePath(path: string): string {
  return path.replace(/[A-Za-z0-9_-]{43}/g, '[token]');
}

const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  let status = 500;
  let key = 'errors.internal';
  let values: Record<string, string | number> = {};
  if (err instanceof AppError) {
    status = err.status;
    key = err.messageKey;
    values = err.values;
  } else if (err instanceof ZodError) {
    status = 400;
    key = STATUS_KEYS[400]!;
  } else {
    const candidate = (err as { status?: unknown; statusCode?: unknown; code?: unknown }) ?? {};
    const httpStatus = Number(candidate.status ?? candidate.statusCode);
    if (candidate.code === 'EBADCSRFTOKEN') {
      status = 403;
      key = 'errors.csrf';
    } else if (httpStatus >= 400 && httpStatus < 500) {
      status = httpStatus;
      key = STATUS_KEYS[httpStatus] ?? 'errors.badRequest';
    } else if ((err as { code?: unknown })?.code === 'SQLITE_BUSY' || (err as { code?: unknown })?.code === 'SQLITE_FULL' || (err as { code?: unknown })?.code === 'SQLITE_READONLY') {
      status = 503;
      key = STATUS_KEYS[503]!;
      console.error(`[${req.method} ${loggablePath(req.path)}] database unavailable:`, (err as Error).message);
    } else {
      console.error(`[${req.method} ${loggablePath(req.path)}]`, err);
    }
  }
  if (res.headersSent) return;
  const t = res.locals.t;
  if (!t) {
    res.status(status).type('text/plain').send(`Error ${status}`);
    return;
  }
  // Errors raised before the page locals were set (body parser, CSRF check) still render the layout.
  res.locals.currentPath ??= req.originalUrl;
  res.locals.csrfToken ??= '';
  res.locals.flash ??= null;
  const view = {
    status,
    message: t(key, values),
    hint: t(`errors.hint.${status}`, { defaultValue: t('errors.hint.default') }),
    signInUrl: status === 403 && !res.locals.user ? '/login' : null,
  };
  // A failing error page must not fall through to Express's default handler, which prints the stack.
  res.status(status).render('errors/error', view, (renderError: unknown, html: string) => {
    if (renderError) {
      console.error(`[${req.method} ${loggablePath(req.path)}] error page failed:`, renderError);
      res.type('text/plain').send(`Error ${status}`);
      return;
    }
    res.send(html);
  });
};
