import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from '../../db/schema.ts';
import { residents } from '../residents/residents.schema.ts';
import { rsvps } from '../rsvp/rsvp.schema.ts';
import { dinners, venueTables } from '../scheduling/scheduling.schema.ts';

const instant = () => integer({ mode: 'timestamp_ms' });

export const PLAN_STATUSES = ['draft', 'locked'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * The table plan of one dinner (one per dinner). `problem` is the engine problem the plan was
 * made for (JSON, with consented data only), so a manual change is checked against the same
 * rules the engine used; `plan` is the JSON seating (see seating.service.ts StoredPlan).
 * `version` rises with every change: mails about a locked plan are deduplicated per version.
 */
export const seatingPlans = sqliteTable(
  'seating_plans',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    dinnerId: integer()
      .notNull()
      .references(() => dinners.id, { onDelete: 'cascade' }),
    status: text({ enum: PLAN_STATUSES }).notNull().default('draft'),
    version: integer().notNull().default(1),
    seed: integer().notNull().default(1),
    problem: text().notNull(),
    plan: text().notNull(),
    createdByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    lockedByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    lockedAt: instant(),
    createdAt: instant().notNull(),
    updatedAt: instant().notNull(),
  },
  (table) => [
    uniqueIndex('seating_plans_dinner_uq').on(table.dinnerId),
    check('seating_plans_status_known', sql`${table.status} in ('draft', 'locked')`),
  ],
);
export type SeatingPlanRow = typeof seatingPlans.$inferSelect;

/**
 * Who sat at which table: written when a plan is locked (one row per seated household, the
 * resident who answered standing for it; `people` counts the whole household). This is the
 * history the engine reads as "met before" for later dinners, and what the participation
 * report counts as new connections. resident_id becomes null when a resident is deleted.
 */
export const tableSeats = sqliteTable(
  'table_seats',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    dinnerId: integer()
      .notNull()
      .references(() => dinners.id, { onDelete: 'cascade' }),
    venueTableId: integer()
      .notNull()
      .references(() => venueTables.id, { onDelete: 'cascade' }),
    residentId: integer().references(() => residents.id, { onDelete: 'set null' }),
    rsvpId: integer().references(() => rsvps.id, { onDelete: 'set null' }),
    people: integer().notNull().default(1),
    planVersion: integer().notNull(),
    createdAt: instant().notNull(),
  },
  (table) => [
    index('table_seats_dinner_table_idx').on(table.dinnerId, table.venueTableId),
    index('table_seats_resident_idx').on(table.residentId),
    check('table_seats_people_range', sql`${table.people} between 1 and 20`),
  ],
);
export type TableSeat = typeof tableSeats.$inferSelect;
