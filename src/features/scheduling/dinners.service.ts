import crypto from 'node:crypto';
import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import { type Db, type DbOrTx, type Tx, writeTransaction } from '../../db/client.ts';
import { AppError, conflict, notFound } from '../../lib/errors.ts';
import type { FieldErrors } from '../../lib/forms.ts';
import { formatDateTime, formatTime } from '../../lib/dates.ts';
import { isLocale } from '../../i18n/i18n.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import { buildCalendar, type IcsEvent } from './calendar.ts';
import { bookingsNear, type Booking, checkCandidate, closureOn, type Problem, type VenueRules } from './conflicts.ts';
import type { EditDinnerInput, NewDinnerInput } from './dinners.forms.ts';
import { addDays, daysBetween, isoWeekday, minutesOfDay, resolveLocalTime, timeOfMinutes } from './local-time.ts';
import { countSeatsTaken, type DinnerRecipient, fillFreedSeats, listDinnerRecipients } from './rsvp-bridge.ts';
import { dinners, dinnerSeries, type Dinner, type Venue } from './scheduling.schema.ts';
import { checkRule, occurrenceDates, type RecurrenceRule } from './series.ts';
import { findVenueDetails, loadBookings, toVenueRules, type VenueDetails } from './venues.service.ts';

export const DEFAULT_DEADLINE_DAYS = 2;

export type Occurrence = { localDate: string; seriesDate: string | null; startsAt: Date; endsAt: Date; rsvpDeadline: Date };
export type Skipped = { date: string; reason: string };
export type Plan = { venue: VenueDetails; occurrences: Occurrence[]; skipped: Skipped[]; problems: Problem[]; capacity: number };

/**
 * The plan cannot be saved: field errors (the form names the field) and clashes per occurrence
 * (every occurrence of a series is checked, and all clashes are listed together).
 */
export class PlanningError extends AppError {
  constructor(
    readonly fieldErrors: FieldErrors,
    readonly problems: Problem[] = [],
    readonly skipped: Skipped[] = [],
  ) {
    super(422, 'planning_failed', 'scheduling:errors.planningFailed');
  }
}

/** Who changes the schedule, when, and how the outside world is reached. */
export type SchedulingContext = {
  actorId: number | null;
  now: Date;
  timeZone: string;
  baseUrl: string;
  /** Defaults to the RSVP plug-in (rsvp-bridge.ts); tests pass their own list. */
  listRecipients?: (tx: DbOrTx, dinnerId: number) => DinnerRecipient[];
};

type DeadlineRule = { daysBefore: number; time: string };

function deadlineRule(input: { date: string; startTime: string; deadlineDate: string; deadlineTime: string }): DeadlineRule {
  if (!input.deadlineDate) return { daysBefore: DEFAULT_DEADLINE_DAYS, time: input.deadlineTime || input.startTime };
  return { daysBefore: daysBetween(input.deadlineDate, input.date), time: input.deadlineTime || input.startTime };
}

/** A wall-clock time that may fall in a DST gap (deadlines only): the first existing minute after it. */
function instantAtOrAfter(date: string, time: string, timeZone: string): Date {
  for (let shift = 0; shift <= 120; shift += 30) {
    const resolved = resolveLocalTime(date, timeOfMinutes(Math.min(1439, minutesOfDay(time) + shift)), timeZone);
    if (resolved.kind === 'exact') return resolved.instant;
    if (resolved.kind === 'ambiguous') return resolved.earlier;
  }
  throw new Error(`No instant near ${date} ${time}`);
}

type TimeProblem = { field: string; key: string; values: Record<string, string | number> };

