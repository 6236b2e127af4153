import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../../config.ts';
import { AppError } from '../../lib/errors.ts';

/**
 * Limits failed attempts per client address and per account (e-mail). Successful requests
 * don't count; over the limit a 429 page with Retry-After, the same for every e-mail.
 */
export function attemptLimiters(limits: Config['rateLimits']): RequestHandler[] {
  const over: RequestHandler = (req, res, next) => {
    const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
    const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : Math.ceil(limits.windowMs / 1000);
    res.set('Retry-After', String(seconds));
    next(new AppError(429, 'too_many_requests', 'errors.tooManyRequests'));
  };
  // Without a trusted proxy any client may send X-Forwarded-For; it is ignored on purpose (the
  // socket address counts), so the library's warning about it would only let clients fill the log.
  const validate = { xForwardedForHeader: false };
  const perIp = rateLimit({
    windowMs: limits.windowMs,
    limit: limits.perIp,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate,
    handler: over,
  });
  const perAccount = rateLimit({
    windowMs: limits.windowMs,
    limit: limits.perAccount,
    skipSuccessfulRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    validate,
    keyGenerator: (req) => {
      const email = (req.body as Record<string, unknown> | undefined)?.email;
      return `account:${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
    },
    handler: over,
  });
  return [perIp, perAccount];
}
