import type { Request, Response } from 'express';
import type { Db } from '../../db/client.ts';
import { LOCALES } from '../../i18n/i18n.ts';
import { recordAudit } from '../audit/audit.service.ts';

// Which kind of personal link a refused path was, by its first segment, for the audit log.
const LINK_KINDS: Record<string, string> = { r: 'rsvp', join: 'join', ideas: 'idea' };

/**
 * The one page for every expired, used, revoked or unknown personal link (TEST-PLAN E3): 410, nothing
 * about the resident or the dinner, the "send me a new link" form. A dead link used to act (POST) is
 * audited; a GET or HEAD only shows the page and writes nothing (E2: mail scanners).
 */
export function deadLink(db: Db, req: Request, res: Response, now: Date): void {
  res.locals.offeredLocales = LOCALES;
  if (req.method === 'POST') recordAudit(db, { actorUserId: null, action: 'rsvp.link_refused', details: { link: LINK_KINDS[req.path.split('/')[1] ?? ''] ?? 'other' } }, now);
  res.status(410).render('rsvp/link-expired', { values: {}, errors: {} });
}
