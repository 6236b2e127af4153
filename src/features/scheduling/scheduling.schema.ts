import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from '../../db/schema.ts';

// Instants are integer milliseconds since the epoch (UTC); calendar days are 'YYYY-MM-DD' text
// in the community's time zone (config.timeZone); wall-clock times are 'HH:MM' text.
const instant = () => integer({ mode: 'timestamp_ms' });
const flag = () => integer({ mode: 'boolean' }).notNull().default(false);

export const KITCHENS = ['none', 'warming', 'full'] as const;
export type Kitchen = (typeof KITCHENS)[number];

/** Community centres, churches, schools: where dinners happen. Archived venues keep their past dinners. */
export const venues = sqliteTable(
  'venues',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    name: text().notNull(),
    address: text().notNull(),
    postcode: text().notNull(),
    city: text().notNull().default(''),
    neighbourhood: text().notNull(),
    contactName: text().notNull().default(''),
    contactPhone: text().notNull().default(''),
    contactEmail: text().notNull().default(''),
    /** Seated capacity: the most guests a dinner here may have. */
    capacity: integer().notNull(),
    kitchen: text({ enum: KITCHENS }).notNull().default('none'),
    stepFree: flag(),
    accessibleToilet: flag(),
    hearingLoop: flag(),
    parking: flag(),
    /** Minutes the venue needs before and after every dinner; bookings may not overlap with them. */
    setupMinutes: integer().notNull().default(0),
    cleanupMinutes: integer().notNull().default(0),
    notes: text().notNull().default(''),
    archivedAt: instant(),
    createdAt: instant().notNull(),
    updatedAt: instant().notNull(),
  },
  (table) => [
    index('venues_neighbourhood_idx').on(table.neighbourhood),
    check('venues_capacity_range', sql`${table.capacity} between 1 and 5000`),
    check('venues_kitchen_known', sql`${table.kitchen} in ('none', 'warming', 'full')`),
    check('venues_margins_range', sql`${table.setupMinutes} between 0 and 600 and ${table.cleanupMinutes} between 0 and 600`),
  ],
);
export type Venue = typeof venues.$inferSelect;

/** The tables a venue has; the matching feature seats households at them. */
export const venueTables = sqliteTable(
  'venue_tables',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    venueId: integer()
      .notNull()
      .references(() => venues.id, { onDelete: 'cascade' }),
    label: text().notNull(),
    seats: integer().notNull(),
    /** Wheelchair-accessible (height, knee room, reachable). */
    accessible: flag(),
    position: integer().notNull().default(0),
  },
  (table) => [index('venue_tables_venue_idx').on(table.venueId), check('venue_tables_seats_range', sql`${table.seats} between 1 and 100`)],
);
export type VenueTable = typeof venueTables.$inferSelect;

/** Opening windows per ISO weekday (1 = Monday … 7 = Sunday); a day may have several. */
export const venueOpeningHours = sqliteTable(
  'venue_opening_hours',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    venueId: integer()
      .notNull()
      .references(() => venues.id, { onDelete: 'cascade' }),
    weekday: integer().notNull(),
    opensAt: text().notNull(),
    /** 'HH:MM', later than opensAt; '24:00' means until midnight. */
    closesAt: text().notNull(),
  },
  (table) => [
    index('venue_opening_hours_venue_idx').on(table.venueId, table.weekday),
    check('venue_opening_hours_weekday_range', sql`${table.weekday} between 1 and 7`),
    check('venue_opening_hours_order', sql`${table.opensAt} < ${table.closesAt}`),
  ],
);
export type VenueOpeningHours = typeof venueOpeningHours.$inferSelect;

/** Closed dates and periods (holidays, renovation), both days inclusive. */
export const venueClosures = sqliteTable(
  'venue_closures',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    venueId: integer()
      .notNull()
      .references(() => venues.id, { onDelete: 'cascade' }),
    startsOn: text().notNull(),
    endsOn: text().notNull(),
    reason: text().notNull().default(''),
  },
  (table) => [
    index('venue_closures_venue_idx').on(table.venueId, table.startsOn),
    check('venue_closures_order', sql`${table.startsOn} <= ${table.endsOn}`),
  ],
);
export type VenueClosure = typeof venueClosures.$inferSelect;

export const SERIES_PATTERNS = ['weekly', 'monthly'] as const;
export type SeriesPattern = (typeof SERIES_PATTERNS)[number];

/**
 * A recurring series: every N weeks, or monthly on the Nth weekday, until a date or for a count.
 * Its occurrences are ordinary rows in `dinners` (seriesId, seriesDate); the rule is kept for
 * display and for editing the rest of the series from a date on.
 */
