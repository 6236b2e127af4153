import type { ErrorRequestHandler } from 'express';
import type { AppDeps } from '../../app.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit } from './audit.service.ts';

/**
 * Records every refused authorisation of a signed-in user (a 403 from a role or permission
 * check) as one audit event, then hands the error on to the error page (test plan H5).
 * CSRF and cross-site refusals are not authorisation decisions and are left out.
 */
export function auditRefusals({ db, now }: Pick<AppDeps, 'db' | 'now'>): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const user = res.locals.user;
    if (user && err instanceof AppError && err.status === 403 && err.code === 'forbidden') {
      // The path is the visitor's to choose: keep the audit row short.
      recordAudit(db, { actorUserId: user.id, action: 'auth.forbidden', objectType: 'route', objectId: `${req.method} ${req.path}`.slice(0, 200) }, now());
    }
    next(err);
  };
}
