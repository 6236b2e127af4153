import { and, asc, eq, gte, inArray, isNull, lt, ne } from 'drizzle-orm';
import { writeTransaction, type Db, type DbOrTx } from '../../db/client.ts';
import { notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type Booking, freeSlotsOn, sortBookings, type VenueRules } from './conflicts.ts';
import { addDays, daysBetween, startOfLocalDay, timeOfMinutes, toLocal } from './local-time.ts';
import { dinners, venueClosures, venueOpeningHours, venues, venueTables, type Venue, type VenueClosure, type VenueOpeningHours, type VenueTable } from './scheduling.schema.ts';
import type { FindVenueInput, VenueInput } from './venues.forms.ts';

export type VenueDetails = Venue & { tables: VenueTable[]; openingHours: VenueOpeningHours[]; closures: VenueClosure[] };

function venueColumns(input: VenueInput) {
  return {
    name: input.name,
    address: input.address,
    postcode: input.postcode,
    city: input.city,
    neighbourhood: input.neighbourhood,
    contactName: input.contactName,
    contactPhone: input.contactPhone,
    contactEmail: input.contactEmail,
    capacity: input.capacity,
    kitchen: input.kitchen,
    stepFree: input.stepFree,
    accessibleToilet: input.accessibleToilet,
    hearingLoop: input.hearingLoop,
    parking: input.parking,
    setupMinutes: input.setupMinutes,
    cleanupMinutes: input.cleanupMinutes,
    notes: input.notes,
  };
}

/** Creates a venue with its tables, opening hours and closed periods. */
export function createVenue(db: Db, input: VenueInput, actorId: number | null, now: Date): Venue {
  return writeTransaction(db, (tx) => {
    const venue = tx.insert(venues).values({ ...venueColumns(input), createdAt: now, updatedAt: now }).returning().get();
    writeChildren(tx, venue.id, input);
    recordAudit(tx, { actorUserId: actorId, action: 'scheduling.venue_created', objectType: 'venue', objectId: venue.id }, now);
    return venue;
  });
}

/**
 * Updates a venue. Tables keep their ids (the matching feature seats households at them):
 * submitted rows with an id are updated, new rows inserted, rows left out deleted.
 */
export function updateVenue(db: Db, venueId: number, input: VenueInput, actorId: number | null, now: Date): Venue {
  return writeTransaction(db, (tx) => {
    const existing = tx.select({ id: venues.id }).from(venues).where(eq(venues.id, venueId)).get();
    if (!existing) throw notFound();
    const venue = tx.update(venues).set({ ...venueColumns(input), updatedAt: now }).where(eq(venues.id, venueId)).returning().get();
    writeChildren(tx, venueId, input);
    recordAudit(tx, { actorUserId: actorId, action: 'scheduling.venue_updated', objectType: 'venue', objectId: venueId }, now);
    return venue;
  });
}

function writeChildren(tx: DbOrTx, venueId: number, input: VenueInput): void {
  const current = tx.select({ id: venueTables.id }).from(venueTables).where(eq(venueTables.venueId, venueId)).all();
  const currentIds = new Set(current.map((row) => row.id));
  const kept = new Set<number>();
  input.tables.forEach((table, position) => {
    const values = { label: table.label, seats: table.seats, accessible: table.accessible, position };
    if (table.id !== null && currentIds.has(table.id) && !kept.has(table.id)) {
      tx.update(venueTables).set(values).where(eq(venueTables.id, table.id)).run();
      kept.add(table.id);
    } else {
      tx.insert(venueTables).values({ venueId, ...values }).run();
    }
  });
  const removed = [...currentIds].filter((id) => !kept.has(id));
  if (removed.length > 0) tx.delete(venueTables).where(inArray(venueTables.id, removed)).run();

  tx.delete(venueOpeningHours).where(eq(venueOpeningHours.venueId, venueId)).run();
  for (const window of input.openingHours) tx.insert(venueOpeningHours).values({ venueId, ...window }).run();
  tx.delete(venueClosures).where(eq(venueClosures.venueId, venueId)).run();
  for (const closure of input.closures) tx.insert(venueClosures).values({ venueId, ...closure }).run();
}

