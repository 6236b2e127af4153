import { Router } from 'express';
import type { AppDeps } from '../../app.ts';
import { notFound } from '../../lib/errors.ts';
import { parseId } from '../../lib/http.ts';
import { requireRole } from '../auth/auth.middleware.ts';
import { findOutboxMessage, listOutbox } from './outbox.service.ts';

const PAGE_SIZE = 50;

/** The outbox as admins see it: in development without SMTP it is the mailbox where mail arrives. */
export function mailboxRouter({ db, config }: AppDeps): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/admin/mail', admin, (req, res) => {
    const page = Math.max(1, parseId(req.query.page) ?? 1);
    const { rows, hasMore } = listOutbox(db, page, PAGE_SIZE);
    res.render('mail/list', { messages: rows, page, hasMore, smtpConfigured: Boolean(config.smtpUrl) });
  });

  router.get('/admin/mail/:id', admin, (req, res) => {
    const message = findOutboxMessage(db, parseId(req.params.id) ?? 0);
    if (!message) throw notFound();
    res.render('mail/show', { message });
  });

  // The HTML part in a sandboxed frame: its own strict CSP, no scripts, no forms.
  router.get('/admin/mail/:id/html', admin, (req, res) => {
    const message = findOutboxMessage(db, parseId(req.params.id) ?? 0);
    if (!message) throw notFound();
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'self'; sandbox");
    res.set('X-Frame-Options', 'SAMEORIGIN');
    res.type('html').send(message.html);
  });

  return router;
}
