import { and, asc, count, desc, eq, gt, gte, inArray, lt, ne, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { countSeatsTaken } from './rsvp-bridge.ts';
import { dinners, venues, venueTables, type Diet, type Dinner, type DinnerStatus, type Visibility } from './scheduling.schema.ts';

// Read models for pages and feeds: narrow selects, one query per list, no N+1.

export type PublicDinnerCard = {
  id: number;
  title: string;
  theme: string;
  startsAt: Date;
  endsAt: Date;
  status: DinnerStatus;
  diets: Diet[];
  languages: string;
  placesLeft: number;
  capacity: number;
  venue: { id: number; name: string; address: string; neighbourhood: string; stepFree: boolean; accessibleToilet: boolean; hearingLoop: boolean; parking: boolean; accessibleTables: number };
};

export function parseDiets(json: string): Diet[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value.filter((item) => typeof item === 'string') as Diet[]) : [];
  } catch {
    return [];
  }
}

const cardColumns = {
  id: dinners.id,
  title: dinners.title,
  theme: dinners.theme,
  startsAt: dinners.startsAt,
  endsAt: dinners.endsAt,
  status: dinners.status,
  diets: dinners.diets,
  languages: dinners.languages,
  capacity: dinners.capacity,
  venueId: venues.id,
  venueName: venues.name,
  venueAddress: venues.address,
  neighbourhood: venues.neighbourhood,
  stepFree: venues.stepFree,
  accessibleToilet: venues.accessibleToilet,
  hearingLoop: venues.hearingLoop,
  parking: venues.parking,
};

function accessibleTablesByVenue(db: DbOrTx, venueIds: number[]): Map<number, number> {
  if (venueIds.length === 0) return new Map();
  const rows = db
    .select({ venueId: venueTables.venueId, n: count() })
    .from(venueTables)
    .where(and(inArray(venueTables.venueId, [...new Set(venueIds)]), eq(venueTables.accessible, true)))
    .groupBy(venueTables.venueId)
    .all();
  return new Map(rows.map((row) => [row.venueId, row.n]));
}

function toCards(db: DbOrTx, rows: Array<{ [K in keyof typeof cardColumns]: unknown }>): PublicDinnerCard[] {
  const typed = rows as Array<{
    id: number; title: string; theme: string; startsAt: Date; endsAt: Date; status: DinnerStatus; diets: string; languages: string; capacity: number;
    venueId: number; venueName: string; venueAddress: string; neighbourhood: string; stepFree: boolean; accessibleToilet: boolean; hearingLoop: boolean; parking: boolean;
  }>;
  const taken = countSeatsTaken(db, typed.map((row) => row.id));
  const accessible = accessibleTablesByVenue(db, typed.map((row) => row.venueId));
  return typed.map((row) => ({
    id: row.id,
    title: row.title,
    theme: row.theme,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    status: row.status,
    diets: parseDiets(row.diets),
    languages: row.languages,
    capacity: row.capacity,
    placesLeft: Math.max(0, row.capacity - (taken.get(row.id) ?? 0)),
    venue: {
      id: row.venueId,
      name: row.venueName,
      address: row.venueAddress,
      neighbourhood: row.neighbourhood,
      stepFree: row.stepFree,
      accessibleToilet: row.accessibleToilet,
      hearingLoop: row.hearingLoop,
      parking: row.parking,
      accessibleTables: accessible.get(row.venueId) ?? 0,
    },
  }));
}

const isListedPublicly = and(eq(dinners.visibility, 'public'), eq(dinners.status, 'published'));

/** Published public dinners that have not started yet, soonest first, a page at a time. */
export function listUpcomingPublicDinners(db: DbOrTx, now: Date, page: number, pageSize: number): { cards: PublicDinnerCard[]; hasMore: boolean } {
  const rows = db
    .select(cardColumns)
    .from(dinners)
    .innerJoin(venues, eq(venues.id, dinners.venueId))
    .where(and(isListedPublicly, gt(dinners.startsAt, now)))
    .orderBy(asc(dinners.startsAt), asc(dinners.id))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize)
    .all();
  return { cards: toCards(db, rows.slice(0, pageSize)), hasMore: rows.length > pageSize };
}

export type PublicDinnerPage = PublicDinnerCard & {
  description: string;
  menu: string;
  host: string;
  minTableSize: number;
  maxTableSize: number;
  rsvpDeadline: Date;
  cancelReason: string;
  visibility: Visibility;
  venueDetails: { postcode: string; city: string; kitchen: string };
};