/** One occurrence on a local day, or the reason its wall-clock time does not exist (or exists twice) that day. */
function buildOccurrence(date: string, seriesDate: string | null, startTime: string, endTime: string, deadline: DeadlineRule, timeZone: string): Occurrence | TimeProblem {
  const start = resolveLocalTime(date, startTime, timeZone);
  const end = resolveLocalTime(date, endTime, timeZone);
  for (const [field, resolved, time] of [['startTime', start, startTime], ['endTime', end, endTime]] as const) {
    if (resolved.kind === 'nonexistent') return { field, key: 'scheduling:conflicts.timeNonexistent', values: { date, time } };
    if (resolved.kind === 'ambiguous') return { field, key: 'scheduling:conflicts.timeAmbiguous', values: { date, time } };
  }
  if (start.kind !== 'exact' || end.kind !== 'exact') throw new Error('unreachable');
  return { localDate: date, seriesDate, startsAt: start.instant, endsAt: end.instant, rsvpDeadline: instantAtOrAfter(addDays(date, -deadline.daysBefore), deadline.time, timeZone) };
}

function checkAll(tx: DbOrTx, rules: VenueRules, occurrences: Occurrence[], capacity: number, now: Date, timeZone: string, excludeIds: readonly number[]): Problem[] {
  if (occurrences.length === 0) return [];
  const margin = (rules.setupMinutes + rules.cleanupMinutes) * 60_000;
  const from = new Date(Math.min(...occurrences.map((o) => o.startsAt.getTime())) - margin - 86_400_000);
  const until = new Date(Math.max(...occurrences.map((o) => o.endsAt.getTime())) + margin + 86_400_000);
  // One query for the whole series; each occurrence then looks only at the bookings near it.
  const bookings: Booking[] = loadBookings(tx, rules.id, from, until, excludeIds);
  const problems: Problem[] = [];
  for (const occurrence of occurrences) {
    const near = bookingsNear(bookings, occurrence.startsAt.getTime() - margin, occurrence.endsAt.getTime() + margin);
    problems.push(...checkCandidate(rules, near, { ...occurrence, capacity }, now, timeZone));
  }
  return problems;
}

function loadUsableVenue(tx: DbOrTx, venueId: number, allowArchivedId?: number): VenueDetails {
  const venue = findVenueDetails(tx, venueId);
  if (!venue || (venue.archivedAt !== null && venue.id !== allowArchivedId)) throw new PlanningError({ venueId: ['scheduling:errors.venueUnknown'] });
  return venue;
}

function recurrenceRule(input: NewDinnerInput): RecurrenceRule | null {
  const untilDate = input.endType === 'until' ? input.untilDate : null;
  const count = input.endType === 'count' ? Number(input.count) : null;
  if (input.repeat === 'weekly') return { pattern: 'weekly', intervalWeeks: Number(input.intervalWeeks), firstDate: input.date, untilDate, count };
  if (input.repeat === 'monthly') return { pattern: 'monthly', nthWeek: Number(input.nthWeek), weekday: isoWeekday(input.date), firstDate: input.date, untilDate, count };
  return null;
}

/**
 * Works out every occurrence of a new dinner or series and checks each against the venue,
 * without saving. Throws PlanningError for input that can never work (unknown venue,
 * impossible recurrence, a time that does not exist); clashes are returned in `problems`.
 */
export function planNewDinners(tx: DbOrTx, input: NewDinnerInput, now: Date, timeZone: string): Plan {
  const venue = loadUsableVenue(tx, input.venueId);
  const rule = recurrenceRule(input);
  const fieldErrors: FieldErrors = {};
  let dates = [input.date];
  if (rule) {
    for (const problem of checkRule(rule)) (fieldErrors[problem.field] ??= []).push(problem.key);
    if (Object.keys(fieldErrors).length > 0) throw new PlanningError(fieldErrors);
    dates = occurrenceDates(rule);
  }
  const rules = toVenueRules(venue);
  const skipped: Skipped[] = [];
  const deadline = deadlineRule(input);
  const occurrences: Occurrence[] = [];
  const timeProblems: Problem[] = [];
  for (const date of dates) {
    const closure = rule ? closureOn(rules, date) : undefined;
    if (closure) {
      skipped.push({ date, reason: closure.reason });
      continue;
    }
    const built = buildOccurrence(date, rule ? date : null, input.startTime, input.endTime, deadline, timeZone);
    if ('key' in built) timeProblems.push({ code: 'time_invalid', field: built.field, key: built.key, values: built.values, date });
    else occurrences.push(built);
  }
  if (rule && occurrences.length === 0 && timeProblems.length === 0) throw new PlanningError({ repeat: ['scheduling:errors.allSkipped'] }, [], skipped);
  if (!rule && timeProblems.length > 0) {
    const problem = timeProblems[0]!;
    throw new PlanningError({ [problem.field]: [problem.key.replace(':conflicts.', ':errors.')] }, timeProblems);
  }
  const capacity = input.capacity ?? venue.capacity;
  const problems = [...timeProblems, ...checkAll(tx, rules, occurrences, capacity, now, timeZone, [])];
  problems.sort((a, b) => a.date.localeCompare(b.date));
  return { venue, occurrences, skipped, problems, capacity };
}

