import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { writeTransaction, type Db, type DbOrTx, type Tx } from '../../db/client.ts';
import { userRoles, users } from '../../db/schema.ts';
import { AppError, conflict, notFound } from '../../lib/errors.ts';
import { hashToken, newToken } from '../../lib/tokens.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import { residents } from '../residents/residents.schema.ts';
import { dinners, venues, venueTables } from '../scheduling/scheduling.schema.ts';
import type { BulkStatusInput, FollowUpInput, NoteFilter, NoteInput, NoteSort, ReportInput, ResidentNoteInput, ThemeEditInput, ThemeInput } from './notes.forms.ts';
import { listIdeaUpdateRecipients } from './notes-recipients.ts';
import {
  dinnerReports,
  hearBackConsents,
  ideaStatusChanges,
  noteLinks,
  notes,
  noteThemeLinks,
  noteThemes,
  type IdeaStatus,
  type Note,
  type NoteTheme,
} from './notes.schema.ts';

const DAY_MS = 86_400_000;
/** How long a personal "add your idea" link works. */
export const NOTE_LINK_DAYS = 30;

/** A form-level problem the service found (an archived theme, a table of another venue): shown at its field with 422. */
export class NoteFieldError extends AppError {
  constructor(
    readonly field: string,
    messageKey: string,
  ) {
    super(422, 'note_field', messageKey);
  }
}

// ---------------------------------------------------------------- themes

/** Themes in their display order; archived ones only when asked (the admin page). */
export function listThemes(db: DbOrTx, options: { includeArchived?: boolean } = {}): NoteTheme[] {
  return db
    .select()
    .from(noteThemes)
    .where(options.includeArchived ? undefined : isNull(noteThemes.archivedAt))
    .orderBy(asc(noteThemes.position), asc(noteThemes.id))
    .all();
}

/** Adds a theme; its code is fixed afterwards (exports and filters use it). */
export function createTheme(db: Db, input: ThemeInput, actorId: number, now: Date): NoteTheme {
  return writeTransaction(db, (tx) => {
    const existing = tx.select({ id: noteThemes.id }).from(noteThemes).where(eq(noteThemes.code, input.code)).get();
    if (existing) throw new NoteFieldError('code', 'notes:errors.themeCodeTaken');
    const theme = tx
      .insert(noteThemes)
      .values({ code: input.code, label: input.label, labelEn: input.labelEn, position: input.position, createdAt: now, updatedAt: now })
      .returning()
      .get();
    recordAudit(tx, { actorUserId: actorId, action: 'notes.theme_created', objectType: 'note_theme', objectId: theme.id, details: { code: theme.code } }, now);
    return theme;
  });
}

/** Renames, reorders or archives a theme. Archived themes stay on old notes but cannot be chosen. */
export function updateTheme(db: Db, themeId: number, input: ThemeEditInput, actorId: number, now: Date): void {
  writeTransaction(db, (tx) => {
    const theme = tx.select().from(noteThemes).where(eq(noteThemes.id, themeId)).get();
    if (!theme) throw notFound();
    tx.update(noteThemes)
      .set({
        label: input.label,
        labelEn: input.labelEn,
        position: input.position,
        archivedAt: input.archived ? (theme.archivedAt ?? now) : null,
        updatedAt: now,
      })
      .where(eq(noteThemes.id, themeId))
      .run();
    recordAudit(tx, { actorUserId: actorId, action: 'notes.theme_updated', objectType: 'note_theme', objectId: themeId, details: { archived: input.archived } }, now);
  });
}

function resolveThemeIds(tx: DbOrTx, codes: string[]): number[] {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return [];
  const found = tx
    .select({ id: noteThemes.id, code: noteThemes.code })
    .from(noteThemes)
    .where(and(inArray(noteThemes.code, unique), isNull(noteThemes.archivedAt)))
    .all();
  if (found.length !== unique.length) throw new NoteFieldError('themes', 'notes:errors.unknownTheme');
  return found.map((theme) => theme.id);
}

// ---------------------------------------------------------------- capture

export type DinnerForNotes = {
  id: number;
  title: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
  venueId: number;
  venueName: string;
  neighbourhood: string;
  tables: { id: number; label: string }[];
};

