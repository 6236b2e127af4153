import { Router } from 'express';
import type { AppDeps } from '../../app.ts';
import { dinnersRouter } from './dinners.routes.ts';
import { publicSchedulingRouter } from './public.routes.ts';
import { venuesRouter } from './venues.routes.ts';

/** Venues, dinners, agenda, public dinner pages and calendar feeds. The home page lives in features/home. */
export function schedulingRouter(deps: AppDeps): Router {
  const router = Router();
  // The public feeds first: '/venues/:id/calendar.ics' must not need a sign-in.
  router.use(publicSchedulingRouter(deps));
  router.use(venuesRouter(deps));
  router.use(dinnersRouter(deps));
  return router;
}
