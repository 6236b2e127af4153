import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import { preparedQuery, writeTransaction, type Db, type DbOrTx } from '../../db/client.ts';
import { outbox, type OutboxRow } from '../../db/schema.ts';
import { recordAudit } from '../audit/audit.service.ts';
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

/** Queues mails; call enqueue inside the transaction that causes the mail. */
export type Mailer = {
  enqueue(tx: DbOrTx, message: MailMessage, now: Date): OutboxRow | undefined;
};

// One plain address: no display name, no quotes, no whitespace or line breaks. Forms validate
// addresses already (lib/forms.ts emailField); this keeps a header injection out of the outbox
// even when a future caller forgets to.
const PLAIN_ADDRESS = /^[^\s"<>(),;:\\@]+@[^\s"<>(),;:\\@]+$/;

/**
 * The transaction that causes a mail stores its template and values; the delivery worker composes
 * subject and bodies from them (composeQueuedMail). Rendering inside the transaction was most of
 * a resident's answer (bench/rsvp, ADR 010), and nothing in a mail depends on the moment it is
 * composed: every value it shows is taken when it is queued.
 */
export function createMailer(baseUrl: string): Mailer {
  return {
    enqueue(tx, message, now) {
      if (!PLAIN_ADDRESS.test(message.to)) throw new Error(`Refusing to queue mail to an invalid address: ${JSON.stringify(message.to)}`);
      if (!/^[a-z0-9-]+$/.test(message.template)) throw new Error(`Invalid mail template name: ${message.template}`);
      return insertMessageQuery(tx).get({
        messageId: newMessageId(baseUrl),
        dedupeKey: message.dedupeKey ?? null,
        toAddress: message.to,
        locale: message.locale,
        template: message.template,
        locals: JSON.stringify(message.locals),
        attachments: message.attachments ? JSON.stringify(message.attachments) : null,
        nextAttemptAt: now,
        createdAt: now,
      });
    },
  };
}

