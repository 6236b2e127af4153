import { and, asc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import { writeTransaction, type Db } from '../../db/client.ts';
import { localDay } from '../../lib/dates.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { tableSeats } from '../matching/seating.schema.ts';
import { dinners } from '../scheduling/scheduling.schema.ts';
import type { ReferenceFigureInput, ReportFilter } from './notes.forms.ts';
import { AGE_GROUPS, referenceFigures, type ReferenceDimension } from './notes.schema.ts';

/** Groups smaller than this are never shown on their own, so no one can be singled out. */
export const MIN_GROUP_SIZE = 5;

export type GroupCount = { category: string; count: number };
export type SuppressedGroups = {
  shown: GroupCount[];
  /** Several small groups together, shown only when they reach MIN_GROUP_SIZE; null otherwise. */
  smallGroupsTogether: number | null;
  hiddenGroups: number;
  total: number;
};

/**
 * Hides every group under the minimum size. The hidden groups are merged into one "small groups
 * together" line (shown only when that line itself reaches the minimum), so neither a category
 * nor a count of fewer than five people can be read from the table.
 */
export function suppressSmallGroups(counts: GroupCount[], minimum = MIN_GROUP_SIZE): SuppressedGroups {
  const shown: GroupCount[] = [];
  let hiddenSum = 0;
  let hiddenGroups = 0;
  let total = 0;
  for (const group of counts) {
    total += group.count;
    if (group.count >= minimum) shown.push(group);
    else if (group.count > 0) {
      hiddenSum += group.count;
      hiddenGroups += 1;
    }
  }
  shown.sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
  return { shown, smallGroupsTogether: hiddenSum >= minimum ? hiddenSum : null, hiddenGroups, total };
}

/** Age groups of the report (the age a household's registered adult reaches in the report's year), then the rest. */
export const AGE_CATEGORIES = ['under_18', ...AGE_GROUPS, 'unknown'] as const;
export type AgeCategory = (typeof AGE_CATEGORIES)[number];

/**
 * The age group of someone born in birthYear, by the age they reach in year. Only the year of
 * birth is stored, so the age can be one year high early in the year: enough for groups this wide.
 */
export function ageGroup(birthYear: number | null, year: number): AgeCategory {
  if (birthYear === null) return 'unknown';
  const age = year - birthYear;
  if (age < 18) return 'under_18';
  if (age < 30) return '18_29';
  if (age < 45) return '30_44';
  if (age < 65) return '45_64';
  return '65_plus';
}

/** Counts per age group from counts per birth year (null: not known). */
export function countAgeGroups(byBirthYear: { birthYear: number | null; count: number }[], year: number): GroupCount[] {
  const counts = new Map<AgeCategory, number>();
  for (const row of byBirthYear) {
    const group = ageGroup(row.birthYear, year);
    counts.set(group, (counts.get(group) ?? 0) + row.count);
  }
  return [...counts].map(([category, count]) => ({ category, count }));
}

/** One table at one dinner: who sat there. */
export type Seating = { dinnerId: number; startsAt: number; residentIds: number[] };

/**
 * New connections: pairs of residents of different declared backgrounds who sat at the same table
 * for the first time within the period. Seatings before the period only count as "already met".
 * Residents without a declared background are not counted (we cannot say the pair is mixed).
 */
export function countNewConnections(seatings: Seating[], backgrounds: Map<number, string>, periodStart: number): number {
  const met = new Set<string>();
  let fresh = 0;
  const ordered = [...seatings].sort((a, b) => a.startsAt - b.startsAt);
  for (const table of ordered) {
    const people = [...new Set(table.residentIds)].sort((a, b) => a - b);
    for (let i = 0; i < people.length; i++) {
      for (let j = i + 1; j < people.length; j++) {
        const key = `${people[i]}:${people[j]}`;
        if (met.has(key)) continue;
        met.add(key);
        if (table.startsAt < periodStart) continue;
        const a = backgrounds.get(people[i]!);
        const b = backgrounds.get(people[j]!);
        if (a && b && a !== b) fresh += 1;
      }
    }
  }
  return fresh;
}

/**
 * Who sat together at each table, from the seating history the matching feature writes when an
 * organiser locks a table plan (table_seats: one row per seated household). Never null now that
 * the history exists; the type keeps null for callers that handle "not available".
 */
export function listSeatingsUpTo(db: Db, untilMs: number): Seating[] | null {
  const rows = db
    .select({ dinnerId: tableSeats.dinnerId, startsAt: dinners.startsAt, tableId: tableSeats.venueTableId, residentId: tableSeats.residentId })
    .from(tableSeats)
    .innerJoin(dinners, eq(dinners.id, tableSeats.dinnerId))
    .where(and(lte(dinners.startsAt, new Date(untilMs)), isNotNull(tableSeats.residentId)))
    .orderBy(asc(tableSeats.dinnerId), asc(tableSeats.venueTableId), asc(tableSeats.id))
    .all();
  const byTable = new Map<string, Seating>();
  for (const row of rows) {
    const key = `${row.dinnerId}:${row.tableId}`;
    const seating = byTable.get(key) ?? { dinnerId: row.dinnerId, startsAt: row.startsAt.getTime(), residentIds: [] };
    seating.residentIds.push(row.residentId!);
    byTable.set(key, seating);
  }
  return [...byTable.values()];
}

export type ParticipationReport = {
  filter: ReportFilter;
  dinnersHeld: number;
  peopleReached: number;
  uniqueHouseholds: number;
  firstTimers: number;
  returningGuests: number;
  noShowRate: number | null;
  newConnections: number | null;
  background: SuppressedGroups;
  ageGroups: SuppressedGroups;
  streets: SuppressedGroups;
  reference: Record<ReferenceDimension, Map<string, number>>;
};

/**
 * The participation figures for a period and (optionally) one neighbourhood, from the RSVP answers
 * and door check-ins: a guest "was there" when confirmed and not marked as a no-show. Background,
 * age group and street count households (the registered resident), never individual guests.
 */
export function buildParticipationReport(db: Db, filter: ReportFilter, now: Date, timeZone: string): ParticipationReport {
  const conditions = [sql`d.status in ('published', 'completed')`, sql`d.starts_at <= ${now.getTime()}`];
  if (filter.neighbourhood) conditions.push(sql`v.neighbourhood = ${filter.neighbourhood}`);
  if (filter.from) conditions.push(sql`d.local_date >= ${filter.from}`);
  if (filter.to) conditions.push(sql`d.local_date <= ${filter.to}`);
  const held = sql`select d.id from dinners d join venues v on v.id = d.venue_id where ${sql.join(conditions, sql` and `)}`;
  const attended = sql`r.status = 'confirmed' and (r.check_in is null or r.check_in = 'arrived')`;

  const totals = db.get<{ dinners: number; people: number; households: number; noShows: number; checkedIn: number }>(sql`
    select (select count(*) from (${held})) as dinners,
      coalesce(sum(case when ${attended} then r.people else 0 end), 0) as people,
      count(distinct case when ${attended} then r.resident_id end) as households,
      coalesce(sum(case when r.status = 'confirmed' and r.check_in = 'no_show' then 1 else 0 end), 0) as noShows,
      coalesce(sum(case when r.status = 'confirmed' and r.check_in is not null then 1 else 0 end), 0) as checkedIn
    from rsvps r where r.dinner_id in (${held})`) ?? { dinners: 0, people: 0, households: 0, noShows: 0, checkedIn: 0 };

  // Per household reached: its first dinner ever and how many dinners it came to (up to now).
  const periodStart = filter.from ? db.get<{ t: number }>(sql`select coalesce(min(starts_at), 0) as t from dinners where local_date >= ${filter.from}`)?.t ?? 0 : 0;
  const history = db.get<{ firstTimers: number; returningCount: number }>(sql`
    with reached as (select distinct r.resident_id as id from rsvps r where r.dinner_id in (${held}) and ${attended} and r.resident_id is not null),
    visits as (
      select r.resident_id as id, min(d.starts_at) as first, count(*) as times
      from rsvps r join dinners d on d.id = r.dinner_id
      where r.resident_id in (select id from reached) and ${attended} and d.status in ('published', 'completed') and d.starts_at <= ${now.getTime()}
      group by r.resident_id)
    select coalesce(sum(case when first >= ${periodStart} then 1 else 0 end), 0) as firstTimers,
      coalesce(sum(case when times >= 2 then 1 else 0 end), 0) as returningCount
    from visits`) ?? { firstTimers: 0, returningCount: 0 };

  const backgroundCounts = db.all<GroupCount>(sql`
    select coalesce(s.background, 'undeclared') as category, count(*) as count
    from (select distinct r.resident_id as id from rsvps r where r.dinner_id in (${held}) and ${attended} and r.resident_id is not null) reached
      left join resident_sensitive s on s.resident_id = reached.id
    group by 1`);
  const birthYearCounts = db.all<{ birthYear: number | null; count: number }>(sql`
    select p.birth_year as birthYear, count(*) as count
    from (select distinct r.resident_id as id from rsvps r where r.dinner_id in (${held}) and ${attended} and r.resident_id is not null) reached
      join residents p on p.id = reached.id
    group by 1`);
  // Ages as reached in the last year of the period, so an old period keeps the ages it had.
  const ageYear = Number((filter.to || localDay(now, timeZone)).slice(0, 4));
  const streetCounts = db.all<GroupCount>(sql`
    select case when p.street = '' then 'unknown' else p.street end as category, count(*) as count
    from (select distinct r.resident_id as id from rsvps r where r.dinner_id in (${held}) and ${attended} and r.resident_id is not null) reached
      join residents p on p.id = reached.id
    group by 1`);

  const seatings = listSeatingsUpTo(db, now.getTime());
  let newConnections: number | null = null;
  if (seatings) {
    const heldIds = new Set(db.all<{ id: number }>(held).map((row) => row.id));
    const backgrounds = new Map(
      db.all<{ id: number; background: string }>(sql`select resident_id as id, background from resident_sensitive where background is not null and background <> 'prefer_not'`).map((row) => [row.id, row.background]),
    );
    const relevant = seatings.filter((seating) => heldIds.has(seating.dinnerId) || seating.startsAt < periodStart);
    newConnections = countNewConnections(relevant, backgrounds, periodStart);
  }

  return {
    filter,
    dinnersHeld: totals.dinners,
    peopleReached: totals.people,
    uniqueHouseholds: totals.households,
    firstTimers: history.firstTimers,
    returningGuests: history.returningCount,
    noShowRate: totals.checkedIn > 0 ? totals.noShows / totals.checkedIn : null,
    newConnections,
    background: suppressSmallGroups(backgroundCounts),
    ageGroups: suppressSmallGroups(countAgeGroups(birthYearCounts, ageYear)),
    streets: suppressSmallGroups(streetCounts),
    reference: loadReference(db, filter.neighbourhood),
  };
}

function loadReference(db: Db, neighbourhood: string): Record<ReferenceDimension, Map<string, number>> {
  const reference: Record<ReferenceDimension, Map<string, number>> = { background: new Map(), age_group: new Map(), street: new Map() };
  if (!neighbourhood) return reference;
  for (const row of db.select().from(referenceFigures).where(eq(referenceFigures.neighbourhood, neighbourhood)).all()) {
    reference[row.dimension].set(row.category, row.percent);
  }
  return reference;
}

export function listReferenceFigures(db: Db) {
  return db.select().from(referenceFigures).orderBy(asc(referenceFigures.neighbourhood), asc(referenceFigures.dimension), asc(referenceFigures.category)).all();
}

/** Adds or replaces one reference figure (neighbourhood, dimension, category → percent). */
export function saveReferenceFigure(db: Db, input: ReferenceFigureInput, actorId: number, now: Date): void {
  writeTransaction(db, (tx) => {
    const values = { percent: input.percent, source: input.source, updatedByUserId: actorId, updatedAt: now };
    tx.insert(referenceFigures)
      .values({ neighbourhood: input.neighbourhood, dimension: input.dimension, category: input.category, ...values })
      .onConflictDoUpdate({ target: [referenceFigures.neighbourhood, referenceFigures.dimension, referenceFigures.category], set: values })
      .run();
    recordAudit(tx, { actorUserId: actorId, action: 'notes.reference_figure_saved', objectType: 'reference_figure', details: { neighbourhood: input.neighbourhood, dimension: input.dimension, category: input.category } }, now);
  });
}