/** Field errors for the form from a plan's clashes: each clash names the field that fixes it. */
export function problemFields(problems: Problem[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const problem of problems) {
    const list = (errors[problem.field] ??= []);
    const key = `scheduling:conflicts.fieldSummary.${problem.code}`;
    if (!list.includes(key)) list.push(key);
  }
  return errors;
}

function newUid(baseUrl: string): string {
  return `dinner-${crypto.randomUUID()}@${new URL(baseUrl).hostname}`;
}

function detailColumns(input: NewDinnerInput | EditDinnerInput) {
  return {
    title: input.title,
    theme: input.theme,
    description: input.description,
    minTableSize: input.minTableSize,
    maxTableSize: input.maxTableSize,
    menu: input.menu,
    diets: JSON.stringify(input.diets),
    languages: input.languages,
    host: input.host,
    visibility: input.visibility,
  };
}

export type CreatedDinners = { dinnerIds: number[]; seriesId: number | null; skipped: Skipped[] };

/**
 * Creates a dinner, or a series with all its occurrences, after checking every occurrence
 * in the same transaction as the insert. Nothing is stored when anything clashes.
 */
export function createDinners(db: Db, input: NewDinnerInput, context: SchedulingContext): CreatedDinners {
  return writeTransaction(db, (tx) => {
    const plan = planNewDinners(tx, input, context.now, context.timeZone);
    if (plan.problems.length > 0) throw new PlanningError(problemFields(plan.problems), plan.problems, plan.skipped);
    const rule = recurrenceRule(input);
    let seriesId: number | null = null;
    if (rule) {
      seriesId = tx
        .insert(dinnerSeries)
        .values({
          pattern: rule.pattern,
          intervalWeeks: rule.pattern === 'weekly' ? rule.intervalWeeks : 1,
          nthWeek: rule.pattern === 'monthly' ? rule.nthWeek : null,
          weekday: isoWeekday(input.date),
          firstDate: input.date,
          untilDate: rule.untilDate,
          occurrenceCount: rule.count,
          startTime: input.startTime,
          durationMinutes: minutesOfDay(input.endTime) - minutesOfDay(input.startTime),
          skippedDates: JSON.stringify(plan.skipped),
          createdByUserId: context.actorId,
          createdAt: context.now,
        })
        .returning({ id: dinnerSeries.id })
        .get().id;
    }
    const dinnerIds: number[] = [];
    for (const occurrence of plan.occurrences) {
      const row = tx
        .insert(dinners)
        .values({
          ...detailColumns(input),
          uid: newUid(context.baseUrl),
          venueId: plan.venue.id,
          seriesId,
          seriesDate: occurrence.seriesDate,
          startsAt: occurrence.startsAt,
          endsAt: occurrence.endsAt,
          localDate: occurrence.localDate,
          capacity: plan.capacity,
          rsvpDeadline: occurrence.rsvpDeadline,
          status: input.status,
          createdByUserId: context.actorId,
          createdAt: context.now,
          updatedAt: context.now,
        })
        .returning({ id: dinners.id })
        .get();
      dinnerIds.push(row.id);
    }
    recordAudit(
      tx,
      { actorUserId: context.actorId, action: 'scheduling.dinner_created', objectType: seriesId ? 'dinner_series' : 'dinner', objectId: seriesId ?? dinnerIds[0]!, details: { dinners: dinnerIds.length, skipped: plan.skipped.length } },
      context.now,
    );
    return { dinnerIds, seriesId, skipped: plan.skipped };
  });
}

