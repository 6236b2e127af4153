import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from '../../db/schema.ts';

// Instants are integer milliseconds since the epoch (UTC), like the shared tables.
const instant = () => integer({ mode: 'timestamp_ms' });

export const RESIDENT_SOURCES = ['staff', 'import', 'join', 'door'] as const;

/**
 * A resident (tenant) and their household. Residents have no account: they act through
 * personal links. Sensitive data (diet, access needs, background) is NOT stored here but in
 * resident_sensitive, and only with a consent per purpose.
 */
export const residents = sqliteTable(
  'residents',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    name: text().notNull(),
    // Lower-cased; unique when present (SQLite allows many NULLs in a unique index).
    email: text().unique(),
    // Digits with an optional leading +, e.g. +31612345678.
    phone: text().unique(),
    locale: text().notNull().default('nl'),
    street: text().notNull().default(''),
    houseNumber: text().notNull().default(''),
    postcode: text().notNull().default(''),
    complex: text().notNull().default(''),
    neighbourhood: text().notNull().default(''),
    adults: integer().notNull().default(1),
    children: integer().notNull().default(0),
    householdNames: text().notNull().default(''),
    // Comma-separated language names or codes, as the resident wrote them.
    languages: text().notNull().default(''),
    // Optional, for the age groups of the participation report; personal but not special-category.
    birthYear: integer(),
    source: text({ enum: RESIDENT_SOURCES }).notNull().default('staff'),
    // The resident asked to keep their sensitive data beyond the retention period.
    keepSensitive: integer({ mode: 'boolean' }).notNull().default(false),
    // Start of the last dinner they were confirmed for; the retention clock starts here.
    lastDinnerAt: instant(),
    createdAt: instant().notNull(),
    updatedAt: instant().notNull(),
  },
  (table) => [
    index('residents_neighbourhood_idx').on(table.neighbourhood),
    index('residents_complex_idx').on(table.complex),
    index('residents_street_idx').on(table.street),
    check('residents_household_ck', sql`${table.adults} >= 0 AND ${table.children} >= 0 AND ${table.adults} + ${table.children} BETWEEN 1 AND 20`),
  ],
);
export type Resident = typeof residents.$inferSelect;
export type NewResident = typeof residents.$inferInsert;

export const DIET_TAGS = ['vegetarian', 'vegan', 'halal', 'kosher', 'no_pork', 'gluten_free', 'lactose_free', 'nut_allergy'] as const;
export type DietTag = (typeof DIET_TAGS)[number];
export const ACCESS_TAGS = ['wheelchair', 'hearing', 'sight'] as const;
export type AccessTag = (typeof ACCESS_TAGS)[number];
export const BACKGROUND_CHOICES = [
  'dutch',
  'moroccan',
  'turkish',
  'surinamese',
  'antillean',
  'polish',
  'ukrainian',
  'syrian',
  'eritrean',
  'other',
  'prefer_not',
] as const;

/**
 * Special-category data (GDPR art. 9: it can reveal origin, religion or health), one row per
 * resident, kept apart from the resident record. Each group is only filled while the consent
 * for its purpose is active; withdrawing a consent nulls the group, the retention job nulls all.
 */
export const residentSensitive = sqliteTable('resident_sensitive', {
  residentId: integer()
    .primaryKey()
    .references(() => residents.id, { onDelete: 'cascade' }),
  // JSON array of DIET_TAGS; each tag stands alone (no hierarchy: vegan does not imply vegetarian).
  diets: text(),
  dietOther: text(),
  // JSON array of ACCESS_TAGS.
  access: text(),
  accessOther: text(),
  // One of BACKGROUND_CHOICES, or free text in the resident's own words in backgroundText.
  background: text(),
  backgroundText: text(),
  updatedAt: instant().notNull(),
});
export type ResidentSensitive = typeof residentSensitive.$inferSelect;

export const CONSENT_PURPOSES = ['diet', 'access', 'background'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const CONSENT_CHANNELS = ['online', 'paper'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

/**
 * Every consent given, per purpose, with the exact wording the resident saw, its version, the time
 * and the channel (online, or entered by staff from a paper form). Withdrawal sets withdrawnAt;
 * rows are never rewritten, so the history stays provable.
 */
export const consents = sqliteTable(
  'consents',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    residentId: integer()
      .notNull()
      .references(() => residents.id, { onDelete: 'cascade' }),
    purpose: text({ enum: CONSENT_PURPOSES }).notNull(),
    textVersion: text().notNull(),
    wording: text().notNull(),
    locale: text().notNull(),
    channel: text({ enum: CONSENT_CHANNELS }).notNull(),
    recordedByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
    givenAt: instant().notNull(),
    withdrawnAt: instant(),
  },
  (table) => [index('consents_resident_idx').on(table.residentId, table.purpose)],
);
export type Consent = typeof consents.$inferSelect;

export const RESIDENT_TOKEN_PURPOSES = ['privacy'] as const;

/**
 * Links that are not tied to a dinner (the "your data and consents" link in every mail).
 * Only the SHA-256 hash is stored.
 */
export const residentTokens = sqliteTable(
  'resident_tokens',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    residentId: integer()
      .notNull()
      .references(() => residents.id, { onDelete: 'cascade' }),
    purpose: text({ enum: RESIDENT_TOKEN_PURPOSES }).notNull(),
    tokenHash: text().notNull().unique(),
    expiresAt: instant().notNull(),
    createdAt: instant().notNull(),
  },
  (table) => [index('resident_tokens_resident_idx').on(table.residentId)],
);

/** A saved audience (e.g. "Seniors in De Linde"), chosen by organisers when inviting. */
export const residentLists = sqliteTable('resident_lists', {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull().unique(),
  createdByUserId: integer().references(() => users.id, { onDelete: 'set null' }),
  createdAt: instant().notNull(),
});

export const residentListMembers = sqliteTable(
  'resident_list_members',
  {
    listId: integer()
      .notNull()
      .references(() => residentLists.id, { onDelete: 'cascade' }),
    residentId: integer()
      .notNull()
      .references(() => residents.id, { onDelete: 'cascade' }),
  },
  (table) => [primaryKey({ columns: [table.listId, table.residentId] }), uniqueIndex('resident_list_members_resident_idx').on(table.residentId, table.listId)],
);

/**
 * A "my data" file a resident asked for through their link, waiting to be downloaded once, in the
 * browser that asked (only the hash of that browser's cookie is stored). Deleted on download;
 * the retention job deletes what was never fetched once it expired (24 hours).
 */
export const dataBundles = sqliteTable(
  'data_bundles',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    residentId: integer()
      .notNull()
      .references(() => residents.id, { onDelete: 'cascade' }),
    cookieHash: text().notNull().unique(),
    // The prepared JSON; personal data, hence the short life.
    content: text().notNull(),
    createdAt: instant().notNull(),
    expiresAt: instant().notNull(),
  },
  (table) => [index('data_bundles_resident_idx').on(table.residentId), index('data_bundles_expires_idx').on(table.expiresAt)],
);