/** A dinner for its public page: published, cancelled or completed public dinners; organisers (preview) see all. */
export function findDinnerPage(db: DbOrTx, dinnerId: number, options: { preview: boolean }): PublicDinnerPage | undefined {
  const row = db
    .select({
      ...cardColumns,
      description: dinners.description,
      menu: dinners.menu,
      host: dinners.host,
      minTableSize: dinners.minTableSize,
      maxTableSize: dinners.maxTableSize,
      rsvpDeadline: dinners.rsvpDeadline,
      cancelReason: dinners.cancelReason,
      visibility: dinners.visibility,
      postcode: venues.postcode,
      city: venues.city,
      kitchen: venues.kitchen,
    })
    .from(dinners)
    .innerJoin(venues, eq(venues.id, dinners.venueId))
    .where(eq(dinners.id, dinnerId))
    .get();
  if (!row) return undefined;
  if (!options.preview && (row.visibility !== 'public' || row.status === 'draft')) return undefined;
  const [card] = toCards(db, [row]);
  return {
    ...card!,
    description: row.description,
    menu: row.menu,
    host: row.host,
    minTableSize: row.minTableSize,
    maxTableSize: row.maxTableSize,
    rsvpDeadline: row.rsvpDeadline,
    cancelReason: row.cancelReason,
    visibility: row.visibility,
    venueDetails: { postcode: row.postcode, city: row.city, kitchen: row.kitchen },
  };
}

export type AgendaEntry = Pick<Dinner, 'id' | 'title' | 'theme' | 'status' | 'visibility' | 'startsAt' | 'endsAt' | 'localDate' | 'capacity' | 'seriesId'> & {
  venueId: number;
  venueName: string;
  neighbourhood: string;
};

/** Every dinner (any status) between two local days inclusive, for the organisers' agenda and venue calendars. */
export function listAgenda(db: DbOrTx, filters: { fromDate: string; untilDate: string; venueId?: number; neighbourhood?: string }): AgendaEntry[] {
  const conditions: SQL[] = [gte(dinners.localDate, filters.fromDate), lt(dinners.localDate, `${filters.untilDate}~`)];
  if (filters.venueId !== undefined) conditions.push(eq(dinners.venueId, filters.venueId));
  if (filters.neighbourhood !== undefined) conditions.push(eq(venues.neighbourhood, filters.neighbourhood));
  return db
    .select({
      id: dinners.id,
      title: dinners.title,
      theme: dinners.theme,
      status: dinners.status,
      visibility: dinners.visibility,
      startsAt: dinners.startsAt,
      endsAt: dinners.endsAt,
      localDate: dinners.localDate,
      capacity: dinners.capacity,
      seriesId: dinners.seriesId,
      venueId: venues.id,
      venueName: venues.name,
      neighbourhood: venues.neighbourhood,
    })
    .from(dinners)
    .innerJoin(venues, eq(venues.id, dinners.venueId))
    .where(and(...conditions))
    .orderBy(asc(dinners.startsAt), asc(dinners.id))
    .all();
}

export type VenueDinnerRow = Pick<Dinner, 'id' | 'title' | 'status' | 'startsAt' | 'endsAt'>;

/** A venue's next and latest dinners for its page. */
export function listVenueDinners(db: DbOrTx, venueId: number, now: Date, limit = 20): { upcoming: VenueDinnerRow[]; past: VenueDinnerRow[] } {
  const columns = { id: dinners.id, title: dinners.title, status: dinners.status, startsAt: dinners.startsAt, endsAt: dinners.endsAt };
  return {
    upcoming: db.select(columns).from(dinners).where(and(eq(dinners.venueId, venueId), gte(dinners.endsAt, now))).orderBy(asc(dinners.startsAt)).limit(limit).all(),
    past: db.select(columns).from(dinners).where(and(eq(dinners.venueId, venueId), lt(dinners.endsAt, now))).orderBy(desc(dinners.startsAt)).limit(limit).all(),
  };
}

/** The occurrences of a series, for the organiser's dinner page. */
export function listSeriesDinners(db: DbOrTx, seriesId: number): VenueDinnerRow[] {
  return db
    .select({ id: dinners.id, title: dinners.title, status: dinners.status, startsAt: dinners.startsAt, endsAt: dinners.endsAt })
    .from(dinners)
    .where(eq(dinners.seriesId, seriesId))
    .orderBy(asc(dinners.startsAt))
    .all();
}

export type FeedRow = { dinner: Dinner; venue: { name: string; address: string; postcode: string; city: string } };

/** Public dinners for calendar feeds: upcoming (and recently ended), including cancelled ones so subscribers see the cancellation. */
export function listFeedDinners(db: DbOrTx, now: Date, filter: { venueId?: number; dinnerId?: number } = {}): FeedRow[] {
  const conditions: SQL[] = [eq(dinners.visibility, 'public'), ne(dinners.status, 'draft')];
  if (filter.dinnerId !== undefined) conditions.push(eq(dinners.id, filter.dinnerId));
  else conditions.push(gt(dinners.endsAt, new Date(now.getTime() - 7 * 86_400_000)));
  if (filter.venueId !== undefined) conditions.push(eq(dinners.venueId, filter.venueId));
  const rows = db
    .select({ dinner: dinners, name: venues.name, address: venues.address, postcode: venues.postcode, city: venues.city })
    .from(dinners)
    .innerJoin(venues, eq(venues.id, dinners.venueId))
    .where(and(...conditions))
    .orderBy(asc(dinners.startsAt))
    .limit(1000)
    .all();
  return rows.map((row) => ({ dinner: row.dinner, venue: { name: row.name, address: row.address, postcode: row.postcode, city: row.city } }));
}