export function findDinner(db: DbOrTx, dinnerId: number): Dinner | undefined {
  return db.select().from(dinners).where(eq(dinners.id, dinnerId)).get();
}

export function findSeries(db: DbOrTx, seriesId: number) {
  return db.select().from(dinnerSeries).where(eq(dinnerSeries.id, seriesId)).get();
}

/** The dinner and, for "following", the later occurrences of its series that are still open and not changed alone. */
function affectedDinners(tx: DbOrTx, dinner: Dinner, scope: 'this' | 'following'): Dinner[] {
  if (scope === 'this' || dinner.seriesId === null || dinner.seriesDate === null) return [dinner];
  const rows = tx
    .select()
    .from(dinners)
    .where(and(eq(dinners.seriesId, dinner.seriesId), gte(dinners.seriesDate, dinner.seriesDate), inArray(dinners.status, ['draft', 'published'])))
    .orderBy(asc(dinners.startsAt))
    .all();
  return rows.filter((row) => row.id === dinner.id || !row.detached);
}

function requireOpen(dinner: Dinner): void {
  if (dinner.status === 'cancelled' || dinner.status === 'completed') throw conflict('dinner_closed', 'scheduling:errors.dinnerClosed');
}

export type ChangeResult = { changed: number; notified: number };

/**
 * Changes one dinner, or (scope 'following') it and the later occurrences of its series:
 * each keeps its own day, shifted by as many days as this one moved. Every changed occurrence
 * is checked first; published dinners whose time or venue changed are announced to everyone
 * who answered, with an updated calendar entry (same UID, higher SEQUENCE).
 */
export function updateDinner(db: Db, mailer: Mailer, dinnerId: number, input: EditDinnerInput, context: SchedulingContext): ChangeResult {
  return writeTransaction(db, (tx) => {
    const dinner = findDinner(tx, dinnerId);
    if (!dinner) throw notFound();
    requireOpen(dinner);
    const venue = loadUsableVenue(tx, input.venueId, dinner.venueId);
    const rules = toVenueRules(venue);
    const affected = affectedDinners(tx, dinner, input.scope);
    const shift = daysBetween(dinner.localDate, input.date);
    const deadline = deadlineRule(input);
    const capacity = input.capacity ?? venue.capacity;

    const taken = countSeatsTaken(tx, affected.map((row) => row.id));
    const mostTaken = Math.max(0, ...taken.values());
    if (capacity < mostTaken) throw new PlanningError({ capacity: ['scheduling:errors.capacityBelowTaken'] }, [{ code: 'over_capacity', field: 'capacity', key: 'scheduling:conflicts.belowTaken', values: { taken: mostTaken, venue: venue.name }, date: dinner.localDate }]);

    const planned: Array<{ row: Dinner; occurrence: Occurrence }> = [];
    const timeProblems: Problem[] = [];
    for (const row of affected) {
      const date = addDays(row.localDate, shift);
      const built = buildOccurrence(date, row.seriesDate, input.startTime, input.endTime, deadline, context.timeZone);
      if ('key' in built) timeProblems.push({ code: 'time_invalid', field: built.field, key: built.key, values: built.values, date });
      else planned.push({ row, occurrence: built });
    }
    if (affected.length === 1 && timeProblems.length > 0) {
      const problem = timeProblems[0]!;
      throw new PlanningError({ [problem.field]: [problem.key.replace(':conflicts.', ':errors.')] }, timeProblems);
    }
    const problems = [
      ...timeProblems,
      ...checkAll(tx, rules, planned.map((p) => p.occurrence), capacity, context.now, context.timeZone, affected.map((row) => row.id)),
    ].sort((a, b) => a.date.localeCompare(b.date));
    if (problems.length > 0) throw new PlanningError(problemFields(problems), problems);

    const listRecipients = context.listRecipients ?? listDinnerRecipients;
    let notified = 0;
    for (const { row, occurrence } of planned) {
      const moved = row.startsAt.getTime() !== occurrence.startsAt.getTime() || row.endsAt.getTime() !== occurrence.endsAt.getTime() || row.venueId !== venue.id;
      const significant = moved || row.title !== input.title;
      const updated = tx
        .update(dinners)
        .set({
          ...detailColumns(input),
          venueId: venue.id,
          startsAt: occurrence.startsAt,
          endsAt: occurrence.endsAt,
          localDate: occurrence.localDate,
          capacity,
          rsvpDeadline: occurrence.rsvpDeadline,
          sequence: significant ? row.sequence + 1 : row.sequence,
          detached: row.detached || (input.scope === 'this' && row.seriesId !== null && moved),
          updatedAt: context.now,
        })
        .where(eq(dinners.id, row.id))
        .returning()
        .get();
      if (capacity > row.capacity) fillFreedSeats(tx, mailer, row.id, { baseUrl: context.baseUrl, timeZone: context.timeZone }, context.now);
      if (moved && row.status === 'published') {
        notified += notifyDinnerChange(tx, mailer, { dinner: updated, previous: row, venue, kind: 'moved', recipients: listRecipients(tx, row.id), baseUrl: context.baseUrl, timeZone: context.timeZone, now: context.now });
      }
    }
    recordAudit(tx, { actorUserId: context.actorId, action: 'scheduling.dinner_updated', objectType: 'dinner', objectId: dinnerId, details: { scope: input.scope, dinners: planned.length, notified } }, context.now);
    return { changed: planned.length, notified };
  });
}