export function findDinnerForNotes(db: DbOrTx, dinnerId: number): DinnerForNotes | undefined {
  const dinner = db
    .select({
      id: dinners.id,
      title: dinners.title,
      startsAt: dinners.startsAt,
      endsAt: dinners.endsAt,
      status: dinners.status,
      venueId: venues.id,
      venueName: venues.name,
      neighbourhood: venues.neighbourhood,
    })
    .from(dinners)
    .innerJoin(venues, eq(venues.id, dinners.venueId))
    .where(eq(dinners.id, dinnerId))
    .get();
  if (!dinner) return undefined;
  const tables = db
    .select({ id: venueTables.id, label: venueTables.label })
    .from(venueTables)
    .where(eq(venueTables.venueId, dinner.venueId))
    .orderBy(asc(venueTables.position), asc(venueTables.id))
    .all();
  return { ...dinner, tables };
}

/** Dinners an organiser may be writing notes for: from 60 days back to one day ahead, newest first. */
export function listDinnersForCapture(db: Db, now: Date) {
  return db.all<{ id: number; title: string; startsAt: number; venueName: string; noteCount: number; reported: number }>(sql`
    select d.id as id, d.title as title, d.starts_at as startsAt, v.name as venueName,
      (select count(*) from notes n where n.dinner_id = d.id) as noteCount,
      exists (select 1 from dinner_reports r where r.dinner_id = d.id) as reported
    from dinners d join venues v on v.id = d.venue_id
    where d.status in ('published', 'completed') and d.starts_at between ${now.getTime() - 60 * DAY_MS} and ${now.getTime() + DAY_MS}
    order by d.starts_at desc limit 100`);
}

type NewNote = {
  kind: Note['kind'];
  body: string;
  themes: string[];
  tableId: number | null;
  locationKind: Note['locationKind'];
  locationName: string;
  quote: string;
  quoteConsent: boolean;
  residentId: number | null;
  source: Note['source'];
  recordedByUserId: number | null;
};