const insertMessageQuery = preparedQuery((db) =>
  db
    .insert(outbox)
    .values({
      messageId: sql.placeholder('messageId'),
      dedupeKey: sql.placeholder('dedupeKey'),
      toAddress: sql.placeholder('toAddress'),
      locale: sql.placeholder('locale'),
      template: sql.placeholder('template'),
      subject: '',
      html: '',
      text: '',
      locals: sql.placeholder('locals'),
      attachments: sql.placeholder('attachments'),
      nextAttemptAt: sql.placeholder('nextAttemptAt'),
      createdAt: sql.placeholder('createdAt'),
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning()
    .prepare(),
);

/**
 * Composes up to `limit` queued mails: renders subject and bodies from their stored values and
 * stores them in one transaction (rendering happens before it, so the write lock is held briefly).
 * A mail that cannot be composed (a template error) is failed at once: retrying cannot help.
 * Returns how many mails were composed or failed.
 */
export function composeQueuedMail(db: Db, renderMail: RenderMail, now: Date, limit = 50): number {
  const queued = db
    .select({ id: outbox.id, template: outbox.template, locale: outbox.locale, locals: outbox.locals })
    .from(outbox)
    .where(isNotNull(outbox.locals))
    .orderBy(asc(outbox.id))
    .limit(limit)
    .all();
  const composed = queued.map((row) => {
    try {
      return { id: row.id, mail: renderMail(row.template, row.locale, JSON.parse(row.locals!) as Record<string, unknown>) };
    } catch (error) {
      return { id: row.id, error: error instanceof Error ? error.message : String(error) };
    }
  });
  writeTransaction(db, (tx) => {
    for (const item of composed) {
      const stillQueued = and(eq(outbox.id, item.id), isNotNull(outbox.locals));
      if ('mail' in item) {
        tx.update(outbox).set({ ...item.mail, locals: null }).where(stillQueued).run();
        continue;
      }
      const failed = tx.update(outbox).set({ status: 'failed', locals: null, lastError: `could not compose: ${item.error}`.slice(0, 1000) }).where(stillQueued).run();
      if (failed.changes > 0) recordAudit(tx, { actorUserId: null, action: 'mail.failed', objectType: 'outbox', objectId: item.id }, now);
    }
  });
  return composed.length;
}

/**
 * Claims up to `limit` due messages for delivery: pending ones whose next attempt is due, and
 * 'sending' ones whose lease ran out (a worker died mid-send). The lease keeps two workers apart.
 */
export function claimDueMessages(db: Db, now: Date, leaseMs: number, limit: number): OutboxRow[] {
  return writeTransaction(db, (tx) => {
    // Two queries that each walk the (status, next attempt) index in order and stop at `limit`:
    // one query with OR sorted every due message on each claim, which a backlog made slow.
    const due = [...duePendingQuery(tx).all({ now: now.getTime(), limit }), ...expiredLeaseQuery(tx).all({ now: now.getTime(), limit })]
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id)
      .slice(0, limit);
    const lockedUntil = now.getTime() + leaseMs;
    return due.map((row) => claimQuery(tx).get({ id: row.id, lockedUntil })!);
  });
}

const firstDue = (db: DbOrTx, status: 'pending' | 'sending', dueColumn: typeof outbox.nextAttemptAt | typeof outbox.lockedUntil) =>
  db
    .select({ id: outbox.id, nextAttemptAt: outbox.nextAttemptAt })
    .from(outbox)
    .where(and(eq(outbox.status, status), lte(dueColumn, sql.placeholder('now')), isNull(outbox.locals)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(sql.placeholder('limit'))
    .prepare();
const duePendingQuery = preparedQuery((db) => firstDue(db, 'pending', outbox.nextAttemptAt));
const expiredLeaseQuery = preparedQuery((db) => firstDue(db, 'sending', outbox.lockedUntil));
const claimQuery = preparedQuery((db) =>
  db
    .update(outbox)
    .set({ status: 'sending', lockedUntil: sql`${sql.placeholder('lockedUntil')}`, attempts: sql`${outbox.attempts} + 1` })
    .where(eq(outbox.id, sql.placeholder('id')))
    .returning()
    .prepare(),
);

/**
 * Without SMTP the mailbox page is the delivery (development, demo): up to `limit` due, composed
 * mails are marked sent as they are, links intact, in one statement. Returns how many.
 */
export function deliverToMailbox(db: Db, now: Date, limit: number): number {
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now), isNull(outbox.locals)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(limit);
  return db
    .update(outbox)
    .set({ status: 'sent', sentAt: now, attempts: sql`${outbox.attempts} + 1`, lockedUntil: null, lastError: null })
    .where(inArray(outbox.id, due))
    .run().changes;
}

/**
 * Records a delivery. A message that another worker already recorded as sent keeps its first
 * sent time (it can be delivered twice after a crash, with the same Message-ID).
 */
export function markSent(db: Db, id: number, now: Date, keptCopy?: KeptCopy): void {
  if (keptCopy) markSentWithCopyQuery(db).run({ id, sentAt: now.getTime(), ...keptCopy });
  else markSentQuery(db).run({ id, sentAt: now.getTime() });
}

// drizzle's types take no placeholder in an update's set: these go in wrapped, in stored form (ms for instants).
const sentColumns = { status: 'sent', sentAt: sql`${sql.placeholder('sentAt')}`, lockedUntil: null, lastError: null } as const;
const markSentQuery = preparedQuery((db) =>
  db
    .update(outbox)
    .set(sentColumns)
    .where(and(eq(outbox.id, sql.placeholder('id')), ne(outbox.status, 'sent')))
    .prepare(),
);
const markSentWithCopyQuery = preparedQuery((db) =>
  db
    .update(outbox)
    .set({ ...sentColumns, html: sql`${sql.placeholder('html')}`, text: sql`${sql.placeholder('text')}`, attachments: sql`${sql.placeholder('attachments')}` })
    .where(and(eq(outbox.id, sql.placeholder('id')), ne(outbox.status, 'sent')))
    .prepare(),
);

type KeptCopy = Pick<OutboxRow, 'html' | 'text' | 'attachments'>;

// The token of a personal link: 43 base64url characters after a slash (lib/tokens.ts).
const LINK_TOKEN = /(?<=\/)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

/**
 * The copy of a delivered mail that stays in the outbox, with the tokens of its links taken out:
 * the database keeps only hashes of tokens (TEST-PLAN E1), so after delivery a backup or an admin
 * reading the outbox holds no working link of a resident. Until delivery the mail needs them.
 */
export function withoutLinkTokens(row: KeptCopy): KeptCopy {
  const strip = (value: string) => value.replace(LINK_TOKEN, '…');
  return { html: strip(row.html), text: strip(row.text), attachments: row.attachments === null ? null : strip(row.attachments) };
}

/**
 * Only the worker holding the current claim may record a failed attempt: `attempt` is the row's
 * attempt count at claim time. A worker whose lease ran out while it waited on a slow server must
 * not put a message back in the queue that another worker has since delivered.
 */
function ownClaim(id: number, attempt: number | undefined) {
  return and(eq(outbox.id, id), eq(outbox.status, 'sending'), attempt === undefined ? undefined : eq(outbox.attempts, attempt));
}

/** Puts a message back in the queue after a temporary failure, to be tried at nextAttemptAt. */
export function markRetry(db: Db, id: number, nextAttemptAt: Date, error: string, attempt?: number): void {
  db.update(outbox)
    .set({ status: 'pending', nextAttemptAt, lockedUntil: null, lastError: error.slice(0, 1000) })
    .where(ownClaim(id, attempt))
    .run();
}

/** Gives up on a message (permanent SMTP refusal or too many attempts) and records it in the audit log. */
export function markFailed(db: Db, id: number, error: string, now: Date, attempt?: number): void {
  writeTransaction(db, (tx) => {
    const message = tx.select({ html: outbox.html, text: outbox.text, attachments: outbox.attachments }).from(outbox).where(eq(outbox.id, id)).get();
    if (!message) return;
    // A mail that will never go out keeps no working link either.
    const changed = tx
      .update(outbox)
      .set({ status: 'failed', lockedUntil: null, lastError: error.slice(0, 1000), ...withoutLinkTokens(message) })
      .where(ownClaim(id, attempt))
      .run();
    if (changed.changes === 0) return;
    recordAudit(tx, { actorUserId: null, action: 'mail.failed', objectType: 'outbox', objectId: id }, now);
  });
}

/** Sent mail keeps its bodies this long; after that only the delivery record remains. */
export const MAIL_BODY_RETENTION_MS = 30 * 24 * 60 * 60_000;

/**
 * Retention: clears the HTML and text (and attachments) of mails delivered more than 30 days
 * ago. The row stays as the delivery record (recipient, subject, status, Message-ID, times).
 * Returns how many messages were cleared. Pending and failed mail keeps its bodies.
 */
export function clearOldMailBodies(db: Db, now: Date, retentionMs = MAIL_BODY_RETENTION_MS): number {
  const cutoff = new Date(now.getTime() - retentionMs);
  return db
    .update(outbox)
    .set({ html: '', text: '', attachments: null })
    .where(
      and(
        eq(outbox.status, 'sent'),
        lt(outbox.sentAt, cutoff),
        or(ne(outbox.html, ''), ne(outbox.text, ''), isNotNull(outbox.attachments)),
      ),
    )
    .run().changes;
}

/** Newest first, for the mailbox and outbox pages. */
export function listOutbox(db: Db, page: number, pageSize: number) {
  const rows = db
    .select({
      id: outbox.id,
      toAddress: outbox.toAddress,
      subject: outbox.subject,
      template: outbox.template,
      composing: sql<boolean>`${outbox.locals} is not null`.mapWith(Boolean),
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