/** Cancels one dinner or (scope 'following') the rest of its series; published ones are announced with METHOD:CANCEL. */
export function cancelDinners(db: Db, mailer: Mailer, dinnerId: number, input: { reason: string; scope: 'this' | 'following' }, context: SchedulingContext): ChangeResult {
  return writeTransaction(db, (tx) => {
    const dinner = findDinner(tx, dinnerId);
    if (!dinner) throw notFound();
    requireOpen(dinner);
    const listRecipients = context.listRecipients ?? listDinnerRecipients;
    let notified = 0;
    const affected = affectedDinners(tx, dinner, input.scope);
    for (const row of affected) {
      const updated = tx
        .update(dinners)
        .set({ status: 'cancelled', cancelReason: input.reason, sequence: row.sequence + 1, updatedAt: context.now })
        .where(eq(dinners.id, row.id))
        .returning()
        .get();
      if (row.status === 'published') {
        const venue = findVenueDetails(tx, row.venueId)!;
        notified += notifyDinnerChange(tx, mailer, { dinner: updated, previous: row, venue, kind: 'cancelled', recipients: listRecipients(tx, row.id), baseUrl: context.baseUrl, timeZone: context.timeZone, now: context.now });
      }
    }
    recordAudit(tx, { actorUserId: context.actorId, action: 'scheduling.dinner_cancelled', objectType: 'dinner', objectId: dinnerId, details: { scope: input.scope, dinners: affected.length, notified } }, context.now);
    return { changed: affected.length, notified };
  });
}

/** Publishes a draft (or, scope 'following', the drafts of the rest of its series) that has not started yet. */
export function publishDinners(db: Db, dinnerId: number, scope: 'this' | 'following', context: SchedulingContext): number {
  return writeTransaction(db, (tx) => {
    const dinner = findDinner(tx, dinnerId);
    if (!dinner) throw notFound();
    if (dinner.status !== 'draft') throw conflict('not_draft', 'scheduling:errors.notDraft');
    if (dinner.startsAt.getTime() <= context.now.getTime()) throw conflict('start_in_past', 'scheduling:errors.publishPast');
    const ids = affectedDinners(tx, dinner, scope)
      .filter((row) => row.status === 'draft' && row.startsAt.getTime() > context.now.getTime())
      .map((row) => row.id);
    tx.update(dinners).set({ status: 'published', updatedAt: context.now }).where(inArray(dinners.id, ids)).run();
    recordAudit(tx, { actorUserId: context.actorId, action: 'scheduling.dinner_published', objectType: 'dinner', objectId: dinnerId, details: { dinners: ids.length } }, context.now);
    return ids.length;
  });
}

