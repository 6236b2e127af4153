import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors.ts';

/**
 * Slows down link guessing (TEST-PLAN E4): counts, per client address, the answers that said
 * "unknown or expired link" (410); past the limit within the window every link request gets 429
 * with Retry-After. Only failures count, and only once answered, so many residents answering at
 * once from one address (a community centre's Wi-Fi) are never held up.
 */
export function linkGuessLimiter(options: { windowMs: number; limit: number; now: () => Date }): RequestHandler {
  const failures = new Map<string, { count: number; resetAt: number }>();
  return (req, res, next) => {
    const key = req.ip ?? 'unknown';
    const nowMs = options.now().getTime();
    const entry = failures.get(key);
    if (entry && entry.resetAt <= nowMs) failures.delete(key);
    const current = failures.get(key);
    if (current && current.count >= options.limit) {
      res.set('Retry-After', String(Math.max(1, Math.ceil((current.resetAt - nowMs) / 1000))));
      return next(new AppError(429, 'too_many_requests', 'errors.tooManyRequests'));
    }
    res.on('finish', () => {
      if (res.statusCode !== 410) return;
      const at = options.now().getTime();
      const existing = failures.get(key);
      if (existing && existing.resetAt > at) existing.count += 1;
      else failures.set(key, { count: 1, resetAt: at + options.windowMs });
      if (failures.size > 10_000) {
        for (const [ip, value] of failures) if (value.resetAt <= at) failures.delete(ip);
      }
    });
    next();
  };
}