function insertNote(tx: Tx, dinner: DinnerForNotes, input: NewNote, now: Date): Note {
  const themeIds = resolveThemeIds(tx, input.themes);
  if (input.tableId !== null && !dinner.tables.some((table) => table.id === input.tableId)) {
    throw new NoteFieldError('tableId', 'notes:errors.unknownTable');
  }
  const note = tx
    .insert(notes)
    .values({
      dinnerId: dinner.id,
      venueTableId: input.tableId,
      kind: input.kind,
      body: input.body,
      locationKind: input.locationKind,
      locationName: input.locationKind === 'neighbourhood' ? '' : input.locationName,
      neighbourhood: dinner.neighbourhood,
      quote: input.quoteConsent ? input.quote : '',
      quoteConsent: input.quoteConsent && input.quote !== '',
      residentId: input.residentId,
      nameConsent: input.residentId !== null,
      source: input.source,
      recordedByUserId: input.recordedByUserId,
      status: input.kind === 'idea' ? 'new' : null,
      statusChangedAt: input.kind === 'idea' ? now : null,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  for (const themeId of themeIds) tx.insert(noteThemeLinks).values({ noteId: note.id, themeId }).run();
  if (note.status) {
    tx.insert(ideaStatusChanges).values({ noteId: note.id, fromStatus: null, toStatus: note.status, changedByUserId: input.recordedByUserId, changedAt: now }).run();
  }
  return note;
}

/**
 * Records one note for a dinner (or one of its tables), in its own transaction: a phone that loses
 * its connection after this keeps every note sent before. Anonymous: staff capture never names a resident.
 */
export function createNote(db: Db, dinnerId: number, input: NoteInput, actorId: number, now: Date): Note {
  return writeTransaction(db, (tx) => {
    const dinner = findDinnerForNotes(tx, dinnerId);
    if (!dinner) throw notFound();
    // Drafts never took place and cancelled dinners did not happen: nothing came out of them.
    if (dinner.status !== 'published' && dinner.status !== 'completed') throw conflict('dinner_not_held', 'notes:errors.dinnerNotHeld');
    return insertNote(tx, dinner, { ...input, residentId: null, source: 'staff', recordedByUserId: actorId }, now);
  });
}

/** The notes already recorded for a dinner, newest first, for the capture page. */
export function listDinnerNotes(db: Db, dinnerId: number) {
  return db
    .select({ id: notes.id, kind: notes.kind, body: notes.body, status: notes.status, tableLabel: venueTables.label, createdAt: notes.createdAt })
    .from(notes)
    .leftJoin(venueTables, eq(venueTables.id, notes.venueTableId))
    .where(eq(notes.dinnerId, dinnerId))
    .orderBy(sql`${notes.id} desc`)
    .limit(200)
    .all();
}

export function findDinnerReport(db: Db, dinnerId: number) {
  return db.select().from(dinnerReports).where(eq(dinnerReports.dinnerId, dinnerId)).get();
}

/** Saves (or corrects) the organiser's report of a dinner; it stops the report reminders. */
export function saveDinnerReport(db: Db, dinnerId: number, input: ReportInput, actorId: number, now: Date): void {
  writeTransaction(db, (tx) => {
    if (!findDinnerForNotes(tx, dinnerId)) throw notFound();
    const values = { guestCount: input.guestCount, summary: input.summary, completedByUserId: actorId, completedAt: now };
    tx.insert(dinnerReports).values({ dinnerId, ...values }).onConflictDoUpdate({ target: dinnerReports.dinnerId, set: values }).run();
  });
}

// ---------------------------------------------------------------- staff list, search, export query

/**
 * Turns free text into a safe FTS5 query: every word becomes a quoted prefix term, so operators
 * and quotes typed by a user are searched for, never interpreted. Empty when nothing searchable.
 */
export function toFtsQuery(text: string): string {
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .slice(0, 12);
  return words.map((word) => `"${word}"*`).join(' ');
}

function filterConditions(filter: NoteFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.kind) conditions.push(sql`n.kind = ${filter.kind}`);
  if (filter.status) conditions.push(sql`n.status = ${filter.status}`);
  if (filter.neighbourhood) conditions.push(sql`n.neighbourhood = ${filter.neighbourhood}`);
  if (filter.dinnerId) conditions.push(sql`n.dinner_id = ${filter.dinnerId}`);
  if (filter.ownerId) conditions.push(sql`n.owner_user_id = ${filter.ownerId}`);
  // Dinner conditions become a set of dinner ids, so notes stay the driving table (and its indexes apply).
  const dinnerConditions: SQL[] = [];
  if (filter.venueId) dinnerConditions.push(sql`venue_id = ${filter.venueId}`);
  if (filter.from) dinnerConditions.push(sql`local_date >= ${filter.from}`);
  if (filter.to) dinnerConditions.push(sql`local_date <= ${filter.to}`);
  if (dinnerConditions.length > 0) conditions.push(sql`n.dinner_id in (select id from dinners where ${sql.join(dinnerConditions, sql` and `)})`);
  if (filter.theme) {
    conditions.push(sql`exists (select 1 from note_theme_links l join note_themes t on t.id = l.theme_id where l.note_id = n.id and t.code = ${filter.theme})`);
  }
  if (filter.location) conditions.push(sql`n.location_name = ${filter.location}`);
  const match = filter.q ? toFtsQuery(filter.q) : '';
  if (match) conditions.push(sql`n.id in (select rowid from notes_fts where notes_fts match ${match})`);
  else if (filter.q) conditions.push(sql`0`); // only punctuation typed: nothing can match
  return conditions;
}

// Only columns of notes (n), so a page can be chosen before anything is joined.
const ORDER_BY: Record<NoteSort, SQL> = {
  newest: sql`n.id desc`,
  oldest: sql`n.id asc`,
  dinner: sql`(select starts_at from dinners where id = n.dinner_id) desc, n.id desc`,
  status: sql`case n.status when 'new' then 0 when 'under_review' then 1 when 'planned' then 2 when 'in_progress' then 3 when 'done' then 4 when 'not_possible' then 5 else 6 end, n.id desc`,
  kind: sql`n.kind, n.id desc`,
};

export type NoteFilterWithLocation = NoteFilter;

function whereClause(filter: NoteFilterWithLocation): SQL {
  const conditions = filterConditions(filter);
  return conditions.length === 0 ? sql`1` : sql.join(conditions, sql` and `);
}

export type NoteListRow = {
  id: number;
  kind: Note['kind'];
  body: string;
  status: IdeaStatus | null;
  neighbourhood: string;
  locationKind: Note['locationKind'];
  locationName: string;
  createdAt: number;
  dinnerId: number;
  dinnerTitle: string;
  dinnerStartsAt: number;
  venueName: string;
  ownerName: string | null;
  themeCodes: string | null;
};

/** One page of the filtered staff list (one row more tells whether there is a next page). */
export function listNotes(db: Db, filter: NoteFilterWithLocation, sort: NoteSort, page: number, pageSize: number) {
  // The page's ids first (notes only, indexes and limit apply), then the joins for those rows alone.
  const rows = db.all<NoteListRow>(sql`
    with page as (select n.id as id from notes n where ${whereClause(filter)} order by ${ORDER_BY[sort]} limit ${pageSize + 1} offset ${(page - 1) * pageSize})
    select n.id as id, n.kind as kind, substr(n.body, 1, 300) as body, n.status as status, n.neighbourhood as neighbourhood,
      n.location_kind as locationKind, n.location_name as locationName, n.created_at as createdAt,
      d.id as dinnerId, d.title as dinnerTitle, d.starts_at as dinnerStartsAt, v.name as venueName, o.name as ownerName,
      (select group_concat(t.code, ',') from note_theme_links l join note_themes t on t.id = l.theme_id where l.note_id = n.id) as themeCodes
    from page
      cross join notes n on n.id = page.id
      cross join dinners d on d.id = n.dinner_id
      cross join venues v on v.id = d.venue_id
      left join users o on o.id = n.owner_user_id
    order by ${ORDER_BY[sort]}`);
  return { rows: rows.slice(0, pageSize), hasMore: rows.length > pageSize };
}

export type ExportRow = NoteListRow & {
  fullBody: string;
  quote: string;
  statusReason: string;
  publicAnswer: string;
  reviewOn: string | null;
  source: string;
  tableLabel: string | null;
  dinnerDate: string;
  internalNotes: string;
  residentName: string | null;
  residentEmail: string | null;
  residentPhone: string | null;
};

/** Rows read per query while an export is written. */
const EXPORT_PAGE_SIZE = 500;

/**
 * The filtered set for an export, read while the file is written: first the matching ids in export
 * order (a few bytes each), then the full rows one page at a time. No cursor stays open while the
 * response waits for a slow download, because better-sqlite3 refuses every write on a connection
 * with an open cursor. Personal columns are selected only for the personal export.
 */
export function iterateNotesForExport(db: Db, filter: NoteFilterWithLocation, sort: NoteSort, personal: boolean): IterableIterator<ExportRow> {
  const personalColumns = personal
    ? sql`r.name as residentName, r.email as residentEmail, r.phone as residentPhone, n.internal_notes as internalNotes`
    : sql`null as residentName, null as residentEmail, null as residentPhone, '' as internalNotes`;
  // Compiled once and run on the connection itself (parameters stay bound): the ids as a plain list
  // (pluck) and each page as arrays (raw), which drizzle's row mapping would make slower at 100,000 rows.
  const ids = dialect.sqlToQuery(sql`select n.id from notes n where ${whereClause(filter)} order by ${ORDER_BY[sort]}`);
  const page = dialect.sqlToQuery(sql`
    select n.id as id, n.kind as kind, n.body as fullBody, n.quote as quote, n.status as status, n.status_reason as statusReason,
      n.public_answer as publicAnswer, n.review_on as reviewOn, n.source as source, n.neighbourhood as neighbourhood,
      n.location_kind as locationKind, n.location_name as locationName, n.created_at as createdAt,
      d.id as dinnerId, d.title as dinnerTitle, d.starts_at as dinnerStartsAt, d.local_date as dinnerDate, v.name as venueName,
      o.name as ownerName, vt.label as tableLabel,
      (select group_concat(t.code, ',') from note_theme_links l join note_themes t on t.id = l.theme_id where l.note_id = n.id) as themeCodes,
      ${personalColumns}
    from json_each(${'[]'}) j
      cross join notes n on n.id = j.value
      cross join dinners d on d.id = n.dinner_id
      cross join venues v on v.id = d.venue_id
      left join users o on o.id = n.owner_user_id
      left join venue_tables vt on vt.id = n.venue_table_id
      left join residents r on r.id = n.resident_id and n.name_consent = 1
    order by j.key`);
  const noteIds = db.$client.prepare(ids.sql).pluck().all(...ids.params) as number[];
  // Rows as arrays (raw) and one object literal per row: about 40 % less CPU than letting the
  // driver build each object, which matters at 100,000 rows. The order follows the select above.
  const statement = db.$client.prepare(page.sql).raw(true);
  function* rows(): Generator<ExportRow> {
    for (let from = 0; from < noteIds.length; from += EXPORT_PAGE_SIZE) {
      // The page query's only parameter: the ids of this page, as the JSON array json_each reads.
      const pageRows = statement.all(JSON.stringify(noteIds.slice(from, from + EXPORT_PAGE_SIZE))) as unknown[][];
      for (const r of pageRows) {
        yield {
          id: r[0], kind: r[1], fullBody: r[2], body: r[2], quote: r[3], status: r[4], statusReason: r[5], publicAnswer: r[6],
          reviewOn: r[7], source: r[8], neighbourhood: r[9], locationKind: r[10], locationName: r[11], createdAt: r[12],
          dinnerId: r[13], dinnerTitle: r[14], dinnerStartsAt: r[15], dinnerDate: r[16], venueName: r[17], ownerName: r[18],
          tableLabel: r[19], themeCodes: r[20], residentName: r[21], residentEmail: r[22], residentPhone: r[23], internalNotes: r[24],
        } as ExportRow;
      }
    }
  }
  return rows();
}

const dialect = new SQLiteSyncDialect();

/** Records an export in the audit log: who, when, which format, filters and whether it named people. */
export function recordExport(db: Db, details: { format: string; personal: boolean; filter: NoteFilterWithLocation }, actorId: number, now: Date): void {
  writeTransaction(db, (tx) => {
    recordAudit(
      tx,
      {
        actorUserId: actorId,
        action: details.personal ? 'notes.export_personal' : 'notes.export',
        objectType: 'notes',
        details: { format: details.format, filter: details.filter },
      },
      now,
    );
  });
}

/** Distinct neighbourhoods with notes, for the filter and the public index. */
export function listNeighbourhoods(db: Db): string[] {
  return db.all<{ name: string }>(sql`select distinct neighbourhood as name from venues where neighbourhood <> '' order by 1`).map((row) => row.name);
}

export function listVenuesForFilter(db: Db) {
  return db.select({ id: venues.id, name: venues.name }).from(venues).orderBy(asc(venues.name)).all();
}

/** Staff who may own an idea's follow-up. */
export function listPossibleOwners(db: DbOrTx) {
  return db
    .selectDistinct({ id: users.id, name: users.name })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(isNull(users.disabledAt), inArray(userRoles.role, ['staff', 'admin'])))
    .orderBy(asc(users.name))
    .all();
}

