import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from '../../db/schema.ts';
import { residents } from '../residents/residents.schema.ts';
import { dinners } from '../scheduling/scheduling.schema.ts';

const instant = () => integer({ mode: 'timestamp_ms' });

export const HOME_ROUND_STATUSES = ['open', 'proposed', 'confirmed'] as const;
export type HomeRoundStatus = (typeof HOME_ROUND_STATUSES)[number];

/**
 * A round of home dinners, attached to a dinner of the agenda (its date, its invitations and
 * the residents' personal links). open: households register · proposed: the engine's matching
 * waits for the organiser's review · confirmed: announced to hosts and guests.
 * `problem` and `proposal` hold the engine's pairs problem and result (JSON).
 */
export const homeRounds = sqliteTable(
  'home_rounds',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    dinnerId: integer()
      .notNull()
      .references(() => dinners.id, { onDelete: 'cascade' }),
    maxDistanceKm: real().notNull().default(3),
    status: text({ enum: HOME_ROUND_STATUSES }).notNull().default('open'),
    problem: text(),
    proposal: text(),
    createdByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    confirmedAt: instant(),
    createdAt: instant().notNull(),
    updatedAt: instant().notNull(),
  },
  (table) => [
    uniqueIndex('home_rounds_dinner_uq').on(table.dinnerId),
    check('home_rounds_status_known', sql`${table.status} in ('open', 'proposed', 'confirmed')`),
    check('home_rounds_distance_range', sql`${table.maxDistanceKm} > 0 and ${table.maxDistanceKm} <= 100`),
  ],
);
export type HomeRound = typeof homeRounds.$inferSelect;

export const HOME_ROLES = ['host', 'guest'] as const;
export type HomeRole = (typeof HOME_ROLES)[number];

/**
 * A household's registration for a round, through its personal link: hosts offer guest seats
 * and the diets they can cook; guests give the diets they need (shared only with their host).
 * Location: coordinates when given, else the postcode's centroid (postcodes.ts).
 */
export const homeRegistrations = sqliteTable(
  'home_registrations',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    roundId: integer()
      .notNull()
      .references(() => homeRounds.id, { onDelete: 'cascade' }),
    residentId: integer()
      .notNull()
      .references(() => residents.id, { onDelete: 'cascade' }),
    role: text({ enum: HOME_ROLES }).notNull(),
    people: integer().notNull().default(1),
    seats: integer().notNull().default(0),
    /** JSON array of DIET_TAGS: hosts, what they can cook; guests, what they need. */
    diets: text().notNull().default('[]'),
    postcode: text().notNull().default(''),
    lat: real(),
    lon: real(),
    createdAt: instant().notNull(),
    updatedAt: instant().notNull(),
  },
  (table) => [
    uniqueIndex('home_registrations_round_resident_uq').on(table.roundId, table.residentId),
    index('home_registrations_resident_idx').on(table.residentId),
    check('home_registrations_role_known', sql`${table.role} in ('host', 'guest')`),
    check('home_registrations_people_range', sql`${table.people} between 1 and 20 and ${table.seats} between 0 and 20`),
  ],
);
export type HomeRegistration = typeof homeRegistrations.$inferSelect;
