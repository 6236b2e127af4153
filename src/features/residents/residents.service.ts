import { and, asc, count, eq, isNull, or, sql } from 'drizzle-orm';
import type { i18n as I18nInstance } from 'i18next';
import { preparedQuery, writeTransaction, type Db, type DbOrTx } from '../../db/client.ts';
import { isLocale, translatorFor } from '../../i18n/i18n.ts';
import { conflict } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { noteLinks } from '../notes/notes.schema.ts';
import { revokeLinks } from '../rsvp/rsvp.service.ts';
import type { ResidentInput, SensitiveInput } from './residents.forms.ts';
import {
  CONSENT_PURPOSES,
  consents,
  residentListMembers,
  residentLists,
  residents,
  residentSensitive,
  residentTokens,
  type ConsentChannel,
  type ConsentPurpose,
  type Resident,
  type ResidentSensitive,
} from './residents.schema.ts';

/** Raised whenever the consent texts change in wording or meaning; stored with every consent. */
export const CONSENT_TEXT_VERSION = '2026-11-v1';

/** The exact sentence a resident agrees to, in their language; stored with the consent. */
export function consentWording(i18n: I18nInstance, locale: string, purpose: ConsentPurpose): string {
  const lng = isLocale(locale) ? locale : 'nl';
  return String(translatorFor(i18n, lng)(`residents:consent.${purpose}`));
}

/** Inserts a resident; an e-mail address or phone number already in use is a 409 the form can show. */
export function createResident(tx: DbOrTx, input: ResidentInput, source: Resident['source'], now: Date): Resident {
  assertContactFree(tx, input, null);
  return tx
    .insert(residents)
    .values({ ...residentColumns(input), source, createdAt: now, updatedAt: now })
    .returning()
    .get();
}

function residentColumns(input: ResidentInput) {
  return {
    name: input.name,
    email: input.email,
    phone: input.phone,
    locale: input.locale,
    street: input.street,
    houseNumber: input.houseNumber,
    postcode: input.postcode,
    complex: input.complex,
    neighbourhood: input.neighbourhood,
    adults: input.adults,
    children: input.children,
    householdNames: input.householdNames,
    languages: input.languages,
    birthYear: input.birthYear,
  };
}

function assertContactFree(tx: DbOrTx, input: { email: string | null; phone: string | null }, ownId: number | null): void {
  if (input.email) {
    const other = tx.select({ id: residents.id }).from(residents).where(eq(residents.email, input.email)).get();
    if (other && other.id !== ownId) throw conflict('email_taken', 'residents:errors.emailTaken');
  }
  if (input.phone) {
    const other = tx.select({ id: residents.id }).from(residents).where(eq(residents.phone, input.phone)).get();
    if (other && other.id !== ownId) throw conflict('phone_taken', 'residents:errors.phoneTaken');
  }
}

/** Adds a resident by hand (organiser or staff) and records it in the audit log. */
export function addResident(db: Db, input: ResidentInput, actorId: number, now: Date): Resident {
  return writeTransaction(db, (tx) => {
    const resident = createResident(tx, input, 'staff', now);
    recordAudit(tx, { actorUserId: actorId, action: 'residents.created', objectType: 'resident', objectId: resident.id }, now);
    return resident;
  });
}

export function updateResident(db: Db, id: number, input: ResidentInput, actorId: number | null, now: Date): Resident | undefined {
  // IMMEDIATE: the check that the address is free and the write must see the same database.
  return writeTransaction(db, (tx) => {
    assertContactFree(tx, input, id);
    const before = tx.select({ email: residents.email }).from(residents).where(eq(residents.id, id)).get();
    const updated = tx
      .update(residents)
      .set({ ...residentColumns(input), updatedAt: now })
      .where(eq(residents.id, id))
      .returning()
      .get();
    if (updated) recordAudit(tx, { actorUserId: actorId, action: 'residents.updated', objectType: 'resident', objectId: id }, now);
    // Links mailed to the old address must stop working there (TEST-PLAN E8).
    if (updated && before?.email !== updated.email) {
      revokeLinks(tx, id);
      tx.delete(noteLinks).where(eq(noteLinks.residentId, id)).run();
      tx.delete(residentTokens).where(eq(residentTokens.residentId, id)).run();
    }
    return updated;
  });
}

export function findResident(db: DbOrTx, id: number): Resident | undefined {
  return residentQuery(db).get({ id });
}

const residentQuery = preparedQuery((db) => db.select().from(residents).where(eq(residents.id, sql.placeholder('id'))).prepare());

export function findResidentByEmail(db: DbOrTx, email: string): Resident | undefined {
  return db.select().from(residents).where(eq(residents.email, email)).get();
}

export type ResidentListRow = Pick<Resident, 'id' | 'name' | 'email' | 'phone' | 'street' | 'houseNumber' | 'complex' | 'neighbourhood' | 'adults' | 'children'>;