/** Complexes and streets with ideas, and how many: the idea bundles for tenants' committees. */
export function listIdeaBundles(db: Db) {
  return db.all<{ neighbourhood: string; locationKind: string; locationName: string; ideas: number }>(sql`
    select neighbourhood, location_kind as locationKind, location_name as locationName, count(*) as ideas
    from notes where kind = 'idea' and location_kind in ('complex', 'street')
    group by neighbourhood, location_kind, location_name order by neighbourhood, location_kind, location_name`);
}

// ---------------------------------------------------------------- follow-up

export type IdeaDetail = Note & {
  dinnerTitle: string;
  dinnerStartsAt: Date;
  venueName: string;
  tableLabel: string | null;
  recordedByName: string | null;
  themeCodes: string[];
  history: { toStatus: IdeaStatus; fromStatus: IdeaStatus | null; reason: string; publicAnswer: string; changedAt: Date; changedByName: string | null }[];
};

export function findNoteDetail(db: Db, noteId: number): IdeaDetail | undefined {
  const row = db
    .select({ note: notes, dinnerTitle: dinners.title, dinnerStartsAt: dinners.startsAt, venueName: venues.name, tableLabel: venueTables.label, recordedByName: users.name })
    .from(notes)
    .innerJoin(dinners, eq(dinners.id, notes.dinnerId))
    .innerJoin(venues, eq(venues.id, dinners.venueId))
    .leftJoin(venueTables, eq(venueTables.id, notes.venueTableId))
    .leftJoin(users, eq(users.id, notes.recordedByUserId))
    .where(eq(notes.id, noteId))
    .get();
  if (!row) return undefined;
  const themeCodes = db
    .select({ code: noteThemes.code })
    .from(noteThemeLinks)
    .innerJoin(noteThemes, eq(noteThemes.id, noteThemeLinks.themeId))
    .where(eq(noteThemeLinks.noteId, noteId))
    .all()
    .map((theme) => theme.code);
  const history = db
    .select({
      toStatus: ideaStatusChanges.toStatus,
      fromStatus: ideaStatusChanges.fromStatus,
      reason: ideaStatusChanges.reason,
      publicAnswer: ideaStatusChanges.publicAnswer,
      changedAt: ideaStatusChanges.changedAt,
      changedByName: users.name,
    })
    .from(ideaStatusChanges)
    .leftJoin(users, eq(users.id, ideaStatusChanges.changedByUserId))
    .where(eq(ideaStatusChanges.noteId, noteId))
    .orderBy(asc(ideaStatusChanges.id))
    .all();
  return { ...row.note, dinnerTitle: row.dinnerTitle, dinnerStartsAt: row.dinnerStartsAt, venueName: row.venueName, tableLabel: row.tableLabel, recordedByName: row.recordedByName, themeCodes, history };
}

