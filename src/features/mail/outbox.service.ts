import { and, asc, desc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { outbox, type OutboxRow } from '../../db/schema.ts';
import { newMessageId, type RenderMail } from './mail-renderer.ts';

export type MailAttachment = { filename: string; contentType: string; content: string };
export type MailMessage = {
  to: string;
  locale: string;
  template: string;
  locals: Record<string, unknown>;
  /** Set for mails that must go out once only (reminders): a second enqueue is ignored. */
  dedupeKey?: string;
  attachments?: MailAttachment[];
};

/** Composes mails and queues them; call enqueue inside the transaction that causes the mail. */
export type Mailer = {
  enqueue(tx: DbOrTx, message: MailMessage, now: Date): OutboxRow | undefined;
};

export function createMailer(renderMail: RenderMail, baseUrl: string): Mailer {
  return {
    enqueue(tx, message, now) {
      const rendered = renderMail(message.template, message.locale, message.locals);
      return tx
        .insert(outbox)
        .values({
          messageId: newMessageId(baseUrl),
          dedupeKey: message.dedupeKey ?? null,
          toAddress: message.to,
          locale: message.locale,
          template: message.template,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          attachments: message.attachments ? JSON.stringify(message.attachments) : null,
          nextAttemptAt: now,
          createdAt: now,
        })
        .onConflictDoNothing({ target: outbox.dedupeKey })
        .returning()
        .get();
    },
  };
}

/**
 * Claims up to `limit` due messages for delivery: pending ones whose next attempt is due, and
 * 'sending' ones whose lease ran out (a worker died mid-send). The lease keeps two workers apart.
 */
export function claimDueMessages(db: Db, now: Date, leaseMs: number, limit: number): OutboxRow[] {
  return db.transaction(
    (tx) => {
      const due = tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          or(
            and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)),
            and(eq(outbox.status, 'sending'), lte(outbox.lockedUntil, now)),
          ),
        )
        .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
        .limit(limit)
        .all();
      if (due.length === 0) return [];
      return tx
        .update(outbox)
        .set({
          status: 'sending',
          lockedUntil: new Date(now.getTime() + leaseMs),
          attempts: sql`${outbox.attempts} + 1`,
        })
        .where(inArray(outbox.id, due.map((row) => row.id)))
        .returning()
        .all();
    },
    { behavior: 'immediate' },
  );
}

export function markSent(db: Db, id: number, now: Date): void {
  db.update(outbox).set({ status: 'sent', sentAt: now, lockedUntil: null, lastError: null }).where(eq(outbox.id, id)).run();
}

export function markRetry(db: Db, id: number, nextAttemptAt: Date, error: string): void {
  db.update(outbox)
    .set({ status: 'pending', nextAttemptAt, lockedUntil: null, lastError: error.slice(0, 1000) })
    .where(eq(outbox.id, id))
    .run();
}

export function markFailed(db: Db, id: number, error: string): void {
  db.update(outbox).set({ status: 'failed', lockedUntil: null, lastError: error.slice(0, 1000) }).where(eq(outbox.id, id)).run();
}

/** Newest first, for the mailbox and outbox pages. */
export function listOutbox(db: Db, page: number, pageSize: number) {
  const rows = db
    .select({
      id: outbox.id,
      toAddress: outbox.toAddress,
      subject: outbox.subject,
      status: outbox.status,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
    })
    .from(outbox)
    .orderBy(desc(outbox.id))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize)
    .all();
  return { rows: rows.slice(0, pageSize), hasMore: rows.length > pageSize };
}

export function findOutboxMessage(db: Db, id: number): OutboxRow | undefined {
  return db.select().from(outbox).where(eq(outbox.id, id)).get();
}
