import { sql } from 'drizzle-orm';
import { Router } from 'express';
import type { AppDeps } from '../../app.ts';
import { parseId } from '../../lib/http.ts';
import { listUpcomingPublicDinners } from '../scheduling/dinners.queries.ts';
import { schedulingFormat } from '../scheduling/format.ts';
import { offerAllLocales } from '../scheduling/public.routes.ts';

const HOME_PAGE_SIZE = 20;
const CACHE_TTL_MS = 10_000;
const CACHE_MAX_ENTRIES = 200;

/** The public home page: upcoming public dinners, soonest first. */
export function homeRouter({ db, config, now }: AppDeps): Router {
  const router = Router();
  // Anonymous visitors all see the same page per language and address, so it is rendered once and
  // reused until the database changes (any write by this process) or ten seconds pass (the clock
  // moves dinners out of "upcoming"). Signed-in visitors and pages with a flash message are never cached.
  const cache = new Map<string, { html: string; writes: number; expires: number }>();
  const writesSoFar = () => db.get<{ n: number }>(sql`select total_changes() as n`).n;

  router.get('/', (req, res, next) => {
    const cacheable = !res.locals.user && !res.locals.flash;
    const key = `${res.locals.locale} ${req.originalUrl}`;
    const writes = writesSoFar();
    const nowMs = now().getTime();
    const hit = cacheable ? cache.get(key) : undefined;
    if (hit && hit.writes === writes && hit.expires > nowMs) {
      res.type('html').send(hit.html);
      return;
    }
    const page = Math.min(500, parseId(req.query.page) ?? 1);
    const { cards, hasMore } = listUpcomingPublicDinners(db, now(), page, HOME_PAGE_SIZE);
    offerAllLocales(res);
    res.render('home/index', { dinners: cards, page, hasMore, fmt: schedulingFormat(res.locals.locale, config.timeZone) }, (error: unknown, html: string) => {
      if (error) return next(error);
      if (cacheable) {
        if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
        cache.set(key, { html, writes, expires: nowMs + CACHE_TTL_MS });
      }
      res.send(html);
    });
  });

  return router;
}
