import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from '../../db/schema.ts';
import { residents } from '../residents/residents.schema.ts';
import { dinners, venueTables } from '../scheduling/scheduling.schema.ts';

// Instants are integer milliseconds since the epoch (UTC); calendar days are 'YYYY-MM-DD' text.
const instant = () => integer({ mode: 'timestamp_ms' });
const flag = () => integer({ mode: 'boolean' }).notNull().default(false);

export const NOTE_KINDS = ['story', 'idea', 'worry', 'wish'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];
/** Fixed internal codes; labels live in the catalogues (notes:status.<code>). */
export const IDEA_STATUSES = ['new', 'under_review', 'planned', 'in_progress', 'done', 'not_possible'] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];
export const LOCATION_KINDS = ['complex', 'street', 'neighbourhood'] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];
export const NOTE_SOURCES = ['staff', 'resident'] as const;
export type NoteSource = (typeof NOTE_SOURCES)[number];

/**
 * Themes a note can be about. Admins add, rename, reorder and archive them; the codes of the
 * built-in themes have translated labels in the catalogues, added themes show their own labels.
 */
export const noteThemes = sqliteTable(
  'note_themes',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    code: text().notNull().unique(),
    label: text().notNull(),
    labelEn: text().notNull().default(''),
    position: integer().notNull().default(0),
    archivedAt: instant(),
    createdAt: instant().notNull(),
    updatedAt: instant().notNull(),
  },
  (table) => [check('note_themes_code_shape', sql`${table.code} glob '[a-z]*' and length(${table.code}) <= 40`)],
);
export type NoteTheme = typeof noteThemes.$inferSelect;

/**
 * What a dinner produced: a story, idea, worry or wish, for the dinner or one of its tables.
 * Anonymous by default: residentId is set only when the resident agreed to be named.
 * Ideas carry their follow-up ("you said, we did") in the same row, so filters, search and
 * exports read one table.
 */
export const notes = sqliteTable(
  'notes',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    // restrict: a dinner with notes is history and must not vanish with them.
    dinnerId: integer()
      .notNull()
      .references(() => dinners.id, { onDelete: 'restrict' }),
    venueTableId: integer().references(() => venueTables.id, { onDelete: 'set null' }),
    kind: text({ enum: NOTE_KINDS }).notNull(),
    body: text().notNull(),
    locationKind: text({ enum: LOCATION_KINDS }).notNull().default('neighbourhood'),
    // The complex or street name; empty for the whole neighbourhood.
    locationName: text().notNull().default(''),
    // Copied from the venue when recorded: the public page and idea bundles group by it.
    neighbourhood: text().notNull(),
    quote: text().notNull().default(''),
    quoteConsent: flag(),
    residentId: integer().references(() => residents.id, { onDelete: 'set null' }),
    nameConsent: flag(),
    source: text({ enum: NOTE_SOURCES }).notNull().default('staff'),
    recordedByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    // Idea follow-up; status is set for ideas only.
    status: text({ enum: IDEA_STATUSES }),
    statusReason: text().notNull().default(''),
    ownerUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    reviewOn: text(),
    internalNotes: text().notNull().default(''),
    publicAnswer: text().notNull().default(''),
    // Shown (without names) on the neighbourhood's public ideas page.
    isPublic: flag(),
    statusChangedAt: instant(),
    createdAt: instant().notNull(),
    updatedAt: instant().notNull(),
  },
  (table) => [
    // The staff list sorts newest first by id; an index ends in the rowid, so an equality filter on
    // these columns walks the index in id order and stops after one page, without sorting.
    index('notes_dinner_idx').on(table.dinnerId, table.createdAt),
    index('notes_kind_idx').on(table.kind),
    index('notes_status_idx').on(table.status),
    index('notes_neighbourhood_kind_idx').on(table.neighbourhood, table.kind),
    index('notes_neighbourhood_status_idx').on(table.neighbourhood, table.status),
    index('notes_owner_idx').on(table.ownerUserId),
    index('notes_resident_idx').on(table.residentId),
    index('notes_review_idx').on(table.reviewOn),
    check('notes_kind_known', sql`${table.kind} in ('story', 'idea', 'worry', 'wish')`),
    check('notes_location_known', sql`${table.locationKind} in ('complex', 'street', 'neighbourhood')`),
    check('notes_body_length', sql`length(trim(${table.body})) between 1 and 5000`),
    check('notes_status_only_ideas', sql`(${table.kind} = 'idea') = (${table.status} is not null)`),
    check(
      'notes_status_known',
      sql`${table.status} is null or ${table.status} in ('new', 'under_review', 'planned', 'in_progress', 'done', 'not_possible')`,
    ),
    check('notes_not_possible_reason', sql`${table.status} is not 'not_possible' or length(trim(${table.statusReason})) > 0`),
    check('notes_quote_consent', sql`${table.quote} = '' or ${table.quoteConsent} = 1`),
    check('notes_name_consent', sql`${table.residentId} is null or ${table.nameConsent} = 1`),
  ],
);
export type Note = typeof notes.$inferSelect;