/** Marks a published dinner that has ended as completed. */
export function completeDinner(db: Db, dinnerId: number, context: SchedulingContext): void {
  writeTransaction(db, (tx) => {
    const dinner = findDinner(tx, dinnerId);
    if (!dinner) throw notFound();
    if (dinner.status !== 'published') throw conflict('not_published', 'scheduling:errors.notPublished');
    if (dinner.endsAt.getTime() > context.now.getTime()) throw conflict('not_ended', 'scheduling:errors.notEnded');
    tx.update(dinners).set({ status: 'completed', updatedAt: context.now }).where(eq(dinners.id, dinnerId)).run();
    recordAudit(tx, { actorUserId: context.actorId, action: 'scheduling.dinner_completed', objectType: 'dinner', objectId: dinnerId }, context.now);
  });
}

export function venueLocation(venue: Pick<Venue, 'name' | 'address' | 'postcode' | 'city'>): string {
  return [venue.name, venue.address, [venue.postcode, venue.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

/** The calendar entry of a dinner, as feeds and mails show it. */
export function toIcsEvent(dinner: Dinner, venue: Pick<Venue, 'name' | 'address' | 'postcode' | 'city'>, baseUrl: string): IcsEvent {
  const description = [dinner.theme, dinner.description, dinner.menu].filter(Boolean).join('\n\n');
  return {
    uid: dinner.uid,
    sequence: dinner.sequence,
    startsAt: dinner.startsAt,
    endsAt: dinner.endsAt,
    summary: dinner.status === 'cancelled' ? `✕ ${dinner.title}` : dinner.title,
    location: venueLocation(venue),
    description,
    url: `${baseUrl}/dinners/${dinner.id}`,
    status: dinner.status,
    updatedAt: dinner.updatedAt,
  };
}

/**
 * Queues one mail per recipient about a cancelled or moved dinner, with the updated calendar
 * entry attached (METHOD:CANCEL or REQUEST, same UID, the dinner's new SEQUENCE). Call inside
 * the transaction of the change. Returns how many mails were queued.
 */
export function notifyDinnerChange(
  tx: Tx | DbOrTx,
  mailer: Mailer,
  change: { dinner: Dinner; previous: Dinner; venue: Pick<Venue, 'name' | 'address' | 'postcode' | 'city'>; kind: 'cancelled' | 'moved'; recipients: DinnerRecipient[]; baseUrl: string; timeZone: string; now: Date },
): number {
  if (change.recipients.length === 0) return 0;
  const method = change.kind === 'cancelled' ? 'CANCEL' : 'REQUEST';
  const ics = buildCalendar({
    name: 'Aanschuiftafel',
    method,
    events: [toIcsEvent(change.dinner, change.venue, change.baseUrl)],
    organiserEmail: `noreply@${new URL(change.baseUrl).hostname}`,
  });
  const seen = new Set<string>();
  let queued = 0;
  for (const recipient of change.recipients) {
    const email = recipient.email.toLowerCase();
    if (seen.has(email)) continue;
    seen.add(email);
    const locale = isLocale(recipient.locale) ? recipient.locale : 'nl';
    const row = mailer.enqueue(
      tx,
      {
        to: recipient.email,
        locale,
        template: change.kind === 'cancelled' ? 'dinner-cancelled' : 'dinner-moved',
        locals: {
          name: recipient.name,
          title: change.dinner.title,
          when: formatDateTime(change.dinner.startsAt, change.timeZone, locale),
          until: formatTime(change.dinner.endsAt, change.timeZone),
          previousWhen: formatDateTime(change.previous.startsAt, change.timeZone, locale),
          location: venueLocation(change.venue),
          reason: change.dinner.cancelReason,
          link: recipient.link ?? `${change.baseUrl}/dinners/${change.dinner.id}`,
        },
        dedupeKey: `dinner-${change.dinner.id}-seq-${change.dinner.sequence}-${email}`,
        attachments: [{ filename: 'aanschuiftafel.ics', contentType: `text/calendar; charset=utf-8; method=${method}`, content: ics }],
      },
      change.now,
    );
    if (row) queued += 1;
  }
  return queued;
}
