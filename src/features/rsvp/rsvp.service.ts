import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.ts';
import { preparedQuery, writeTransaction } from '../../db/client.ts';
import { isLocale, type Locale } from '../../i18n/i18n.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { AppError, conflict, notFound } from '../../lib/errors.ts';
import { hashToken, looksLikeToken, newToken } from '../../lib/tokens.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Mailer, MailAttachment } from '../mail/outbox.service.ts';
import { residents, type Resident } from '../residents/residents.schema.ts';
import { dinners, venues } from '../scheduling/scheduling.schema.ts';
import { buildDinnerIcs } from './rsvp-ics.ts';
import { rsvpLinks, rsvps, rsvpSubmissions, type Rsvp, type RsvpSource, type RsvpStatus } from './rsvp.schema.ts';

/** What the RSVP feature needs from the deployment: where links point and which zone dates are shown in. */
export type RsvpSettings = { baseUrl: string; timeZone: string };

export type DinnerForRsvp = {
  id: number;
  uid: string;
  sequence: number;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  rsvpDeadline: Date;
  status: 'draft' | 'published' | 'cancelled' | 'completed';
  visibility: 'public' | 'invitation';
  venueName: string;
  venueAddress: string;
  venuePostcode: string;
  venueCity: string;
};

const dinnerColumns = {
  id: dinners.id,
  uid: dinners.uid,
  sequence: dinners.sequence,
  title: dinners.title,
  description: dinners.description,
  startsAt: dinners.startsAt,
  endsAt: dinners.endsAt,
  capacity: dinners.capacity,
  rsvpDeadline: dinners.rsvpDeadline,
  status: dinners.status,
  visibility: dinners.visibility,
  venueName: venues.name,
  venueAddress: venues.address,
  venuePostcode: venues.postcode,
  venueCity: venues.city,
};

const dinnerForRsvpQuery = preparedQuery((db) =>
  db.select(dinnerColumns).from(dinners).innerJoin(venues, eq(venues.id, dinners.venueId)).where(eq(dinners.id, sql.placeholder('dinnerId'))).prepare(),
);

export function findDinnerForRsvp(db: DbOrTx, dinnerId: number): DinnerForRsvp | undefined {
  return dinnerForRsvpQuery(db).get({ dinnerId });
}

export type AnswerWindow = 'open' | 'closed' | 'cancelled' | 'unavailable';

/** Whether residents may still answer: published, not cancelled, and the deadline (inclusive) not passed. */
export function answerWindow(dinner: Pick<DinnerForRsvp, 'status' | 'rsvpDeadline' | 'startsAt'>, now: Date): AnswerWindow {
  if (dinner.status === 'cancelled') return 'cancelled';
  if (dinner.status !== 'published') return 'unavailable';
  if (now.getTime() > dinner.rsvpDeadline.getTime() || now.getTime() >= dinner.startsAt.getTime()) return 'closed';
  return 'open';
}

