/**
 * Reads for the table plan: the dinner and its venue's tables, the confirmed households with the
 * data the engine may use (consented only), and the history of who sat together.
 */
import { and, asc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { consents, residents, residentSensitive } from '../residents/residents.schema.ts';
import { parseTagList } from '../residents/residents.service.ts';
import { rsvps } from '../rsvp/rsvp.schema.ts';
import { dinners, venues, venueTables } from '../scheduling/scheduling.schema.ts';
import { comparableBackground, normaliseLanguages, type HouseholdInput, type TableInput } from './seating.problem.ts';
import { homeRounds } from './home-dinners.schema.ts';
import { seatingPlans, tableSeats } from './seating.schema.ts';

export type PlanDinner = {
  id: number;
  title: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
  minTableSize: number;
  maxTableSize: number;
  venueId: number;
  venueName: string;
};

export function findPlanDinner(db: DbOrTx, dinnerId: number): PlanDinner | undefined {
  return db
    .select({
      id: dinners.id,
      title: dinners.title,
      startsAt: dinners.startsAt,
      endsAt: dinners.endsAt,
      status: dinners.status,
      minTableSize: dinners.minTableSize,
      maxTableSize: dinners.maxTableSize,
      venueId: dinners.venueId,
      venueName: venues.name,
    })
    .from(dinners)
    .innerJoin(venues, eq(venues.id, dinners.venueId))
    .where(eq(dinners.id, dinnerId))
    .get();
}

export type VenueTableRow = TableInput & { label: string };

export function listVenueTables(db: DbOrTx, venueId: number): VenueTableRow[] {
  return db
    .select({ id: venueTables.id, label: venueTables.label, seats: venueTables.seats, accessible: venueTables.accessible })
    .from(venueTables)
    .where(eq(venueTables.venueId, venueId))
    .orderBy(asc(venueTables.position), asc(venueTables.id))
    .all();
}

export type HouseholdRow = HouseholdInput & {
  name: string;
  email: string | null;
  locale: string;
  /** Diet tags with an active diet consent (for the kitchen sheet; never sent to the engine). */
  diets: string[];
  dietOther: string;
};

/**
 * The dinner's confirmed households with a resident record. Walk-ins without a record and
 * answers of deleted residents have no data to seat by and are left out (the page says how many).
 * Sensitive groups count only while their consent is active.
 */
export function listConfirmedHouseholds(db: DbOrTx, dinnerId: number, dinnerStartsAt: Date): { households: HouseholdRow[]; withoutRecord: number } {
  const rows = db
    .select({
      rsvpId: rsvps.id,
      residentId: rsvps.residentId,
      people: rsvps.people,
      name: residents.name,
      email: residents.email,
      locale: residents.locale,
      languages: residents.languages,
      street: residents.street,
      diets: residentSensitive.diets,
      dietOther: residentSensitive.dietOther,
      access: residentSensitive.access,
      background: residentSensitive.background,
      backgroundText: residentSensitive.backgroundText,
    })
    .from(rsvps)
    .leftJoin(residents, eq(residents.id, rsvps.residentId))
    .leftJoin(residentSensitive, eq(residentSensitive.residentId, rsvps.residentId))
    .where(and(eq(rsvps.dinnerId, dinnerId), eq(rsvps.status, 'confirmed')))
    .orderBy(asc(rsvps.id))
    .all();
  const withRecord = rows.filter((r) => r.residentId !== null && r.name !== null);
  const ids = withRecord.map((r) => r.residentId!);
  const active = new Map<number, Set<string>>();
  if (ids.length > 0) {
    for (const c of db.select({ residentId: consents.residentId, purpose: consents.purpose }).from(consents).where(and(inArray(consents.residentId, ids), isNull(consents.withdrawnAt))).all()) {
      if (!active.has(c.residentId)) active.set(c.residentId, new Set());
      active.get(c.residentId)!.add(c.purpose);
    }
  }
  const seatedBefore = new Set<number>();
  if (ids.length > 0) {
    for (const s of db
      .select({ residentId: tableSeats.residentId })
      .from(tableSeats)
      .innerJoin(dinners, eq(dinners.id, tableSeats.dinnerId))
      .where(and(inArray(tableSeats.residentId, ids), lt(dinners.startsAt, dinnerStartsAt)))
      .all()) {
      if (s.residentId !== null) seatedBefore.add(s.residentId);
    }
  }
  const households = withRecord.map((r): HouseholdRow => {
    const consented = active.get(r.residentId!) ?? new Set<string>();
    return {
      rsvpId: r.rsvpId,
      residentId: r.residentId!,
      people: r.people,
      name: r.name!,
      email: r.email ?? null,
      locale: r.locale ?? 'nl',
      languages: normaliseLanguages(r.languages ?? '', r.locale ?? ''),
      street: r.street ?? '',
      background: consented.has('background') ? comparableBackground(r.background ?? null, r.backgroundText ?? null) : null,
      needsAccessibleSeat: consented.has('access') && parseTagList(r.access).includes('wheelchair'),
      firstTime: !seatedBefore.has(r.residentId!),
      diets: consented.has('diet') ? parseTagList(r.diets) : [],
      dietOther: consented.has('diet') ? (r.dietOther ?? '') : '',
    };
  });
  return { households, withoutRecord: rows.length - withRecord.length };
}

/** Resident ids per table of every locked plan of a dinner that started before this one. */
export function listEarlierTables(db: DbOrTx, dinnerStartsAt: Date, residentIds: number[]): number[][] {
  if (residentIds.length === 0) return [];
  const rows = db
    .select({ dinnerId: tableSeats.dinnerId, tableId: tableSeats.venueTableId, residentId: tableSeats.residentId })
    .from(tableSeats)
    .innerJoin(dinners, eq(dinners.id, tableSeats.dinnerId))
    .where(and(lt(dinners.startsAt, dinnerStartsAt), inArray(tableSeats.residentId, residentIds)))
    .all();
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    if (row.residentId === null) continue;
    const key = `${row.dinnerId}:${row.tableId}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(row.residentId);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

export function findPlanRow(db: DbOrTx, dinnerId: number) {
  return db.select().from(seatingPlans).where(eq(seatingPlans.dinnerId, dinnerId)).get();
}

export type PlanOverviewRow = { id: number; title: string; startsAt: Date; venueName: string; confirmedHouseholds: number; planStatus: string | null; homeStatus: string | null };

/**
 * Dinners from a month ago on (published or held), with their confirmed households and the state
 * of their table plan and home-dinner round: the organiser's way into both.
 */
export function listPlanOverview(db: DbOrTx, now: Date): PlanOverviewRow[] {
  const since = new Date(now.getTime() - 31 * 24 * 60 * 60_000);
  return db
    .select({
      id: dinners.id,
      title: dinners.title,
      startsAt: dinners.startsAt,
      venueName: venues.name,
      confirmedHouseholds: sql<number>`(select count(*) from ${rsvps} where ${rsvps.dinnerId} = ${dinners.id} and ${rsvps.status} = 'confirmed')`,
      planStatus: seatingPlans.status,
      homeStatus: homeRounds.status,
    })
    .from(dinners)
    .innerJoin(venues, eq(venues.id, dinners.venueId))
    .leftJoin(seatingPlans, eq(seatingPlans.dinnerId, dinners.id))
    .leftJoin(homeRounds, eq(homeRounds.dinnerId, dinners.id))
    .where(and(gte(dinners.startsAt, since), inArray(dinners.status, ['published', 'completed'])))
    .orderBy(asc(dinners.startsAt))
    .limit(200)
    .all();
}