export const noteThemeLinks = sqliteTable(
  'note_theme_links',
  {
    noteId: integer()
      .notNull()
      .references(() => notes.id, { onDelete: 'cascade' }),
    themeId: integer()
      .notNull()
      .references(() => noteThemes.id, { onDelete: 'restrict' }),
  },
  (table) => [primaryKey({ columns: [table.noteId, table.themeId] }), index('note_theme_links_theme_idx').on(table.themeId, table.noteId)],
);

/** Every status or public-answer change of an idea, in order: the "you said, we did" history. */
export const ideaStatusChanges = sqliteTable(
  'idea_status_changes',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    noteId: integer()
      .notNull()
      .references(() => notes.id, { onDelete: 'cascade' }),
    fromStatus: text({ enum: IDEA_STATUSES }),
    toStatus: text({ enum: IDEA_STATUSES }).notNull(),
    reason: text().notNull().default(''),
    publicAnswer: text().notNull().default(''),
    changedByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    changedAt: instant().notNull(),
  },
  (table) => [index('idea_status_changes_note_idx').on(table.noteId, table.changedAt)],
);

/** The organiser's report of a dinner: how many came and a short summary. Its absence triggers reminders. */
export const dinnerReports = sqliteTable(
  'dinner_reports',
  {
    dinnerId: integer()
      .primaryKey()
      .references(() => dinners.id, { onDelete: 'cascade' }),
    guestCount: integer(),
    summary: text().notNull().default(''),
    completedByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    completedAt: instant().notNull(),
  },
  (table) => [check('dinner_reports_guest_count', sql`${table.guestCount} is null or ${table.guestCount} between 0 and 5000`)],
);

/**
 * A resident who was at a dinner and asked to hear what happens with its ideas. Withdrawn
 * through the link in every update mail; rows are never rewritten.
 */
export const hearBackConsents = sqliteTable(
  'hear_back_consents',
  {
    dinnerId: integer()
      .notNull()
      .references(() => dinners.id, { onDelete: 'cascade' }),
    residentId: integer()
      .notNull()
      .references(() => residents.id, { onDelete: 'cascade' }),
    givenAt: instant().notNull(),
    withdrawnAt: instant(),
  },
  (table) => [primaryKey({ columns: [table.dinnerId, table.residentId] })],
);

/**
 * A resident's personal link to add their own idea or story to a dinner (mailed a few days
 * afterwards). Only the SHA-256 hash is stored; the link may be used several times until it expires.
 */
export const noteLinks = sqliteTable(
  'note_links',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    dinnerId: integer()
      .notNull()
      .references(() => dinners.id, { onDelete: 'cascade' }),
    residentId: integer()
      .notNull()
      .references(() => residents.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull().unique(),
    expiresAt: instant().notNull(),
    createdAt: instant().notNull(),
  },
  (table) => [index('note_links_resident_dinner_idx').on(table.residentId, table.dinnerId)],
);

export const REFERENCE_DIMENSIONS = ['background', 'age_group', 'street'] as const;
export type ReferenceDimension = (typeof REFERENCE_DIMENSIONS)[number];
/** The categories of the age_group dimension: ages of adults, as the participation report groups them. */
export const AGE_GROUPS = ['18_29', '30_44', '45_64', '65_plus'] as const;

/**
 * Reference figures per neighbourhood that an admin enters (e.g. from public statistics), shown
 * beside the participation mix: the share (0–100 %) of a category in the neighbourhood.
 */
export const referenceFigures = sqliteTable(
  'reference_figures',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    neighbourhood: text().notNull(),
    dimension: text({ enum: REFERENCE_DIMENSIONS }).notNull(),
    category: text().notNull(),
    percent: real().notNull(),
    source: text().notNull().default(''),
    updatedByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    updatedAt: instant().notNull(),
  },
  (table) => [
    uniqueIndex('reference_figures_uq').on(table.neighbourhood, table.dimension, table.category),
    check('reference_figures_dimension_known', sql`${table.dimension} in ('background', 'age_group', 'street')`),
    check('reference_figures_percent_range', sql`${table.percent} between 0 and 100`),
  ],
);
