import type { Db } from '../../src/db/client.ts';
import { createMailRenderer, type RenderMail } from '../../src/features/mail/mail-renderer.ts';
import { composeQueuedMail } from '../../src/features/mail/outbox.service.ts';
import { createI18n } from '../../src/i18n/i18n.ts';
import { TEST_BASE_URL } from './app.ts';

let renderMail: RenderMail | undefined;

/** The renderer the delivery worker uses, for tests that run one. */
export function testRenderMail(): RenderMail {
  renderMail ??= createMailRenderer({ i18n: createI18n(), baseUrl: TEST_BASE_URL, cache: true });
  return renderMail;
}

/**
 * Composes every queued mail, as the delivery worker does before it sends, so that a test can read
 * subjects and bodies; returns the database to read them from: composeMail(db).select().from(outbox).
 */
export function composeMail<D extends Db>(db: D): D {
  while (composeQueuedMail(db, testRenderMail(), new Date(), 500) > 0);
  return db;
}
