import { Router } from 'express';
import type { AppDeps } from '../../app.ts';

export function homeRouter(_deps: AppDeps): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    res.render('home/index');
  });

  return router;
}