type StatusChange = { status: IdeaStatus; statusReason: string; publicAnswer?: string };

/**
 * Applies a status (and maybe public answer) change to one idea inside tx: history row, audit
 * event, and a mail to every attendee who asked to hear back, when status or answer changed.
 * Returns whether anything visible to residents changed.
 */
function applyStatusChange(tx: Tx, mailer: Mailer, note: Note, change: StatusChange, actorId: number, baseUrl: string, now: Date): boolean {
  const publicAnswer = change.publicAnswer ?? note.publicAnswer;
  const statusChanged = note.status !== change.status;
  const answerChanged = publicAnswer !== note.publicAnswer;
  const reason = change.status === 'not_possible' ? change.statusReason : '';
  if (!statusChanged && !answerChanged && reason === note.statusReason) return false;
  tx.update(notes)
    .set({
      status: change.status,
      statusReason: reason,
      publicAnswer,
      statusChangedAt: statusChanged ? now : note.statusChangedAt,
      updatedAt: now,
    })
    .where(eq(notes.id, note.id))
    .run();
  if (!statusChanged && !answerChanged) return false;
  const history = tx
    .insert(ideaStatusChanges)
    .values({ noteId: note.id, fromStatus: note.status, toStatus: change.status, reason, publicAnswer, changedByUserId: actorId, changedAt: now })
    .returning({ id: ideaStatusChanges.id })
    .get();
  recordAudit(
    tx,
    { actorUserId: actorId, action: 'notes.idea_status_changed', objectType: 'note', objectId: note.id, details: { from: note.status, to: change.status, answerChanged } },
    now,
  );
  for (const recipient of listIdeaUpdateRecipients(tx, note.dinnerId)) {
    const link = issueNoteLink(tx, note.dinnerId, recipient.residentId, now);
    mailer.enqueue(
      tx,
      {
        to: recipient.email,
        locale: recipient.locale,
        template: 'notes-idea-update',
        locals: {
          name: recipient.name,
          idea: excerpt(note.body, 300),
          status: change.status,
          publicAnswer,
          reason,
          personalLink: `${baseUrl}/ideas/t/${link}`,
          publicPage: `${baseUrl}/ideas/n/${encodeURIComponent(note.neighbourhood)}`,
        },
        dedupeKey: `notes.idea-update:${history.id}:${recipient.residentId}`,
      },
      now,
    );
  }
  return true;
}