/** Archived venues disappear from choices for new dinners; their dinners stay. */
export function setVenueArchived(db: Db, venueId: number, archived: boolean, actorId: number | null, now: Date): void {
  writeTransaction(db, (tx) => {
    const venue = tx.select({ id: venues.id }).from(venues).where(eq(venues.id, venueId)).get();
    if (!venue) throw notFound();
    tx.update(venues).set({ archivedAt: archived ? now : null, updatedAt: now }).where(eq(venues.id, venueId)).run();
    recordAudit(tx, { actorUserId: actorId, action: archived ? 'scheduling.venue_archived' : 'scheduling.venue_restored', objectType: 'venue', objectId: venueId }, now);
  });
}

export type VenueListRow = Pick<Venue, 'id' | 'name' | 'address' | 'neighbourhood' | 'capacity' | 'kitchen' | 'stepFree' | 'archivedAt'> & { tableCount: number; seats: number };

export function listVenues(db: DbOrTx, options: { includeArchived?: boolean } = {}): VenueListRow[] {
  const rows = db
    .select({
      id: venues.id,
      name: venues.name,
      address: venues.address,
      neighbourhood: venues.neighbourhood,
      capacity: venues.capacity,
      kitchen: venues.kitchen,
      stepFree: venues.stepFree,
      archivedAt: venues.archivedAt,
    })
    .from(venues)
    .where(options.includeArchived ? undefined : isNull(venues.archivedAt))
    .orderBy(asc(venues.name))
    .all();
  const tables = db.select({ venueId: venueTables.venueId, seats: venueTables.seats }).from(venueTables).all();
  return rows.map((row) => {
    const own = tables.filter((table) => table.venueId === row.id);
    return { ...row, tableCount: own.length, seats: own.reduce((sum, table) => sum + table.seats, 0) };
  });
}

/** Names of the neighbourhoods that have a venue, for filters. */
export function listNeighbourhoods(db: DbOrTx): string[] {
  const rows = db.selectDistinct({ neighbourhood: venues.neighbourhood }).from(venues).orderBy(asc(venues.neighbourhood)).all();
  return rows.map((row) => row.neighbourhood);
}

export function findVenueDetails(db: DbOrTx, venueId: number): VenueDetails | undefined {
  const venue = db.select().from(venues).where(eq(venues.id, venueId)).get();
  if (!venue) return undefined;
  return {
    ...venue,
    tables: db.select().from(venueTables).where(eq(venueTables.venueId, venueId)).orderBy(asc(venueTables.position), asc(venueTables.id)).all(),
    openingHours: db.select().from(venueOpeningHours).where(eq(venueOpeningHours.venueId, venueId)).orderBy(asc(venueOpeningHours.weekday), asc(venueOpeningHours.opensAt)).all(),
    closures: db.select().from(venueClosures).where(eq(venueClosures.venueId, venueId)).orderBy(asc(venueClosures.startsOn)).all(),
  };
}

export function toVenueRules(venue: VenueDetails): VenueRules {
  return {
    id: venue.id,
    name: venue.name,
    capacity: venue.capacity,
    setupMinutes: venue.setupMinutes,
    cleanupMinutes: venue.cleanupMinutes,
    openingHours: venue.openingHours,
    closures: venue.closures,
  };
}

