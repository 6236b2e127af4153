import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from '../../db/schema.ts';
import { residents } from '../residents/residents.schema.ts';
import { dinners } from '../scheduling/scheduling.schema.ts';

const instant = () => integer({ mode: 'timestamp_ms' });

/**
 * invited: mailed, no answer yet · confirmed: has seats · waiting: on the waiting list ·
 * declined: answered no · cancelled: said yes, then cancelled.
 */
export const RSVP_STATUSES = ['invited', 'confirmed', 'waiting', 'declined', 'cancelled'] as const;
export type RsvpStatus = (typeof RSVP_STATUSES)[number];
export const RSVP_SOURCES = ['invitation', 'join', 'staff', 'door'] as const;
export type RsvpSource = (typeof RSVP_SOURCES)[number];
export const CHECK_INS = ['arrived', 'no_show'] as const;
export type CheckIn = (typeof CHECK_INS)[number];

/**
 * One household's invitation and answer for one dinner. Seats count people: `people` is the
 * household size for this dinner. After a resident deletes themselves residentId becomes null
 * and the row stays as an anonymous count.
 */
export const rsvps = sqliteTable(
  'rsvps',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    dinnerId: integer()
      .notNull()
      .references(() => dinners.id, { onDelete: 'cascade' }),
    residentId: integer().references(() => residents.id, { onDelete: 'set null' }),
    // Only for walk-ins added at the door without a resident record.
    walkInName: text(),
    people: integer().notNull().default(0),
    status: text({ enum: RSVP_STATUSES }).notNull(),
    // Order of arrival on the waiting list (1, 2, 3… per dinner); null when not waiting.
    waitSeq: integer(),
    source: text({ enum: RSVP_SOURCES }).notNull(),
    // Staff member who registered the answer on the resident's behalf (phone, paper, door).
    answeredByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    invitedAt: instant(),
    answeredAt: instant(),
    confirmedAt: instant(),
    checkIn: text({ enum: CHECK_INS }),
    checkInAt: instant(),
    createdAt: instant().notNull(),
    updatedAt: instant().notNull(),
  },
  (table) => [
    uniqueIndex('rsvps_dinner_resident_uq').on(table.dinnerId, table.residentId),
    uniqueIndex('rsvps_dinner_wait_uq').on(table.dinnerId, table.waitSeq),
    // Covers the seat count (people per status) that every answer and the capacity trigger sum.
    index('rsvps_dinner_status_people_idx').on(table.dinnerId, table.status, table.people),
    index('rsvps_resident_idx').on(table.residentId),
    check('rsvps_people_range', sql`${table.people} between 0 and 20`),
    check('rsvps_status_known', sql`${table.status} in ('invited', 'confirmed', 'waiting', 'declined', 'cancelled')`),
    check('rsvps_seated_people', sql`${table.status} not in ('confirmed', 'waiting') or ${table.people} >= 1`),
    check('rsvps_wait_seq', sql`(${table.status} = 'waiting') = (${table.waitSeq} is not null)`),
  ],
);
export type Rsvp = typeof rsvps.$inferSelect;

/**
 * A resident's personal link for one dinner. Several may be valid at once (every mail carries a
 * fresh one, because only hashes are stored). They expire after the dinner and are revoked when
 * the resident is deleted.
 */
export const rsvpLinks = sqliteTable(
  'rsvp_links',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    residentId: integer()
      .notNull()
      .references(() => residents.id, { onDelete: 'cascade' }),
    dinnerId: integer()
      .notNull()
      .references(() => dinners.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull().unique(),
    expiresAt: instant().notNull(),
    createdAt: instant().notNull(),
  },
  (table) => [index('rsvp_links_resident_dinner_idx').on(table.residentId, table.dinnerId)],
);

/**
 * Idempotency keys of submitted answer forms: a double-clicked or retried submit finds its key
 * here and records nothing a second time.
 */
export const rsvpSubmissions = sqliteTable('rsvp_submissions', {
  key: text().primaryKey(),
  rsvpId: integer()
    .notNull()
    .references(() => rsvps.id, { onDelete: 'cascade' }),
  createdAt: instant().notNull(),
});

/**
 * An answer through a public dinner's join form, held until the e-mail address is confirmed
 * through the mailed link. `payload` (JSON) holds the form, including any sensitive data the
 * resident consented to; rows are deleted on confirmation or by the retention job once expired.
 */
export const joinRequests = sqliteTable(
  'join_requests',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    dinnerId: integer()
      .notNull()
      .references(() => dinners.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    payload: text().notNull(),
    tokenHash: text().notNull().unique(),
    expiresAt: instant().notNull(),
    createdAt: instant().notNull(),
  },
  (table) => [index('join_requests_email_idx').on(table.email)],
);