export function venueLine(dinner: Pick<DinnerForRsvp, 'venueName' | 'venueAddress' | 'venuePostcode' | 'venueCity'>): string {
  return [dinner.venueName, dinner.venueAddress, [dinner.venuePostcode, dinner.venueCity].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Personal links

/** Links stay valid until a day after the dinner ends, so a resident can still see their data. */
const LINK_GRACE_MS = 24 * 60 * 60_000;

/** Issues a personal link for one resident and one dinner; returns the raw token (stored only as a hash). */
const insertLinkQuery = preparedQuery((db) =>
  db
    .insert(rsvpLinks)
    .values({
      residentId: sql.placeholder('residentId'),
      dinnerId: sql.placeholder('dinnerId'),
      tokenHash: sql.placeholder('tokenHash'),
      expiresAt: sql.placeholder('expiresAt'),
      createdAt: sql.placeholder('createdAt'),
    })
    .prepare(),
);

export function issueRsvpLink(tx: DbOrTx, residentId: number, dinner: Pick<DinnerForRsvp, 'id' | 'endsAt'>, now: Date): string {
  const token = newToken();
  insertLinkQuery(tx).run({ residentId, dinnerId: dinner.id, tokenHash: hashToken(token), expiresAt: new Date(dinner.endsAt.getTime() + LINK_GRACE_MS), createdAt: now });
  return token;
}

export type LinkScope = { residentId: number; dinnerId: number };

/** The resident and dinner a link belongs to, or null for unknown, malformed or expired links. */
export function findLinkScope(db: DbOrTx, token: unknown, now: Date): LinkScope | null {
  if (!looksLikeToken(token)) return null;
  return linkScopeQuery(db).get({ tokenHash: hashToken(token), now: now.getTime() }) ?? null;
}

const linkScopeQuery = preparedQuery((db) =>
  db
    .select({ residentId: rsvpLinks.residentId, dinnerId: rsvpLinks.dinnerId })
    .from(rsvpLinks)
    .where(and(eq(rsvpLinks.tokenHash, sql.placeholder('tokenHash')), gt(rsvpLinks.expiresAt, sql.placeholder('now'))))
    .prepare(),
);

export function rsvpUrl(settings: RsvpSettings, token: string): string {
  return `${settings.baseUrl}/r/${token}`;
}

/**
 * Revokes a resident's personal links (TEST-PLAN E8): for one dinner when they cancel, all of them
 * when their address changes, so links in mails to an old or shared mailbox stop working.
 */
export function revokeLinks(tx: DbOrTx, residentId: number, dinnerId?: number): void {
  tx.delete(rsvpLinks)
    .where(and(eq(rsvpLinks.residentId, residentId), dinnerId === undefined ? undefined : eq(rsvpLinks.dinnerId, dinnerId)))
    .run();
}

// ---------------------------------------------------------------------------------------------
// Seats

/** People with a confirmed seat for a dinner. */
export function confirmedPeople(db: DbOrTx, dinnerId: number): number {
  return Number(confirmedPeopleQuery(db).get({ dinnerId })?.n ?? 0);
}

const confirmedPeopleQuery = preparedQuery((db) =>
  db
    .select({ n: sql<number>`coalesce(sum(${rsvps.people}), 0)` })
    .from(rsvps)
    .where(and(eq(rsvps.dinnerId, sql.placeholder('dinnerId')), eq(rsvps.status, 'confirmed')))
    .prepare(),
);

export function findRsvpByDinnerAndResident(db: DbOrTx, dinnerId: number, residentId: number): Rsvp | undefined {
  return rsvpByDinnerAndResidentQuery(db).get({ dinnerId, residentId });
}

const rsvpByDinnerAndResidentQuery = preparedQuery((db) =>
  db
    .select()
    .from(rsvps)
    .where(and(eq(rsvps.dinnerId, sql.placeholder('dinnerId')), eq(rsvps.residentId, sql.placeholder('residentId'))))
    .prepare(),
);

function nextWaitSeq(tx: DbOrTx, dinnerId: number): number {
  const row = tx
    .select({ n: sql<number>`coalesce(max(${rsvps.waitSeq}), 0)` })
    .from(rsvps)
    .where(eq(rsvps.dinnerId, dinnerId))
    .get();
  return Number(row?.n ?? 0) + 1;
}

/** Position (1 = next) of a waiting household on the waiting list. */
export function waitingPosition(db: DbOrTx, dinnerId: number, waitSeq: number): number {
  const row = db
    .select({ n: sql<number>`count(*)` })
    .from(rsvps)
    .where(and(eq(rsvps.dinnerId, dinnerId), eq(rsvps.status, 'waiting'), sql`${rsvps.waitSeq} <= ${waitSeq}`))
    .get();
  return Number(row?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Mails

type Recipient = Pick<Resident, 'id' | 'name' | 'email' | 'locale'>;

export type ResidentMail = 'rsvp-invitation' | 'rsvp-confirmed' | 'rsvp-waiting' | 'rsvp-promoted' | 'rsvp-cancelled' | 'rsvp-reminder' | 'rsvp-already';

/**
 * Queues a dinner mail to a resident in their language, with a fresh personal link (only hashes
 * are stored, so every mail gets its own). Confirmations carry the .ics calendar entry.
 * Residents without an e-mail address (phone only) get no mail; staff call them.
 */
export function mailResident(
  tx: DbOrTx,
  mailer: Mailer,
  settings: RsvpSettings,
  resident: Recipient,
  dinner: DinnerForRsvp,
  template: ResidentMail,
  extra: Record<string, unknown>,
  now: Date,
  options: { ics?: boolean; dedupeKey?: string } = {},
): boolean {
  if (!resident.email) return false;
  const token = issueRsvpLink(tx, resident.id, dinner, now);
  const locale: Locale = isLocale(resident.locale) ? resident.locale : 'nl';
  const link = rsvpUrl(settings, token);
  const attachments: MailAttachment[] = [];
  if (options.ics) {
    attachments.push({
      filename: 'aanschuiftafel.ics',
      contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
      content: buildDinnerIcs({
        uid: dinner.uid,
        sequence: dinner.sequence,
        title: dinner.title,
        startsAt: dinner.startsAt,
        endsAt: dinner.endsAt,
        location: venueLine(dinner),
        description: dinner.description,
        cancelled: dinner.status === 'cancelled',
      }),
    });
  }
  const queued = mailer.enqueue(
    tx,
    {
      to: resident.email,
      locale,
      template,
      locals: {
        name: resident.name,
        title: dinner.title,
        when: formatDateTime(dinner.startsAt, settings.timeZone, locale),
        deadline: formatDateTime(dinner.rsvpDeadline, settings.timeZone, locale),
        where: venueLine(dinner),
        link,
        dataLink: `${link}/data`,
        ...extra,
      },
      ...(options.dedupeKey ? { dedupeKey: options.dedupeKey } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
    },
    now,
  );
  if (!queued && options.dedupeKey) {
    // Already sent once (a reminder): the link we just issued is never mailed, so drop it.
    tx.delete(rsvpLinks).where(eq(rsvpLinks.tokenHash, hashToken(token))).run();
  }
  return Boolean(queued);
}

function loadRecipient(tx: DbOrTx, residentId: number | null): Recipient | undefined {
  if (residentId === null) return undefined;
  return recipientQuery(tx).get({ residentId });
}

const recipientQuery = preparedQuery((db) =>
  db
    .select({ id: residents.id, name: residents.name, email: residents.email, locale: residents.locale })
    .from(residents)
    .where(eq(residents.id, sql.placeholder('residentId')))
    .prepare(),
);

/**
 * Confirms the first waiting households that fit in the free seats, in order of arrival
 * (a large household that does not fit yet keeps its place; smaller ones behind it may go first),
 * and tells each one. Call inside the transaction that freed the seats.
 */
export function promoteWaiting(tx: DbOrTx, mailer: Mailer, settings: RsvpSettings, dinner: DinnerForRsvp, now: Date, knownTaken?: number): number[] {
  // knownTaken: the caller already counted the confirmed people in this transaction.
  let free = dinner.capacity - (knownTaken ?? confirmedPeople(tx, dinner.id));
  if (free <= 0) return [];
  const waiting = waitingListQuery(tx).all({ dinnerId: dinner.id });
  const promoted: number[] = [];
  for (const row of waiting) {
    if (free <= 0) break;
    if (row.people > free) continue;
    tx.update(rsvps).set({ status: 'confirmed', waitSeq: null, confirmedAt: now, updatedAt: now }).where(eq(rsvps.id, row.id)).run();
    free -= row.people;
    promoted.push(row.id);
    const recipient = loadRecipient(tx, row.residentId);
    if (recipient) {
      markLastDinner(tx, recipient.id, dinner.startsAt);
      mailResident(tx, mailer, settings, recipient, dinner, 'rsvp-promoted', { people: row.people }, now, { ics: true });
    }
  }
  return promoted;
}

const waitingListQuery = preparedQuery((db) =>
  db
    .select({ id: rsvps.id, residentId: rsvps.residentId, people: rsvps.people })
    .from(rsvps)
    // Only waiting answers have a place in the queue (a CHECK): saying so lets SQLite walk just those.
    .where(and(eq(rsvps.dinnerId, sql.placeholder('dinnerId')), eq(rsvps.status, 'waiting'), isNotNull(rsvps.waitSeq)))
    .orderBy(asc(rsvps.waitSeq))
    .prepare(),
);

function markLastDinner(tx: DbOrTx, residentId: number, startsAt: Date): void {
  markLastDinnerQuery(tx).run({ residentId, startsAt: startsAt.getTime() });
}

const markLastDinnerQuery = preparedQuery((db) =>
  db
    .update(residents)
    .set({ lastDinnerAt: sql`${sql.placeholder('startsAt')}` })
    .where(and(eq(residents.id, sql.placeholder('residentId')), sql`coalesce(${residents.lastDinnerAt}, 0) < ${sql.placeholder('startsAt')}`))
    .prepare(),
);

// ---------------------------------------------------------------------------------------------
// Answers

export type AnswerInput = { answer: 'yes' | 'no'; people: number; key: string | null };
export type AnswerContext = { source: RsvpSource; actorUserId: number | null };
export type AnswerOutcome = 'confirmed' | 'waiting' | 'declined' | 'cancelled' | 'unchanged' | 'duplicate';
export type AnswerResult = { rsvpId: number; status: RsvpStatus; outcome: AnswerOutcome; people: number };

/**
 * Test-only knobs for the concurrency tests (TEST-PLAN A1): the transaction mode, and a pause
 * between reading the free seats and writing the answer that widens the race window.
 */
export type AnswerTestOptions = { transaction?: 'immediate' | 'none'; pauseMs?: number };

/**
 * Records a household's yes or no for a dinner. The free seats are read inside the same IMMEDIATE
 * transaction as the write, so concurrent answers (even from other processes) cannot oversell.
 * A yes that does not fit joins the waiting list; a no or a smaller household frees seats, which
 * go to the first waiting households that fit. A repeated idempotency key records nothing.
 */
export function answerRsvp(
  db: Db,
  mailer: Mailer,
  settings: RsvpSettings,
  dinnerId: number,
  residentId: number,
  input: AnswerInput,
  context: AnswerContext,
  now: Date,
  testOptions: AnswerTestOptions = {},
): AnswerResult {
  const run = (tx: Tx) => recordAnswer(tx, mailer, settings, dinnerId, residentId, input, context, now, testOptions.pauseMs ?? 0);
  if (testOptions.transaction === 'none') return run(db as unknown as Tx);
  return writeTransaction(db, run);
}

function pause(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const insertRsvpQuery = preparedQuery((db) =>
  db
    .insert(rsvps)
    .values({
      dinnerId: sql.placeholder('dinnerId'),
      residentId: sql.placeholder('residentId'),
      source: sql.placeholder('source'),
      status: sql.placeholder('status'),
      people: sql.placeholder('people'),
      waitSeq: sql.placeholder('waitSeq'),
      answeredAt: sql.placeholder('answeredAt'),
      answeredByUserId: sql.placeholder('answeredByUserId'),
      // Instants usually go through the column's encoder; it cannot take null, so this one goes in stored form.
      confirmedAt: sql`${sql.placeholder('confirmedAt')}`,
      createdAt: sql.placeholder('createdAt'),
      updatedAt: sql.placeholder('updatedAt'),
    })
    .returning({ id: rsvps.id })
    .prepare(),
);

const insertSubmissionQuery = preparedQuery((db) =>
  db.insert(rsvpSubmissions).values({ key: sql.placeholder('key'), rsvpId: sql.placeholder('rsvpId'), createdAt: sql.placeholder('createdAt') }).prepare(),
);

const earlierSubmissionQuery = preparedQuery((db) =>
  db
    .select({ rsvpId: rsvpSubmissions.rsvpId, status: rsvps.status, people: rsvps.people })
    .from(rsvpSubmissions)
    .innerJoin(rsvps, eq(rsvps.id, rsvpSubmissions.rsvpId))
    .where(eq(rsvpSubmissions.key, sql.placeholder('key')))
    .prepare(),
);

/** The answer logic for callers that already hold the IMMEDIATE transaction (e.g. join confirmation). */
export function recordAnswer(
  tx: Tx,
  mailer: Mailer,
  settings: RsvpSettings,
  dinnerId: number,
  residentId: number,
  input: AnswerInput,
  context: AnswerContext,
  now: Date,
  pauseMs: number,
): AnswerResult {
  if (input.key) {
    const earlier = earlierSubmissionQuery(tx).get({ key: input.key });
    if (earlier) return { rsvpId: earlier.rsvpId, status: earlier.status, outcome: 'duplicate', people: earlier.people };
  }
  const dinner = findDinnerForRsvp(tx, dinnerId);
  if (!dinner || dinner.status === 'draft') throw notFound();
  const window = answerWindow(dinner, now);
  if (window === 'cancelled') throw conflict('dinner_cancelled', 'rsvp:errors.dinnerCancelled');
  // Staff may still register an answer by phone or paper after the deadline, until the dinner starts.
  const staffLate = context.source === 'staff' && window === 'closed' && now.getTime() < dinner.startsAt.getTime();
  if (window !== 'open' && !staffLate) throw conflict('answers_closed', 'rsvp:errors.answersClosed');
  const resident = loadRecipient(tx, residentId);
  if (!resident) throw notFound();

  const current = findRsvpByDinnerAndResident(tx, dinnerId, residentId);
  const taken = confirmedPeople(tx, dinnerId);
  pause(pauseMs);

  let status: RsvpStatus;
  let outcome: AnswerOutcome;
  let people = input.people;
  let waitSeq: number | null = null;
  if (input.answer === 'no') {
    people = current?.people ?? 0;
    if (current && (current.status === 'declined' || current.status === 'cancelled')) {
      status = current.status;
      outcome = 'unchanged';
    } else {
      status = current && (current.status === 'confirmed' || current.status === 'waiting') ? 'cancelled' : 'declined';
      outcome = status;
    }
  } else if (current?.status === 'confirmed') {
    status = 'confirmed';
    outcome = current.people === people ? 'unchanged' : 'confirmed';
    const free = dinner.capacity - (taken - current.people);
    if (people > free) {
      // "free" in the message: extra seats beyond the household's current ones.
      throw new AppError(409, 'not_enough_seats', 'rsvp:errors.notEnoughSeats', { free: Math.max(0, free - current.people), people: current.people });
    }
  } else if (current?.status === 'waiting') {
    // Keeps its place in the queue; promotion below confirms it if it fits now.
    status = 'waiting';
    waitSeq = current.waitSeq;
    outcome = current.people === people ? 'unchanged' : 'waiting';
  } else if (taken + people <= dinner.capacity) {
    status = 'confirmed';
    outcome = 'confirmed';
  } else {
    status = 'waiting';
    outcome = 'waiting';
    waitSeq = nextWaitSeq(tx, dinnerId);
  }

  let rsvpId: number;
  const columns = {
    status,
    people,
    waitSeq: status === 'waiting' ? waitSeq : null,
    answeredAt: now,
    answeredByUserId: context.actorUserId,
    updatedAt: now,
    ...(status === 'confirmed' && current?.status !== 'confirmed' ? { confirmedAt: now } : {}),
  };
  if (current) {
    tx.update(rsvps).set(columns).where(eq(rsvps.id, current.id)).run();
    rsvpId = current.id;
  } else {
    rsvpId = insertRsvpQuery(tx).get({ dinnerId, residentId, source: context.source, createdAt: now, ...columns, confirmedAt: status === 'confirmed' ? now.getTime() : null })!.id;
  }
  if (input.key) insertSubmissionQuery(tx).run({ key: input.key, rsvpId, createdAt: now });

  if (status === 'confirmed') markLastDinner(tx, residentId, dinner.startsAt);
  if (outcome === 'cancelled') revokeLinks(tx, residentId, dinnerId);
  if (outcome !== 'unchanged') {
    if (status === 'confirmed') mailResident(tx, mailer, settings, resident, dinner, 'rsvp-confirmed', { people }, now, { ics: true });
    else if (status === 'waiting') mailResident(tx, mailer, settings, resident, dinner, 'rsvp-waiting', { people, position: waitingPosition(tx, dinnerId, waitSeq!) }, now);
    else mailResident(tx, mailer, settings, resident, dinner, 'rsvp-cancelled', {}, now);
  }
  if (context.actorUserId !== null) {
    recordAudit(tx, { actorUserId: context.actorUserId, action: 'rsvp.answered_on_behalf', objectType: 'rsvp', objectId: rsvpId, details: { answer: input.answer, people, source: context.source } }, now);
  }

  const takenAfter = taken - (current?.status === 'confirmed' ? current.people : 0) + (status === 'confirmed' ? people : 0);
  const promoted = promoteWaiting(tx, mailer, settings, dinner, now, takenAfter);
  const finalStatus = promoted.includes(rsvpId) ? 'confirmed' : status;
  return { rsvpId, status: finalStatus, outcome: promoted.includes(rsvpId) ? 'confirmed' : outcome, people };
}

/**
 * For scheduling: a higher capacity frees seats; the first waiting households that fit are
 * confirmed and told so.
 */
export function promoteWaitingList(db: Db, mailer: Mailer, settings: RsvpSettings, dinnerId: number, now: Date): number[] {
  return writeTransaction(db, (tx) => {
    const dinner = findDinnerForRsvp(tx, dinnerId);
    if (!dinner || dinner.status !== 'published') return [];
    return promoteWaiting(tx, mailer, settings, dinner, now);
  });
}

// ---------------------------------------------------------------------------------------------
// Read models for staff pages

/** Published dinners that have not started: the ones staff can register answers for. */
export function listOpenDinners(db: DbOrTx, now: Date) {
  return db
    .select({ id: dinners.id, title: dinners.title, startsAt: dinners.startsAt })
    .from(dinners)
    .where(and(eq(dinners.status, 'published'), gt(dinners.startsAt, now)))
    .orderBy(asc(dinners.startsAt))
    .limit(100)
    .all();
}

/** A resident's answers, newest dinner first, for the staff page. */
export function listResidentAnswers(db: DbOrTx, residentId: number) {
  return db
    .select({ dinnerId: dinners.id, title: dinners.title, startsAt: dinners.startsAt, status: rsvps.status, people: rsvps.people, source: rsvps.source })
    .from(rsvps)
    .innerJoin(dinners, eq(dinners.id, rsvps.dinnerId))
    .where(eq(rsvps.residentId, residentId))
    .orderBy(sql`${dinners.startsAt} desc`)
    .all();
}