/** Dinners that occupy a venue in a time range (cancelled ones free it), optionally leaving some out. */
export function loadBookings(db: DbOrTx, venueId: number, from: Date, until: Date, excludeIds: readonly number[] = []): Booking[] {
  const conditions = [eq(dinners.venueId, venueId), ne(dinners.status, 'cancelled'), lt(dinners.startsAt, until), gte(dinners.endsAt, from)];
  const rows = db
    .select({ id: dinners.id, title: dinners.title, startsAt: dinners.startsAt, endsAt: dinners.endsAt })
    .from(dinners)
    .where(and(...conditions))
    .all();
  const excluded = new Set(excludeIds);
  return sortBookings(
    rows.filter((row) => !excluded.has(row.id)).map((row) => ({ id: row.id, title: row.title, startsAt: row.startsAt.getTime(), endsAt: row.endsAt.getTime() })),
  );
}

export type VenueMatch = {
  venue: Pick<Venue, 'id' | 'name' | 'address' | 'neighbourhood' | 'capacity' | 'kitchen' | 'stepFree' | 'accessibleToilet' | 'hearingLoop' | 'parking'>;
  accessibleTables: number;
  slots: Array<{ date: string; from: string; until: string; endTime: string }>;
  slotCount: number;
};

export const FIND_MAX_DAYS = 62;
const SLOTS_SHOWN = 12;

/**
 * Venues that fit the guests and needs, with their free start-time ranges per day in the range,
 * best first: the snuggest fit (fewest empty seats), then the most free days.
 */
export function findVenues(db: DbOrTx, input: FindVenueInput, now: Date, timeZone: string): VenueMatch[] {
  const lastDay = daysBetween(input.from, input.until) > FIND_MAX_DAYS ? addDays(input.from, FIND_MAX_DAYS) : input.until;
  const rangeStart = startOfLocalDay(input.from, timeZone);
  const rangeEnd = startOfLocalDay(addDays(lastDay, 1), timeZone);
  const today = toLocal(now, timeZone);
  const candidates = listVenues(db).filter((venue) => venue.capacity >= input.guests);
  const matches: VenueMatch[] = [];
  for (const row of candidates) {
    const venue = findVenueDetails(db, row.id)!;
    if (input.stepFree && !venue.stepFree) continue;
    if (input.kitchen === 'full' && venue.kitchen !== 'full') continue;
    if (input.kitchen === 'warming' && venue.kitchen === 'none') continue;
    const accessibleTables = venue.tables.filter((table) => table.accessible).length;
    if (input.accessibleTables && accessibleTables === 0) continue;
    const rules = toVenueRules(venue);
    const bookings = loadBookings(db, venue.id, rangeStart, rangeEnd);
    const slots: VenueMatch['slots'] = [];
    for (let date = input.from; date <= lastDay; date = addDays(date, 1)) {
      if (date < today.date) continue;
      const notBefore = Math.max(input.notBefore ? Number(input.notBefore.slice(0, 2)) * 60 + Number(input.notBefore.slice(3)) : 0, date === today.date ? today.minutes + 1 : 0);
      for (const slot of freeSlotsOn(rules, bookings, date, input.duration, timeZone, notBefore)) {
        slots.push({ date, from: timeOfMinutes(slot.from), until: timeOfMinutes(slot.until), endTime: timeOfMinutes(slot.from + input.duration) });
      }
    }
    if (slots.length === 0) continue;
    matches.push({
      venue: {
        id: venue.id,
        name: venue.name,
        address: venue.address,
        neighbourhood: venue.neighbourhood,
        capacity: venue.capacity,
        kitchen: venue.kitchen,
        stepFree: venue.stepFree,
        accessibleToilet: venue.accessibleToilet,
        hearingLoop: venue.hearingLoop,
        parking: venue.parking,
      },
      accessibleTables,
      slots: slots.slice(0, SLOTS_SHOWN),
      slotCount: slots.length,
    });
  }
  const freeDays = (match: VenueMatch) => new Set(match.slots.map((slot) => slot.date)).size;
  return matches.sort((a, b) => a.venue.capacity - input.guests - (b.venue.capacity - input.guests) || freeDays(b) - freeDays(a) || b.slotCount - a.slotCount || a.venue.name.localeCompare(b.venue.name));
}