export function excerpt(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** Saves the follow-up of one idea: status (with reason), owner, review date, internal notes, public answer. */
export function updateFollowUp(db: Db, mailer: Mailer, noteId: number, input: FollowUpInput, actorId: number, baseUrl: string, now: Date): void {
  writeTransaction(db, (tx) => {
    const note = tx.select().from(notes).where(eq(notes.id, noteId)).get();
    if (!note) throw notFound();
    if (note.kind !== 'idea') throw new NoteFieldError('status', 'notes:errors.onlyIdeas');
    if (input.ownerId !== null && !listPossibleOwners(tx).some((owner) => owner.id === input.ownerId)) {
      throw new NoteFieldError('ownerId', 'notes:errors.unknownOwner');
    }
    tx.update(notes)
      .set({ ownerUserId: input.ownerId, reviewOn: input.reviewOn, internalNotes: input.internalNotes, isPublic: input.isPublic, updatedAt: now })
      .where(eq(notes.id, noteId))
      .run();
    const changed = applyStatusChange(tx, mailer, note, { status: input.status, statusReason: input.statusReason, publicAnswer: input.publicAnswer }, actorId, baseUrl, now);
    if (!changed) {
      recordAudit(tx, { actorUserId: actorId, action: 'notes.idea_follow_up_saved', objectType: 'note', objectId: noteId }, now);
    }
  });
}

/** Sets one status on many ideas at once (notes of other kinds in the selection are skipped). Returns how many changed. */
export function bulkUpdateStatus(db: Db, mailer: Mailer, input: BulkStatusInput, actorId: number, baseUrl: string, now: Date): number {
  return writeTransaction(db, (tx) => {
    const selected = tx.select().from(notes).where(and(inArray(notes.id, input.ids), eq(notes.kind, 'idea'))).all();
    let changed = 0;
    for (const note of selected) {
      if (applyStatusChange(tx, mailer, note, { status: input.status, statusReason: input.statusReason }, actorId, baseUrl, now)) changed += 1;
    }
    return changed;
  });
}

// ---------------------------------------------------------------- residents: personal link, public page

/** A fresh personal link for a resident and dinner; returns the raw token (only its hash is stored). */
export function issueNoteLink(tx: DbOrTx, dinnerId: number, residentId: number, now: Date): string {
  const token = newToken();
  tx.insert(noteLinks).values({ dinnerId, residentId, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + NOTE_LINK_DAYS * DAY_MS), createdAt: now }).run();
  return token;
}

