import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// Instants are integer milliseconds since the epoch (UTC); calendar days are 'YYYY-MM-DD' text.
const instant = () => integer({ mode: 'timestamp_ms' });

export const ROLES = ['organiser', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Staff accounts (organisers, staff, admins). Residents never have an account. */
export const users = sqliteTable('users', {
  id: integer().primaryKey({ autoIncrement: true }),
  email: text().notNull().unique(),
  name: text().notNull(),
  passwordHash: text(),
  locale: text().notNull().default('nl'),
  disabledAt: instant(),
  createdAt: instant().notNull(),
});
export type User = typeof users.$inferSelect;

export const userRoles = sqliteTable(
  'user_roles',
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text({ enum: ROLES }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.role] })],
);

/** Server-side sessions; the cookie holds a random id, the table only its SHA-256 hash. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: instant().notNull(),
    lastSeenAt: instant().notNull(),
  },
  (table) => [index('sessions_user_idx').on(table.userId)],
);

export const TOKEN_PURPOSES = ['password_reset', 'invitation'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** Single-use links for staff accounts (invitation, forgotten password); only hashes are stored. */
export const userTokens = sqliteTable(
  'user_tokens',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text({ enum: TOKEN_PURPOSES }).notNull(),
    tokenHash: text().notNull().unique(),
    expiresAt: instant().notNull(),
    usedAt: instant(),
    createdAt: instant().notNull(),
  },
  (table) => [index('user_tokens_user_idx').on(table.userId)],
);

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * Every e-mail is written here in the same transaction as the change that causes it;
 * the outbox worker delivers it after commit and records each attempt.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    // Stable Message-ID, so a retry after a crash is recognisable as the same message.
    messageId: text().notNull().unique(),
    // Makes "send once" mails (reminders) idempotent across restarts; null for ordinary mail.
    dedupeKey: text().unique(),
    toAddress: text().notNull(),
    locale: text().notNull(),
    template: text().notNull(),
    // Subject and bodies are composed from `locals` by the delivery worker, not in the transaction
    // that queues the mail (composeQueuedMail): empty until then.
    subject: text().notNull(),
    html: text().notNull(),
    text: text().notNull(),
    // JSON of the template's values until the mail is composed, then null.
    locals: text(),
    // JSON array of { filename, contentType, content } (content as UTF-8 text).
    attachments: text(),
    status: text({ enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: instant().notNull(),
    lockedUntil: instant(),
    lastError: text(),
    createdAt: instant().notNull(),
    sentAt: instant(),
  },
  (table) => [
    index('outbox_due_idx').on(table.status, table.nextAttemptAt),
    index('outbox_uncomposed_idx').on(table.id).where(sql`${table.locals} is not null`),
  ],
);
export type OutboxRow = typeof outbox.$inferSelect;

/** Append-only record of security-relevant actions; triggers refuse UPDATE and DELETE. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: instant().notNull(),
    actorUserId: integer(),
    action: text().notNull(),
    objectType: text(),
    objectId: text(),
    details: text(),
  },
  (table) => [index('audit_events_at_idx').on(table.at)],
);
export type AuditEvent = typeof auditEvents.$inferSelect;