/** One page of residents, by name, optionally filtered by a search text and a neighbourhood. */
export function listResidents(db: Db, filter: { q: string; neighbourhood: string }, page: number, pageSize: number) {
  const conditions = filterConditions(filter);
  const rows = db
    .select({
      id: residents.id,
      name: residents.name,
      email: residents.email,
      phone: residents.phone,
      street: residents.street,
      houseNumber: residents.houseNumber,
      complex: residents.complex,
      neighbourhood: residents.neighbourhood,
      adults: residents.adults,
      children: residents.children,
    })
    .from(residents)
    .where(and(...conditions))
    .orderBy(asc(residents.name), asc(residents.id))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize)
    .all();
  return { rows: rows.slice(0, pageSize) as ResidentListRow[], hasMore: rows.length > pageSize };
}

/** The distinct neighbourhoods, complexes and streets, for audience choices and filters. */
export function listAudienceValues(db: Db) {
  const distinct = (column: typeof residents.neighbourhood | typeof residents.complex | typeof residents.street) =>
    db
      .selectDistinct({ value: column })
      .from(residents)
      .where(sql`${column} <> ''`)
      .orderBy(asc(column))
      .all()
      .map((row) => row.value);
  return { neighbourhoods: distinct(residents.neighbourhood), complexes: distinct(residents.complex), streets: distinct(residents.street) };
}

export function countResidents(db: Db): number {
  return db.select({ n: count() }).from(residents).get()?.n ?? 0;
}

export type SensitiveView = {
  diets: string[];
  dietOther: string;
  access: string[];
  accessOther: string;
  background: string;
  backgroundText: string;
  consent: Record<ConsentPurpose, boolean>;
};