export type NoteLinkContext = { dinner: DinnerForNotes; residentId: number; residentName: string; residentLocale: string; hearsBack: boolean };

/** The resident and dinner behind a personal link, or undefined when it is unknown or expired. */
export function findNoteLink(db: DbOrTx, token: string, now: Date): NoteLinkContext | undefined {
  const link = db
    .select({ dinnerId: noteLinks.dinnerId, residentId: noteLinks.residentId, expiresAt: noteLinks.expiresAt, name: residents.name, locale: residents.locale })
    .from(noteLinks)
    .innerJoin(residents, eq(residents.id, noteLinks.residentId))
    .where(eq(noteLinks.tokenHash, hashToken(token)))
    .get();
  if (!link || link.expiresAt.getTime() <= now.getTime()) return undefined;
  const dinner = findDinnerForNotes(db, link.dinnerId);
  if (!dinner) return undefined;
  const consent = db
    .select({ withdrawnAt: hearBackConsents.withdrawnAt })
    .from(hearBackConsents)
    .where(and(eq(hearBackConsents.dinnerId, link.dinnerId), eq(hearBackConsents.residentId, link.residentId)))
    .get();
  return { dinner, residentId: link.residentId, residentName: link.name, residentLocale: link.locale, hearsBack: consent !== undefined && consent.withdrawnAt === null };
}

