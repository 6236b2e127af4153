import { subMonths } from 'date-fns';
import { and, eq, gt, inArray, isNotNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.ts';
import { writeTransaction } from '../../db/client.ts';
import { outbox } from '../../db/schema.ts';
import { hashToken, looksLikeToken, newToken } from '../../lib/tokens.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import { hearBackConsents, notes } from '../notes/notes.schema.ts';
import { joinRequests, rsvpLinks, rsvps, rsvpSubmissions } from '../rsvp/rsvp.schema.ts';
import { findDinnerForRsvp, promoteWaiting, type RsvpSettings } from '../rsvp/rsvp.service.ts';
import { dinners } from '../scheduling/scheduling.schema.ts';
import { consents, dataBundles, residents, residentSensitive, residentTokens } from './residents.schema.ts';
import { findSensitive } from './residents.service.ts';

// A mail not composed yet (ADR 002) has no subject: the bundle names its kind instead.
const mailSubjectOrTemplate = sql<string>`coalesce(nullif(${outbox.subject}, ''), ${outbox.template})`;

/**
 * Everything stored about one resident, as they may see and download it (GDPR art. 15 and 20):
 * the record, sensitive data, every consent, every answer, the notes and ideas recorded under
 * their name, the dinners they asked to hear back from, and the mails sent to their address.
 */
export function residentDataBundle(db: DbOrTx, residentId: number) {
  const resident = db.select().from(residents).where(eq(residents.id, residentId)).get();
  if (!resident) return undefined;
  const answers = db
    .select({ dinner: dinners.title, startsAt: dinners.startsAt, status: rsvps.status, people: rsvps.people, answeredAt: rsvps.answeredAt, checkIn: rsvps.checkIn })
    .from(rsvps)
    .innerJoin(dinners, eq(dinners.id, rsvps.dinnerId))
    .where(eq(rsvps.residentId, residentId))
    .all();
  const consentRows = db
    .select({ purpose: consents.purpose, textVersion: consents.textVersion, wording: consents.wording, channel: consents.channel, givenAt: consents.givenAt, withdrawnAt: consents.withdrawnAt })
    .from(consents)
    .where(eq(consents.residentId, residentId))
    .all();
  const mails = resident.email
    ? db.select({ subject: mailSubjectOrTemplate, createdAt: outbox.createdAt, status: outbox.status }).from(outbox).where(eq(outbox.toAddress, resident.email)).all()
    : [];
  const namedNotes = db
    .select({ dinner: dinners.title, kind: notes.kind, text: notes.body, quote: notes.quote, status: notes.status, publicAnswer: notes.publicAnswer, createdAt: notes.createdAt })
    .from(notes)
    .innerJoin(dinners, eq(dinners.id, notes.dinnerId))
    .where(eq(notes.residentId, residentId))
    .all();
  const hearBack = db
    .select({ dinner: dinners.title, givenAt: hearBackConsents.givenAt, withdrawnAt: hearBackConsents.withdrawnAt })
    .from(hearBackConsents)
    .innerJoin(dinners, eq(dinners.id, hearBackConsents.dinnerId))
    .where(eq(hearBackConsents.residentId, residentId))
    .all();
  const { consent: _active, ...sensitive } = findSensitive(db, residentId);
  return {
    resident: {
      name: resident.name,
      email: resident.email,
      phone: resident.phone,
      locale: resident.locale,
      street: resident.street,
      houseNumber: resident.houseNumber,
      postcode: resident.postcode,
      complex: resident.complex,
      neighbourhood: resident.neighbourhood,
      adults: resident.adults,
      children: resident.children,
      householdNames: resident.householdNames,
      languages: resident.languages,
      birthYear: resident.birthYear,
      keepSensitive: resident.keepSensitive,
      createdAt: resident.createdAt,
    },
    sensitive,
    consents: consentRows,
    answers,
    notes: namedNotes,
    hearBack,
    mails,
  };
}
export type ResidentDataBundle = NonNullable<ReturnType<typeof residentDataBundle>>;

/** A prepared "my data" file can be fetched for this long (test plan H1). */
export const DATA_BUNDLE_TTL_MS = 24 * 60 * 60_000;

/**
 * Prepares a resident's data file for one download in the browser that asked: returns the secret
 * for that browser's cookie (only its hash is stored). An earlier file that was never fetched goes.
 */
export function prepareDataBundle(db: Db, residentId: number, now: Date): { secret: string; expiresAt: Date } {
  const secret = newToken();
  const expiresAt = new Date(now.getTime() + DATA_BUNDLE_TTL_MS);
  writeTransaction(db, (tx) => {
    const bundle = residentDataBundle(tx, residentId);
    if (!bundle) throw new Error(`resident ${residentId} not found`);
    tx.delete(dataBundles).where(eq(dataBundles.residentId, residentId)).run();
    tx.insert(dataBundles).values({ residentId, cookieHash: hashToken(secret), content: JSON.stringify(bundle, null, 2), createdAt: now, expiresAt }).run();
    recordAudit(tx, { actorUserId: null, action: 'residents.data_requested', objectType: 'resident', objectId: residentId }, now);
  });
  return { secret, expiresAt };
}

function bundleCondition(residentId: number, secret: unknown, now: Date) {
  if (!looksLikeToken(secret)) return undefined;
  return and(eq(dataBundles.cookieHash, hashToken(secret)), eq(dataBundles.residentId, residentId), gt(dataBundles.expiresAt, now));
}

/** When the prepared file for this resident and browser cookie expires, or undefined if there is none to fetch. */
export function findDataBundle(db: Db, residentId: number, secret: unknown, now: Date): { expiresAt: Date } | undefined {
  const condition = bundleCondition(residentId, secret, now);
  if (!condition) return undefined;
  return db.select({ expiresAt: dataBundles.expiresAt }).from(dataBundles).where(condition).get();
}

/** Hands out the prepared file once: it is deleted in the same transaction and the download audited. */
export function takeDataBundle(db: Db, residentId: number, secret: unknown, now: Date): string | undefined {
  const condition = bundleCondition(residentId, secret, now);
  if (!condition) return undefined;
  return writeTransaction(db, (tx) => {
    const row = tx.delete(dataBundles).where(condition).returning({ content: dataBundles.content }).get();
    if (!row) return undefined;
    recordDataAccess(tx, residentId, 'residents.data_downloaded', null, now);
    return row.content;
  });
}

/** Records that a resident's data was viewed or downloaded (by themselves or by staff on request). */
export function recordDataAccess(db: DbOrTx, residentId: number, action: 'residents.data_viewed' | 'residents.data_downloaded', actorUserId: number | null, now: Date): void {
  recordAudit(db, { actorUserId, action, objectType: 'resident', objectId: residentId }, now);
}

/**
 * Deletes a resident: personal data, sensitive data, consents, links and the mails to their
 * address go; their answers stay as anonymous counts (resident_id becomes null). Seats they held
 * for coming dinners are released and given to the waiting list. The audit log keeps only the id.
 */
export function deleteResident(db: Db, mailer: Mailer, settings: RsvpSettings, residentId: number, actorUserId: number | null, now: Date): boolean {
  return writeTransaction(db, (tx) => {
    const resident = tx.select({ id: residents.id, email: residents.email }).from(residents).where(eq(residents.id, residentId)).get();
    if (!resident) return false;
    const upcoming = tx
      .select({ id: rsvps.id, dinnerId: rsvps.dinnerId })
      .from(rsvps)
      .innerJoin(dinners, eq(dinners.id, rsvps.dinnerId))
      .where(and(eq(rsvps.residentId, residentId), inArray(rsvps.status, ['confirmed', 'waiting']), sql`${dinners.startsAt} > ${now.getTime()}`))
      .all();
    for (const row of upcoming) {
      tx.update(rsvps).set({ status: 'cancelled', waitSeq: null, updatedAt: now }).where(eq(rsvps.id, row.id)).run();
    }
    if (resident.email) {
      tx.delete(outbox).where(eq(outbox.toAddress, resident.email)).run();
      tx.delete(joinRequests).where(eq(joinRequests.email, resident.email)).run();
    }
    tx.delete(residents).where(eq(residents.id, residentId)).run();
    for (const row of upcoming) {
      const dinner = findDinnerForRsvp(tx, row.dinnerId);
      if (dinner && dinner.status === 'published') promoteWaiting(tx, mailer, settings, dinner, now);
    }
    recordAudit(tx, { actorUserId, action: 'residents.deleted', objectType: 'resident', objectId: residentId }, now);
    return true;
  });
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * The retention job (test plan H3): removes sensitive data a configured number of days after the
 * resident's last dinner (or after they were added, if they never came) unless they chose to keep
 * it; anonymises the answers of dinners more than the configured months ago; deletes prepared
 * "my data" files, expired links and unconfirmed join requests.
 */
export function purgeExpiredData(db: Db, now: Date, retentionDays: number, anonymiseAfterMonths = 12): { sensitivePurged: number; rsvpsAnonymised: number } {
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  return writeTransaction(db, (tx) => {
    const stale = tx
      .select({ id: residents.id })
      .from(residents)
      .where(and(eq(residents.keepSensitive, false), sql`coalesce(${residents.lastDinnerAt}, ${residents.createdAt}) < ${cutoff}`))
      .all()
      .map((row) => row.id);
    let sensitivePurged = 0;
    for (let i = 0; i < stale.length; i += 500) {
      const ids = stale.slice(i, i + 500);
      sensitivePurged += tx
        .delete(residentSensitive)
        .where(
          and(
            inArray(residentSensitive.residentId, ids),
            or(isNotNull(residentSensitive.diets), isNotNull(residentSensitive.dietOther), isNotNull(residentSensitive.access), isNotNull(residentSensitive.accessOther), isNotNull(residentSensitive.background), isNotNull(residentSensitive.backgroundText)),
          ),
        )
        .run().changes;
      tx.delete(residentSensitive).where(inArray(residentSensitive.residentId, ids)).run();
    }
    const rsvpsAnonymised = anonymiseOldAnswers(tx, subMonths(now, anonymiseAfterMonths));
    tx.delete(dataBundles).where(lte(dataBundles.expiresAt, now)).run();
    tx.delete(rsvpLinks).where(lt(rsvpLinks.expiresAt, now)).run();
    tx.delete(residentTokens).where(lt(residentTokens.expiresAt, now)).run();
    tx.delete(joinRequests).where(lt(joinRequests.expiresAt, now)).run();
    if (sensitivePurged > 0) recordAudit(tx, { actorUserId: null, action: 'residents.sensitive_purged', details: { residents: sensitivePurged } }, now);
    if (rsvpsAnonymised > 0) recordAudit(tx, { actorUserId: null, action: 'rsvp.answers_anonymised', details: { answers: rsvpsAnonymised } }, now);
    return { sensitivePurged, rsvpsAnonymised };
  });
}

/**
 * Anonymises the answers for dinners that started before `before`; returns how many rows changed.
 * Answers that never gave a seat lose their resident. Confirmed answers keep it, because the
 * participation report (households, first-timers, returning guests) and the seating history
 * ("who already met") count people across years; they lose every personal detail instead:
 * a walk-in's name, who registered the answer, when it was given, and its submission keys.
 */
function anonymiseOldAnswers(tx: Tx, before: Date): number {
  const oldDinners = tx.select({ id: dinners.id }).from(dinners).where(lt(dinners.startsAt, before));
  const unlinked = tx
    .update(rsvps)
    .set({ residentId: null, walkInName: null, answeredByUserId: null, invitedAt: null, answeredAt: null, confirmedAt: null, checkInAt: null })
    .where(and(inArray(rsvps.dinnerId, oldDinners), isNotNull(rsvps.residentId), ne(rsvps.status, 'confirmed')))
    .run().changes;
  const stripped = tx
    .update(rsvps)
    .set({ walkInName: null, answeredByUserId: null, invitedAt: null, answeredAt: null, confirmedAt: null, checkInAt: null })
    .where(
      and(
        inArray(rsvps.dinnerId, oldDinners),
        or(isNotNull(rsvps.walkInName), isNotNull(rsvps.answeredByUserId), isNotNull(rsvps.invitedAt), isNotNull(rsvps.answeredAt), isNotNull(rsvps.confirmedAt), isNotNull(rsvps.checkInAt)),
      ),
    )
    .run().changes;
  tx.delete(rsvpSubmissions).where(inArray(rsvpSubmissions.rsvpId, tx.select({ id: rsvps.id }).from(rsvps).where(inArray(rsvps.dinnerId, oldDinners)))).run();
  return unlinked + stripped;
}
