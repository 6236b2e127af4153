import { sql } from 'drizzle-orm';
import { Router } from 'express';
import type { AppDeps } from '../../app.ts';

export function healthRouter({ db }: AppDeps): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    try {
      db.get(sql`select 1`);
      res.set('Cache-Control', 'no-store').json({ status: 'ok' });
    } catch {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'unavailable' });
    }
  });

  return router;
}
