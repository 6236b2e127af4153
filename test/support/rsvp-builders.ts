import crypto from 'node:crypto';
import type { Db } from '../../src/db/client.ts';
import { residentListMembers, residentLists, residents, type Resident } from '../../src/features/residents/residents.schema.ts';
import { joinRequests, rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { issueRsvpLink } from '../../src/features/rsvp/rsvp.service.ts';
import { hashToken, newToken } from '../../src/lib/tokens.ts';
import { dinners, venues, type Dinner } from '../../src/features/scheduling/scheduling.schema.ts';

let sequence = 0;
const DAY = 24 * 60 * 60_000;

/** A published dinner (18:00–21:00 Amsterdam, 2030-01-20) at a fresh venue; overridable. */
export function buildDinner(db: Db, overrides: Partial<typeof dinners.$inferInsert> = {}): Dinner {
  sequence += 1;
  const now = new Date('2030-01-01T00:00:00Z');
  const venue = db
    .insert(venues)
    .values({ name: `Buurthuis ${sequence}`, address: `Kerkstraat ${sequence}`, postcode: '1234 AB', city: 'Utrecht', neighbourhood: 'Oost', capacity: 200, createdAt: now, updatedAt: now })
    .returning()
    .get();
  const startsAt = overrides.startsAt ?? new Date('2030-01-20T17:00:00Z');
  return db
    .insert(dinners)
    .values({
      uid: `${crypto.randomUUID()}@test`,
      venueId: venue.id,
      title: `Buurtetentje ${sequence}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3 * 60 * 60_000),
      localDate: '2030-01-20',
      capacity: 12,
      rsvpDeadline: new Date(startsAt.getTime() - DAY),
      status: 'published',
      visibility: 'public',
      createdAt: now,
      updatedAt: now,
      ...overrides,
    })
    .returning()
    .get();
}

/** A resident with a unique e-mail address, one adult, Dutch. */
export function buildResident(db: Db, overrides: Partial<typeof residents.$inferInsert> = {}): Resident {
  sequence += 1;
  const now = new Date('2030-01-01T00:00:00Z');
  return db
    .insert(residents)
    .values({ name: `Bewoner ${sequence}`, email: `bewoner${sequence}-${crypto.randomUUID().slice(0, 8)}@test.example`, locale: 'nl', neighbourhood: 'Oost', createdAt: now, updatedAt: now, ...overrides })
    .returning()
    .get();
}

/** A personal link path (/r/<token>) for a resident and a dinner. */
export function personalLink(db: Db, residentId: number, dinner: Dinner, now = new Date('2030-01-10T12:00:00Z')): string {
  return `/r/${issueRsvpLink(db, residentId, dinner, now)}`;
}

/** A confirmed answer row for a new resident (no mail), for staff-page tests. */
export function buildConfirmedRsvp(db: Db, dinner: Dinner, people = 1) {
  const resident = buildResident(db);
  const now = new Date('2030-01-10T12:00:00Z');
  return db.insert(rsvps).values({ dinnerId: dinner.id, residentId: resident.id, people, status: 'confirmed', source: 'invitation', answeredAt: now, confirmedAt: now, createdAt: now, updatedAt: now }).returning().get();
}

/** A raw join-confirmation token for a pending join request. */
export function buildJoinToken(db: Db, dinner: Dinner): string {
  const token = newToken();
  const now = new Date('2030-01-10T12:00:00Z');
  const payload = { name: 'Nieuwe Buur', people: 1, languages: '', consentDiet: false, consentAccess: false, consentBackground: false, diets: [], dietOther: '', access: [], accessOther: '', background: '', backgroundText: '', locale: 'nl' };
  db.insert(joinRequests).values({ dinnerId: dinner.id, email: `join-${token.slice(0, 8).toLowerCase()}@test.example`, payload: JSON.stringify(payload), tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + 48 * 60 * 60_000), createdAt: now }).run();
  return token;
}

/** A saved list (audience) with the given residents as members. */
export function buildResidentList(db: Db, memberIds: number[] = [], name = `Lijst ${crypto.randomUUID().slice(0, 8)}`) {
  const list = db.insert(residentLists).values({ name, createdAt: new Date('2030-01-01T00:00:00Z') }).returning().get();
  for (const residentId of memberIds) db.insert(residentListMembers).values({ listId: list.id, residentId }).run();
  return list;
}
