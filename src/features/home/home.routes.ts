import { Router } from 'express';
import type { AppDeps } from '../../app.ts';
import { parseId } from '../../lib/http.ts';
import { listUpcomingPublicDinners } from '../scheduling/dinners.queries.ts';
import { schedulingFormat } from '../scheduling/format.ts';
import { offerAllLocales } from '../scheduling/public.routes.ts';

const HOME_PAGE_SIZE = 20;

/** The public home page: upcoming public dinners, soonest first. */
export function homeRouter({ db, config, now }: AppDeps): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const page = Math.min(500, parseId(req.query.page) ?? 1);
    const { cards, hasMore } = listUpcomingPublicDinners(db, now(), page, HOME_PAGE_SIZE);
    offerAllLocales(res);
    res.render('home/index', { dinners: cards, page, hasMore, fmt: schedulingFormat(res.locals.locale, config.timeZone) });
  });

  return router;
}
