// Data generators shared by the benchmarks. A *.bench.ts file runs when it is imported, so what
// two of them build lives here.
import crypto from 'node:crypto';
import { openDatabase } from '../../src/db/client.ts';
import { residents } from '../../src/features/residents/residents.schema.ts';
import { rsvpLinks } from '../../src/features/rsvp/rsvp.schema.ts';
import { dinners, venues } from '../../src/features/scheduling/scheduling.schema.ts';
import type { VenueInput } from '../../src/features/scheduling/venues.forms.ts';
import { hashToken, newToken } from '../../src/lib/tokens.ts';

export const NEIGHBOURHOODS = ['Oost', 'West', 'Lombok', 'Kanaleneiland', 'Overvecht', 'Zuilen', 'Hoograven', 'Tuindorp'];

/** Venue i of the benchmark town: 30–70 seats, five tables of six (the first accessible), open 10:00–23:00 every day. */
export function benchVenueInput(i: number, closures: VenueInput['closures'] = []): VenueInput {
  return {
    name: `Buurthuis ${i + 1}`, address: `Straat ${i + 1}`, postcode: '3511 AB', city: 'Utrecht', neighbourhood: NEIGHBOURHOODS[i % NEIGHBOURHOODS.length]!,
    contactName: '', contactPhone: '', contactEmail: '', capacity: 30 + (i % 5) * 10, kitchen: i % 3 === 0 ? 'full' : 'warming',
    stepFree: i % 2 === 0, accessibleToilet: i % 3 === 0, hearingLoop: i % 4 === 0, parking: i % 5 === 0, setupMinutes: 30, cleanupMinutes: 30, notes: '',
    tables: Array.from({ length: 5 }, (_, t) => ({ id: null, label: `Tafel ${t + 1}`, seats: 6, accessible: t === 0 })),
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opensAt: '10:00', closesAt: '23:00' })),
    closures,
  };
}

/** A personal link for a resident to a dinner: the raw token for the request path, and the row that stores its hash. */
export function personalLink(residentId: number, dinner: { id: number; endsAt: Date }, now: Date) {
  const token = newToken();
  return { token, row: { residentId, dinnerId: dinner.id, tokenHash: hashToken(token), expiresAt: dinner.endsAt, createdAt: now } };
}

/** The most seats the dinner form accepts (scheduling/dinners.forms.ts). */
const LARGEST_DINNER = 1000;

/**
 * Published dinners of the largest size the forms accept, with room for everyone, and `count`
 * residents each with a personal link to one of them (a thousand per dinner): every answer is
 * a seat, in a dinner as full as the app lets one get.
 */
export function prepareRsvpDatabase(file: string, count: number): { dinnerIds: number[]; tokens: string[] } {
  const db = openDatabase(file);
  const now = new Date();
  const startsAt = new Date(now.getTime() + 30 * 24 * 60 * 60_000);
  const tokens: string[] = [];
  const dinnerIds = db.transaction((tx) => {
    const venue = tx.insert(venues).values({ name: 'Buurthuis Bench', address: 'Benchstraat 1', postcode: '1234 AB', neighbourhood: 'Oost', capacity: LARGEST_DINNER, createdAt: now, updatedAt: now }).returning().get();
    const ids: number[] = [];
    let dinner: { id: number; endsAt: Date } | undefined;
    for (let i = 0; i < count; i += 1) {
      if (i % LARGEST_DINNER === 0) {
        const starts = new Date(startsAt.getTime() + (i / LARGEST_DINNER) * 24 * 60 * 60_000);
        dinner = tx
          .insert(dinners)
          .values({ uid: `${crypto.randomUUID()}@bench`, venueId: venue.id, title: `Benchmark-etentje ${ids.length + 1}`, startsAt: starts, endsAt: new Date(starts.getTime() + 3 * 3600_000), localDate: '2099-01-01', capacity: LARGEST_DINNER, rsvpDeadline: new Date(starts.getTime() - 86_400_000), status: 'published', visibility: 'public', createdAt: now, updatedAt: now })
          .returning({ id: dinners.id, endsAt: dinners.endsAt })
          .get();
        ids.push(dinner.id);
      }
      const resident = tx.insert(residents).values({ name: `Bewoner ${i}`, email: `bewoner${i}@bench.example`, locale: 'nl', createdAt: now, updatedAt: now }).returning({ id: residents.id }).get();
      const link = personalLink(resident.id, dinner!, now);
      tx.insert(rsvpLinks).values(link.row).run();
      tokens.push(link.token);
    }
    return ids;
  });
  db.$client.close();
  return { dinnerIds, tokens };
}
