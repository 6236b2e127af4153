import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import { residents } from '../residents/residents.schema.ts';
import { rsvps } from '../rsvp/rsvp.schema.ts';
import { findDinnerForRsvp, promoteWaiting } from '../rsvp/rsvp.service.ts';

// ─── Plug-in point for the RSVP feature ──────────────────────────────────────────────────────
// Scheduling needs two facts that only RSVP knows. Until RSVP lands, both answer "nobody".
// The RSVP feature replaces the two bodies below (and nothing else in scheduling):
//
//   listDinnerRecipients: everyone who answered the dinner (yes, waiting list, and — if RSVP
//     decides so — no), deduplicated by e-mail, in their own language. Scheduling mails them
//     the cancellation or the new time, with an updated calendar entry, in the same transaction
//     as the change (it receives the transaction handle).
//   countSeatsTaken: confirmed seats per dinner, for "places left" on the public pages.
//     Called once per page with all dinner ids on it: answer with one grouped query.
// ─────────────────────────────────────────────────────────────────────────────────────────────

export type DinnerRecipient = {
  email: string;
  name: string;
  /** One of LOCALES ('nl', 'en', 'tr', 'ar', 'pl', 'uk'); unknown values fall back to Dutch. */
  locale: string;
  /** Optional personal link (e.g. the RSVP manage page) shown in the mail. */
  link?: string;
};

/** Everyone who answered a dinner and must hear about its cancellation or new time. RSVP fills this in. */
export function listDinnerRecipients(db: DbOrTx, dinnerId: number): DinnerRecipient[] {
  // Households with a seat or on the waiting list; a "no" needs no news about this dinner.
  return db
    .selectDistinct({ email: sql<string>`${residents.email}`, name: residents.name, locale: residents.locale })
    .from(rsvps)
    .innerJoin(residents, eq(residents.id, rsvps.residentId))
    .where(and(eq(rsvps.dinnerId, dinnerId), inArray(rsvps.status, ['confirmed', 'waiting']), isNotNull(residents.email)))
    .all();
}

/** Seats taken (confirmed guests) per dinner id; dinners missing from the map have 0. RSVP fills this in. */
export function countSeatsTaken(db: DbOrTx, dinnerIds: readonly number[]): Map<number, number> {
  if (dinnerIds.length === 0) return new Map();
  const rows = db
    .select({ dinnerId: rsvps.dinnerId, taken: sql<number>`coalesce(sum(${rsvps.people}), 0)` })
    .from(rsvps)
    .where(and(inArray(rsvps.dinnerId, [...dinnerIds]), eq(rsvps.status, 'confirmed')))
    .groupBy(rsvps.dinnerId)
    .all();
  return new Map(rows.map((row) => [row.dinnerId, Number(row.taken)]));
}

/**
 * After an organiser raised a published dinner's capacity: RSVP's rule gives the freed seats to
 * the first waiting households that fit, and mails them, in the same transaction. Returns how many moved up.
 */
export function fillFreedSeats(tx: DbOrTx, mailer: Mailer, dinnerId: number, settings: { baseUrl: string; timeZone: string }, now: Date): number {
  const dinner = findDinnerForRsvp(tx, dinnerId);
  if (!dinner || dinner.status !== 'published') return 0;
  return promoteWaiting(tx, mailer, settings, dinner, now).length;
}