function setHearBack(tx: Tx, dinnerId: number, residentId: number, wanted: boolean, now: Date): void {
  const existing = tx
    .select()
    .from(hearBackConsents)
    .where(and(eq(hearBackConsents.dinnerId, dinnerId), eq(hearBackConsents.residentId, residentId)))
    .get();
  if (wanted) {
    if (!existing) tx.insert(hearBackConsents).values({ dinnerId, residentId, givenAt: now }).run();
    else if (existing.withdrawnAt) {
      tx.update(hearBackConsents).set({ givenAt: now, withdrawnAt: null }).where(and(eq(hearBackConsents.dinnerId, dinnerId), eq(hearBackConsents.residentId, residentId))).run();
    }
  } else if (existing && !existing.withdrawnAt) {
    tx.update(hearBackConsents).set({ withdrawnAt: now }).where(and(eq(hearBackConsents.dinnerId, dinnerId), eq(hearBackConsents.residentId, residentId))).run();
  }
}

/** A resident adds their own idea or story through the personal link; named only when they ticked the box. */
export function createResidentNote(db: Db, token: string, input: ResidentNoteInput, now: Date): Note {
  return writeTransaction(db, (tx) => {
    const context = findNoteLink(tx, token, now);
    if (!context) throw new AppError(410, 'link_expired', 'errors.linkExpired');
    const note = insertNote(
      tx,
      context.dinner,
      { ...input, tableId: null, quote: '', quoteConsent: false, residentId: input.nameConsent ? context.residentId : null, source: 'resident', recordedByUserId: null },
      now,
    );
    if (input.hearBack) setHearBack(tx, context.dinner.id, context.residentId, true, now);
    return note;
  });
}

/** Turns "tell me what happens with the ideas of this dinner" on or off. */
export function changeHearBack(db: Db, token: string, wanted: boolean, now: Date): void {
  writeTransaction(db, (tx) => {
    const context = findNoteLink(tx, token, now);
    if (!context) throw new AppError(410, 'link_expired', 'errors.linkExpired');
    setHearBack(tx, context.dinner.id, context.residentId, wanted, now);
  });
}

export type PublicIdea = { id: number; body: string; status: IdeaStatus; publicAnswer: string; locationKind: string; locationName: string; themeCodes: string | null; statusChangedAt: number | null };

/** A neighbourhood's public ideas, without any name: text, place, status and the public answer. */
export function listPublicIdeas(db: Db, neighbourhood: string): PublicIdea[] {
  return db.all<PublicIdea>(sql`
    select n.id as id, n.body as body, n.status as status, n.public_answer as publicAnswer, n.location_kind as locationKind,
      n.location_name as locationName, n.status_changed_at as statusChangedAt,
      (select group_concat(t.code, ',') from note_theme_links l join note_themes t on t.id = l.theme_id where l.note_id = n.id) as themeCodes
    from notes n
    where n.kind = 'idea' and n.is_public = 1 and n.neighbourhood = ${neighbourhood}
    order by case n.status when 'in_progress' then 0 when 'planned' then 1 when 'under_review' then 2 when 'new' then 3 when 'done' then 4 else 5 end, n.id desc
    limit 500`);
}

export function listPublicNeighbourhoods(db: Db) {
  return db.all<{ neighbourhood: string; ideas: number }>(sql`
    select neighbourhood, count(*) as ideas from notes where kind = 'idea' and is_public = 1 group by neighbourhood order by neighbourhood`);
}

/**
 * Everything the notes feature keeps about one resident, for their "my data" request (test plan
 * H1): the notes they chose to be named on, and their hear-back choices per dinner.
 */
export function listNotesDataForResident(db: Db, residentId: number) {
  return {
    namedNotes: db
      .select({ id: notes.id, dinnerId: notes.dinnerId, kind: notes.kind, body: notes.body, status: notes.status, publicAnswer: notes.publicAnswer, createdAt: notes.createdAt })
      .from(notes)
      .where(eq(notes.residentId, residentId))
      .orderBy(asc(notes.id))
      .all(),
    hearBack: db
      .select({ dinnerId: hearBackConsents.dinnerId, givenAt: hearBackConsents.givenAt, withdrawnAt: hearBackConsents.withdrawnAt })
      .from(hearBackConsents)
      .where(eq(hearBackConsents.residentId, residentId))
      .all(),
  };
}
