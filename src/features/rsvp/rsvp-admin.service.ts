import { and, asc, eq, inArray, isNull, notExists, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { writeTransaction } from '../../db/client.ts';
import { AppError, conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import { residentListMembers, residents, residentSensitive } from '../residents/residents.schema.ts';
import { parseTagList } from '../residents/residents.service.ts';
import { rsvps, type CheckIn } from './rsvp.schema.ts';
import { answerWindow, confirmedPeople, findDinnerForRsvp, mailResident, type RsvpSettings } from './rsvp.service.ts';

export const AUDIENCE_KINDS = ['all', 'neighbourhood', 'complex', 'street', 'list'] as const;
export type Audience = { kind: (typeof AUDIENCE_KINDS)[number]; value: string; neverCameFirst: boolean; limit: number | null };

/**
 * Invites an audience to a dinner: everyone in a neighbourhood, complex, street or saved list (or
 * everyone), optionally those who never came to a dinner first, up to an optional limit. Residents
 * already invited or answered are skipped. Each gets a mail in their language with a personal link;
 * residents without e-mail are invited too and counted, so staff can phone them.
 */
export function inviteAudience(db: Db, mailer: Mailer, settings: RsvpSettings, dinnerId: number, audience: Audience, actorUserId: number, now: Date) {
  return writeTransaction(db, (tx) => {
    const dinner = findDinnerForRsvp(tx, dinnerId);
    if (!dinner) throw notFound();
    if (answerWindow(dinner, now) !== 'open') throw conflict('answers_closed', 'rsvp:admin.inviteClosed');
    const conditions = [
      notExists(tx.select({ one: sql`1` }).from(rsvps).where(and(eq(rsvps.dinnerId, dinnerId), eq(rsvps.residentId, residents.id)))),
    ];
    if (audience.kind === 'neighbourhood') conditions.push(eq(residents.neighbourhood, audience.value));
    if (audience.kind === 'complex') conditions.push(eq(residents.complex, audience.value));
    if (audience.kind === 'street') conditions.push(eq(residents.street, audience.value));
    if (audience.kind === 'list') {
      conditions.push(inArray(residents.id, tx.select({ id: residentListMembers.residentId }).from(residentListMembers).where(eq(residentListMembers.listId, Number(audience.value) || 0))));
    }
    // 0 = never confirmed for any dinner yet; those come first when asked.
    const cameBefore = sql<number>`exists (select 1 from rsvps r where r.resident_id = ${residents.id} and (r.status = 'confirmed' or r.check_in = 'arrived'))`;
    let query = tx
      .select({ id: residents.id, name: residents.name, email: residents.email, locale: residents.locale })
      .from(residents)
      .where(and(...conditions))
      .orderBy(...(audience.neverCameFirst ? [asc(cameBefore), asc(residents.id)] : [asc(residents.id)]))
      .$dynamic();
    if (audience.limit) query = query.limit(audience.limit);
    const chosen = query.all();
    let withoutEmail = 0;
    for (const resident of chosen) {
      tx.insert(rsvps).values({ dinnerId, residentId: resident.id, status: 'invited', people: 0, source: 'invitation', invitedAt: now, createdAt: now, updatedAt: now }).run();
      if (!mailResident(tx, mailer, settings, resident, dinner, 'rsvp-invitation', {}, now)) withoutEmail += 1;
    }
    recordAudit(tx, { actorUserId, action: 'rsvp.invited', objectType: 'dinner', objectId: dinnerId, details: { audience: audience.kind, invited: chosen.length } }, now);
    return { invited: chosen.length, withoutEmail };
  });
}

/**
 * Invited households without an e-mail address who have not answered yet: the invitation could not
 * be mailed, so someone phones them and registers their answer on their resident page.
 */
export function listInviteesToCall(db: Db, dinnerId: number) {
  return db
    .select({ residentId: residents.id, name: residents.name, phone: residents.phone, people: sql<number>`${residents.adults} + ${residents.children}` })
    .from(rsvps)
    .innerJoin(residents, eq(residents.id, rsvps.residentId))
    .where(and(eq(rsvps.dinnerId, dinnerId), eq(rsvps.status, 'invited'), isNull(residents.email)))
    .orderBy(asc(residents.name), asc(residents.id))
    .all();
}

/** Diet tags whose guests the kitchen must know by name (allergies and intolerances). */
const NAMED_DIETS = new Set(['nut_allergy', 'gluten_free', 'lactose_free']);

/**
 * The organiser's view of a dinner: confirmed households, the waiting list, a diet summary for the
 * kitchen (counts; names only for allergies and free-text wishes) and access needs by name.
 * Cultural background is never part of it. Each view is audited by the route (test plan H5).
 */
export function dinnerGuests(db: Db, dinnerId: number) {
  const dinner = findDinnerForRsvp(db, dinnerId);
  if (!dinner) throw notFound();
  const rows = db
    .select({
      id: rsvps.id,
      status: rsvps.status,
      people: rsvps.people,
      waitSeq: rsvps.waitSeq,
      checkIn: rsvps.checkIn,
      source: rsvps.source,
      walkInName: rsvps.walkInName,
      residentId: residents.id,
      name: residents.name,
      phone: residents.phone,
      diets: residentSensitive.diets,
      dietOther: residentSensitive.dietOther,
      access: residentSensitive.access,
      accessOther: residentSensitive.accessOther,
    })
    .from(rsvps)
    .leftJoin(residents, eq(residents.id, rsvps.residentId))
    .leftJoin(residentSensitive, eq(residentSensitive.residentId, rsvps.residentId))
    .where(eq(rsvps.dinnerId, dinnerId))
    .orderBy(asc(rsvps.waitSeq), asc(rsvps.id))
    .all();
  const guests = rows.map((row) => ({
    id: row.id,
    status: row.status,
    people: row.people,
    waitSeq: row.waitSeq,
    checkIn: row.checkIn,
    source: row.source,
    name: row.name ?? row.walkInName ?? null,
    phone: row.phone,
    diets: parseTagList(row.diets),
    dietOther: row.dietOther ?? '',
    access: parseTagList(row.access),
    accessOther: row.accessOther ?? '',
  }));
  const confirmed = guests.filter((g) => g.status === 'confirmed').sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  const waiting = guests.filter((g) => g.status === 'waiting');
  const diets = new Map<string, { households: number; people: number; names: string[] }>();
  const otherDiets: { name: string | null; text: string }[] = [];
  const accessNeeds: { name: string | null; people: number; tags: string[]; other: string }[] = [];
  for (const guest of confirmed) {
    for (const tag of guest.diets) {
      const entry = diets.get(tag) ?? { households: 0, people: 0, names: [] };
      entry.households += 1;
      entry.people += guest.people;
      if (NAMED_DIETS.has(tag) && guest.name) entry.names.push(guest.name);
      diets.set(tag, entry);
    }
    if (guest.dietOther) otherDiets.push({ name: guest.name, text: guest.dietOther });
    if (guest.access.length > 0 || guest.accessOther) accessNeeds.push({ name: guest.name, people: guest.people, tags: guest.access, other: guest.accessOther });
  }
  return {
    dinner,
    confirmed,
    waiting,
    counts: {
      confirmedPeople: confirmed.reduce((sum, g) => sum + g.people, 0),
      confirmedHouseholds: confirmed.length,
      waitingPeople: waiting.reduce((sum, g) => sum + g.people, 0),
      invited: guests.filter((g) => g.status === 'invited').length,
      declined: guests.filter((g) => g.status === 'declined' || g.status === 'cancelled').length,
      arrived: confirmed.filter((g) => g.checkIn === 'arrived').reduce((sum, g) => sum + g.people, 0),
    },
    dietSummary: [...diets.entries()].map(([tag, entry]) => ({ tag, ...entry })).sort((a, b) => b.people - a.people),
    otherDiets,
    accessNeeds,
  };
}
export type DinnerGuests = ReturnType<typeof dinnerGuests>;

/** Marks a confirmed household as arrived or no-show at the door (or clears the mark). */
export function setCheckIn(db: Db, dinnerId: number, rsvpId: number, value: CheckIn | null, actorUserId: number, now: Date): void {
  writeTransaction(db, (tx) => {
    const changed = tx
      .update(rsvps)
      .set({ checkIn: value, checkInAt: value ? now : null, updatedAt: now })
      .where(and(eq(rsvps.id, rsvpId), eq(rsvps.dinnerId, dinnerId), eq(rsvps.status, 'confirmed')))
      .run().changes;
    if (changed === 0) throw notFound();
    recordAudit(tx, { actorUserId, action: 'rsvp.check_in', objectType: 'rsvp', objectId: rsvpId, details: { value } }, now);
  });
}

/** Adds a walk-in household at the door, if seats are free; it counts as confirmed and arrived. */
export function addWalkIn(db: Db, dinnerId: number, name: string, people: number, actorUserId: number, now: Date): void {
  writeTransaction(db, (tx) => {
    const dinner = findDinnerForRsvp(tx, dinnerId);
    if (!dinner) throw notFound();
    if (dinner.status === 'cancelled') throw conflict('dinner_cancelled', 'rsvp:errors.dinnerCancelled');
    const free = dinner.capacity - confirmedPeople(tx, dinnerId);
    if (people > free) throw new AppError(409, 'no_seats', 'rsvp:admin.walkInFull', { free: Math.max(0, free) });
    const row = tx
      .insert(rsvps)
      .values({ dinnerId, residentId: null, walkInName: name, people, status: 'confirmed', source: 'door', answeredAt: now, confirmedAt: now, checkIn: 'arrived', checkInAt: now, answeredByUserId: actorUserId, createdAt: now, updatedAt: now })
      .returning({ id: rsvps.id })
      .get();
    recordAudit(tx, { actorUserId, action: 'rsvp.walk_in', objectType: 'rsvp', objectId: row.id, details: { people } }, now);
  });
}