/** A tag column (diets, access needs), stored as a JSON array of strings; anything else reads as no tags. */
export function parseTagList(json: string | null | undefined): string[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

const activeConsentsQuery = preparedQuery((db) =>
  db
    .select({ purpose: consents.purpose })
    .from(consents)
    .where(and(eq(consents.residentId, sql.placeholder('residentId')), isNull(consents.withdrawnAt)))
    .prepare(),
);

export function activeConsents(db: DbOrTx, residentId: number): Record<ConsentPurpose, boolean> {
  const rows = activeConsentsQuery(db).all({ residentId });
  const result = { diet: false, access: false, background: false };
  for (const row of rows) result[row.purpose] = true;
  return result;
}

/** The sensitive data as forms and the resident's own page show it (never on lists other people see). */
export function findSensitive(db: DbOrTx, residentId: number): SensitiveView {
  const row: ResidentSensitive | undefined = db.select().from(residentSensitive).where(eq(residentSensitive.residentId, residentId)).get();
  return {
    diets: parseTagList(row?.diets),
    dietOther: row?.dietOther ?? '',
    access: parseTagList(row?.access),
    accessOther: row?.accessOther ?? '',
    background: row?.background ?? '',
    backgroundText: row?.backgroundText ?? '',
    consent: activeConsents(db, residentId),
  };
}

export type ConsentContext = { channel: ConsentChannel; locale: string; actorUserId: number | null; i18n: I18nInstance };

/**
 * Stores sensitive data together with its consents. Per purpose: a ticked consent is recorded
 * (wording, version, time, channel) if not already active and its values are stored; an unticked
 * consent is withdrawn and its values are removed. Values without consent are never stored.
 */
export function saveSensitive(tx: DbOrTx, residentId: number, input: SensitiveInput, context: ConsentContext, now: Date): void {
  const wanted: Record<ConsentPurpose, boolean> = { diet: input.consentDiet, access: input.consentAccess, background: input.consentBackground };
  const active = activeConsents(tx, residentId);
  // Nothing given and nothing to withdraw: values only exist under an active consent, so there is
  // nothing to store or delete (the common case of a plain yes/no answer).
  if (!CONSENT_PURPOSES.some((purpose) => wanted[purpose] || active[purpose])) return;
  for (const purpose of CONSENT_PURPOSES) {
    if (wanted[purpose] && !active[purpose]) {
      tx.insert(consents)
        .values({
          residentId,
          purpose,
          textVersion: CONSENT_TEXT_VERSION,
          wording: consentWording(context.i18n, context.locale, purpose),
          locale: isLocale(context.locale) ? context.locale : 'nl',
          channel: context.channel,
          recordedByUserId: context.actorUserId,
          givenAt: now,
        })
        .run();
    } else if (!wanted[purpose] && active[purpose]) {
      tx.update(consents)
        .set({ withdrawnAt: now })
        .where(and(eq(consents.residentId, residentId), eq(consents.purpose, purpose), isNull(consents.withdrawnAt)))
        .run();
    }
  }
  const values = {
    diets: wanted.diet && input.diets.length > 0 ? JSON.stringify(input.diets) : null,
    dietOther: wanted.diet && input.dietOther ? input.dietOther : null,
    access: wanted.access && input.access.length > 0 ? JSON.stringify(input.access) : null,
    accessOther: wanted.access && input.accessOther ? input.accessOther : null,
    background: wanted.background && input.background ? input.background : null,
    backgroundText: wanted.background && input.backgroundText ? input.backgroundText : null,
  };
  if (Object.values(values).every((value) => value === null)) {
    // Nothing (left) to keep: no row at all, rather than a row of empty columns.
    tx.delete(residentSensitive).where(eq(residentSensitive.residentId, residentId)).run();
    return;
  }
  tx.insert(residentSensitive)
    .values({ residentId, ...values, updatedAt: now })
    .onConflictDoUpdate({ target: residentSensitive.residentId, set: { ...values, updatedAt: now } })
    .run();
}

const PURPOSE_COLUMNS: Record<ConsentPurpose, Partial<Record<'diets' | 'dietOther' | 'access' | 'accessOther' | 'background' | 'backgroundText', null>>> = {
  diet: { diets: null, dietOther: null },
  access: { access: null, accessOther: null },
  background: { background: null, backgroundText: null },
};

/** Withdraws consents (one purpose or all) and removes the data they covered, at once. */
export function withdrawConsents(db: Db, residentId: number, purposes: readonly ConsentPurpose[], actorUserId: number | null, now: Date): void {
  writeTransaction(db, (tx) => {
    for (const purpose of purposes) {
      tx.update(consents)
        .set({ withdrawnAt: now })
        .where(and(eq(consents.residentId, residentId), eq(consents.purpose, purpose), isNull(consents.withdrawnAt)))
        .run();
      tx.update(residentSensitive).set({ ...PURPOSE_COLUMNS[purpose], updatedAt: now }).where(eq(residentSensitive.residentId, residentId)).run();
    }
    tx.delete(residentSensitive)
      .where(
        and(
          eq(residentSensitive.residentId, residentId),
          sql`coalesce(${residentSensitive.diets}, ${residentSensitive.dietOther}, ${residentSensitive.access}, ${residentSensitive.accessOther}, ${residentSensitive.background}, ${residentSensitive.backgroundText}) is null`,
        ),
      )
      .run();
    recordAudit(tx, { actorUserId, action: 'residents.consent_withdrawn', objectType: 'resident', objectId: residentId, details: { purposes } }, now);
  });
}

/** The resident's choice to keep their sensitive data after the retention period. */
export function setKeepSensitive(db: Db, residentId: number, keep: boolean, now: Date): void {
  db.update(residents).set({ keepSensitive: keep, updatedAt: now }).where(eq(residents.id, residentId)).run();
}

/**
 * Saves the rows of a confirmed import preview, all or nothing: one transaction, and a contact
 * taken since the preview (someone added the same e-mail meanwhile) fails the whole import.
 */
export function importResidents(db: Db, inputs: ResidentInput[], actorId: number, now: Date): number {
  return writeTransaction(db, (tx) => {
    for (const input of inputs) createResident(tx, input, 'import', now);
    recordAudit(tx, { actorUserId: actorId, action: 'residents.imported', details: { count: inputs.length } }, now);
    return inputs.length;
  });
}

/** The residents list's search (name, e-mail, street) and neighbourhood filter as SQL conditions. */
export function filterConditions(filter: { q: string; neighbourhood: string }) {
  const conditions = [];
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      or(
        sql`${residents.name} LIKE ${pattern} ESCAPE '\\'`,
        sql`${residents.email} LIKE ${pattern} ESCAPE '\\'`,
        sql`${residents.street} LIKE ${pattern} ESCAPE '\\'`,
      ),
    );
  }
  if (filter.neighbourhood) conditions.push(eq(residents.neighbourhood, filter.neighbourhood));
  return conditions;
}

/** Saves every resident matching a filter (all pages) as a named audience for invitations. */
export function saveResidentList(db: Db, name: string, filter: { q: string; neighbourhood: string }, actorId: number, now: Date): { id: number; members: number } {
  return writeTransaction(db, (tx) => {
    if (tx.select({ id: residentLists.id }).from(residentLists).where(eq(residentLists.name, name)).get()) throw conflict('list_name_taken', 'residents:list.savedNameTaken');
    const list = tx.insert(residentLists).values({ name, createdByUserId: actorId, createdAt: now }).returning({ id: residentLists.id }).get();
    const members = tx.select({ id: residents.id }).from(residents).where(and(...filterConditions(filter))).all();
    for (const member of members) tx.insert(residentListMembers).values({ listId: list.id, residentId: member.id }).run();
    recordAudit(tx, { actorUserId: actorId, action: 'residents.list_saved', objectType: 'resident_list', objectId: list.id, details: { members: members.length } }, now);
    return { id: list.id, members: members.length };
  });
}

/** Saved lists with their sizes, for the residents page. */
export function listSavedLists(db: Db) {
  return db
    .select({ id: residentLists.id, name: residentLists.name, members: sql<number>`(select count(*) from resident_list_members m where m.list_id = ${residentLists.id})` })
    .from(residentLists)
    .orderBy(asc(residentLists.name))
    .all();
}