export const dinnerSeries = sqliteTable(
  'dinner_series',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    pattern: text({ enum: SERIES_PATTERNS }).notNull(),
    /** weekly: every N weeks (1 = every week). */
    intervalWeeks: integer().notNull().default(1),
    /** monthly: 1–4 for first…fourth, -1 for the last such weekday of the month. */
    nthWeek: integer(),
    /** ISO weekday 1–7 of the occurrences. */
    weekday: integer().notNull(),
    firstDate: text().notNull(),
    untilDate: text(),
    occurrenceCount: integer(),
    /** Local start time 'HH:MM' in the community zone: stays 18:00 across daylight-saving changes. */
    startTime: text().notNull(),
    durationMinutes: integer().notNull(),
    /** JSON array of { date, reason } for occurrences skipped because the venue was closed. */
    skippedDates: text().notNull().default('[]'),
    createdByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    createdAt: instant().notNull(),
  },
  (table) => [check('dinner_series_pattern_known', sql`${table.pattern} in ('weekly', 'monthly')`)],
);
export type DinnerSeries = typeof dinnerSeries.$inferSelect;

export const DINNER_STATUSES = ['draft', 'published', 'cancelled', 'completed'] as const;
export type DinnerStatus = (typeof DINNER_STATUSES)[number];
export const VISIBILITIES = ['public', 'invitation'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export const DIETS = ['vegetarian', 'vegan', 'halal', 'kosher', 'no_pork', 'gluten_free', 'lactose_free', 'nut_free'] as const;
export type Diet = (typeof DIETS)[number];

/** One dinner at one venue. Start and end are UTC instants; localDate is its day in the community zone. */
export const dinners = sqliteTable(
  'dinners',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    /** Stable iCalendar UID: the same entry in people's calendars across changes and cancellation. */
    uid: text().notNull().unique(),
    /** iCalendar SEQUENCE: raised on every change that calendars must pick up (time, venue, cancellation). */
    sequence: integer().notNull().default(0),
    venueId: integer()
      .notNull()
      .references(() => venues.id, { onDelete: 'restrict' }),
    seriesId: integer().references(() => dinnerSeries.id, { onDelete: 'set null' }),
    /** The occurrence's original day in its series; with seriesId it identifies the occurrence. */
    seriesDate: text(),
    /** Moved or changed alone: edits to "the rest of the series" leave it as it is. */
    detached: flag(),
    title: text().notNull(),
    theme: text().notNull().default(''),
    description: text().notNull().default(''),
    startsAt: instant().notNull(),
    endsAt: instant().notNull(),
    localDate: text().notNull(),
    capacity: integer().notNull(),
    rsvpDeadline: instant().notNull(),
    minTableSize: integer().notNull().default(4),
    maxTableSize: integer().notNull().default(8),
    /** What will be served (free text). */
    menu: text().notNull().default(''),
    /** JSON array of DIETS the kitchen caters for. */
    diets: text().notNull().default('[]'),
    /** Languages the hosts speak (free text, e.g. "Nederlands, Turks"). */
    languages: text().notNull().default(''),
    /** Host or cook. */
    host: text().notNull().default(''),
    visibility: text({ enum: VISIBILITIES }).notNull().default('public'),
    status: text({ enum: DINNER_STATUSES }).notNull().default('draft'),
    cancelReason: text().notNull().default(''),
    createdByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    createdAt: instant().notNull(),
    updatedAt: instant().notNull(),
  },
  (table) => [
    index('dinners_starts_idx').on(table.startsAt),
    index('dinners_venue_starts_idx').on(table.venueId, table.startsAt),
    index('dinners_public_idx').on(table.visibility, table.status, table.startsAt),
    index('dinners_series_idx').on(table.seriesId, table.seriesDate),
    uniqueIndex('dinners_series_date_uq').on(table.seriesId, table.seriesDate),
    check('dinners_times_order', sql`${table.startsAt} < ${table.endsAt}`),
    check('dinners_capacity_range', sql`${table.capacity} between 1 and 5000`),
    check('dinners_table_sizes', sql`${table.minTableSize} >= 2 and ${table.minTableSize} <= ${table.maxTableSize} and ${table.maxTableSize} <= 30`),
    check('dinners_status_known', sql`${table.status} in ('draft', 'published', 'cancelled', 'completed')`),
    check('dinners_visibility_known', sql`${table.visibility} in ('public', 'invitation')`),
  ],
);
export type Dinner = typeof dinners.$inferSelect;
