import type { Db } from '../../src/db/client.ts';
import { homeRounds } from '../../src/features/matching/home-dinners.schema.ts';
import { consents, residents as residentsTable, residentSensitive, type Resident } from '../../src/features/residents/residents.schema.ts';
import { issueRsvpLink } from '../../src/features/rsvp/rsvp.service.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { venueTables, type Dinner, type VenueTable } from '../../src/features/scheduling/scheduling.schema.ts';
import { buildDinner, buildResident } from './rsvp-builders.ts';

const AT = new Date('2030-01-10T12:00:00Z');

/** Tables for a dinner's venue, e.g. [{ seats: 6, accessible: true }, { seats: 6 }]. */
export function buildVenueTables(db: Db, dinner: Dinner, specs: { seats: number; accessible?: boolean; label?: string }[]): VenueTable[] {
  return specs.map((spec, i) =>
    db.insert(venueTables).values({ venueId: dinner.venueId, label: spec.label ?? `Tafel ${i + 1}`, seats: spec.seats, accessible: spec.accessible ?? false, position: i }).returning().get(),
  );
}

type GuestOptions = {
  people?: number;
  languages?: string;
  locale?: string;
  street?: string;
  /** Background with an active consent. */
  background?: string;
  /** Stored background WITHOUT a consent (must never be used). */
  unconsentedBackground?: string;
  diets?: string[];
  wheelchair?: boolean;
  name?: string;
  email?: string | null;
};

/** A resident with a confirmed answer for the dinner, with consented sensitive data as asked. */
export function buildConfirmedGuest(db: Db, dinner: Dinner, options: GuestOptions = {}): { resident: Resident; rsvpId: number } {
  const resident = buildResident(db, {
    languages: options.languages ?? 'Nederlands',
    locale: options.locale ?? 'nl',
    street: options.street ?? '',
    ...(options.name ? { name: options.name } : {}),
    ...(options.email !== undefined ? { email: options.email } : {}),
  });
  const purposes: ('diet' | 'access' | 'background')[] = [];
  if (options.background) purposes.push('background');
  if (options.diets) purposes.push('diet');
  if (options.wheelchair) purposes.push('access');
  if (purposes.length > 0 || options.unconsentedBackground) {
    db.insert(residentSensitive)
      .values({
        residentId: resident.id,
        background: options.background ?? options.unconsentedBackground ?? null,
        diets: options.diets ? JSON.stringify(options.diets) : null,
        access: options.wheelchair ? JSON.stringify(['wheelchair']) : null,
        updatedAt: AT,
      })
      .run();
  }
  for (const purpose of purposes) {
    db.insert(consents).values({ residentId: resident.id, purpose, textVersion: 'test', wording: 'test', locale: 'nl', channel: 'online', givenAt: AT }).run();
  }
  const rsvp = db
    .insert(rsvps)
    .values({ dinnerId: dinner.id, residentId: resident.id, people: options.people ?? 1, status: 'confirmed', source: 'invitation', answeredAt: AT, confirmedAt: AT, createdAt: AT, updatedAt: AT })
    .returning()
    .get();
  return { resident, rsvpId: rsvp.id };
}

/** A dinner with two tables of six and eight confirmed one-person Dutch households. */
export function buildDinnerWithGuests(db: Db, overrides: Parameters<typeof buildDinner>[1] = {}) {
  const dinner = buildDinner(db, { minTableSize: 2, maxTableSize: 8, ...overrides });
  const tables = buildVenueTables(db, dinner, [{ seats: 6, accessible: true }, { seats: 6 }]);
  const guests = Array.from({ length: 8 }, (_, i) => buildConfirmedGuest(db, dinner, { background: i % 2 === 0 ? 'dutch' : 'moroccan' }));
  return { dinner, tables, guests };
}

/** A dinner with an open home-dinner round, and a resident's personal link token for it. */
export function buildHomeRoundLink(db: Db, now = AT, residentOverrides: Partial<typeof residentsTable.$inferInsert> = {}) {
  const dinner = buildDinner(db);
  db.insert(homeRounds).values({ dinnerId: dinner.id, maxDistanceKm: 3, createdAt: now, updatedAt: now }).run();
  const resident = buildResident(db, { postcode: '3512 AB', languages: 'Nederlands', ...residentOverrides });
  return { dinner, resident, token: issueRsvpLink(db, resident.id, dinner, now) };
}
