/**
 * Table plans: build the engine problem from the database, run the engine, store the plan,
 * adjust it by hand (checked by the engine's verifier), lock it into the seating history and
 * tell residents their table.
 *
 * A manual change that breaks a hard rule is refused unless the organiser confirms it
 * deliberately (`override`); a kept break stays visible as a warning on the plan and on every
 * print. Locked plans cannot be changed.
 */
import { eq, inArray } from 'drizzle-orm';
import { writeTransaction, type Db, type DbOrTx } from '../../db/client.ts';
import { type Locale, isLocale } from '../../i18n/i18n.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import { residents } from '../residents/residents.schema.ts';
import { rsvps } from '../rsvp/rsvp.schema.ts';
import { findDinnerForRsvp, issueRsvpLink, rsvpUrl, venueLine, type RsvpSettings } from '../rsvp/rsvp.service.ts';
import type { TablesProblem, TablesScore } from './engine/types.ts';
import { moveParty, planScore, ruleBreaks, setPinned, solvePlan, swapParties, type PlanEditError, type StoredPlan } from './seating.plan.ts';
import { buildTablesProblem, parsePartyId, parseResidentMemberId, parseTableId, partyId, tableId } from './seating.problem.ts';
import { findPlanDinner, findPlanRow, listConfirmedHouseholds, listEarlierTables, listVenueTables, type HouseholdRow, type PlanDinner, type VenueTableRow } from './seating.queries.ts';
import { seatingPlans, tableSeats } from './seating.schema.ts';

const DEFAULT_SEED = 20_260_101;

function requireDinner(db: DbOrTx, dinnerId: number): PlanDinner {
  const dinner = findPlanDinner(db, dinnerId);
  if (!dinner) throw notFound();
  return dinner;
}

/** Everything the engine needs for one dinner, read from the database (consented data only). */
export function loadTablesProblem(db: DbOrTx, dinnerId: number, seed = DEFAULT_SEED): { problem: TablesProblem; households: HouseholdRow[]; tables: VenueTableRow[]; withoutRecord: number } {
  const dinner = requireDinner(db, dinnerId);
  const tables = listVenueTables(db, dinner.venueId);
  const { households, withoutRecord } = listConfirmedHouseholds(db, dinnerId, dinner.startsAt);
  const history = listEarlierTables(db, dinner.startsAt, households.map((h) => h.residentId));
  const problem = buildTablesProblem({ households, tables, minTableSize: dinner.minTableSize, maxTableSize: dinner.maxTableSize, history, seed });
  return { problem, households, tables, withoutRecord };
}

type LoadedPlan = { row: typeof seatingPlans.$inferSelect; problem: TablesProblem; plan: StoredPlan };

function loadPlan(db: DbOrTx, dinnerId: number): LoadedPlan | null {
  const row = findPlanRow(db, dinnerId);
  if (!row) return null;
  return { row, problem: JSON.parse(row.problem) as TablesProblem, plan: JSON.parse(row.plan) as StoredPlan };
}

const planLocked = () => conflict('plan_locked', 'matching:errors.locked');

/**
 * Makes (or remakes) the draft plan from the current confirmed households. With keepPinned, the
 * pinned households of the current draft stay where they are and the engine seats the rest.
 * The engine runs outside the write transaction; the save re-checks that nobody locked meanwhile.
 */
export function makePlan(db: Db, dinnerId: number, options: { keepPinned: boolean }, actorUserId: number | null, now: Date): StoredPlan {
  const before = loadPlan(db, dinnerId);
  if (before?.row.status === 'locked') throw planLocked();
  const { problem } = loadTablesProblem(db, dinnerId, before?.row.seed ?? DEFAULT_SEED);
  const { plan } = solvePlan(problem, options.keepPinned && before ? before.plan : null);
  writeTransaction(db, (tx) => {
    const current = findPlanRow(tx, dinnerId);
    if (current?.status === 'locked') throw planLocked();
    const values = { status: 'draft' as const, problem: JSON.stringify(problem), plan: JSON.stringify(plan), updatedAt: now };
    if (current) {
      tx.update(seatingPlans).set({ ...values, version: current.version + 1 }).where(eq(seatingPlans.id, current.id)).run();
    } else {
      tx.insert(seatingPlans).values({ ...values, dinnerId, seed: DEFAULT_SEED, createdByUserId: actorUserId, createdAt: now }).run();
    }
    recordAudit(tx, { actorUserId, action: 'matching.plan_made', objectType: 'dinner', objectId: dinnerId, details: { keepPinned: options.keepPinned, seated: plan.tables.reduce((n, t) => n + t.parties.length, 0), unseated: plan.unseated.length } }, now);
  });
  return plan;
}

export type PlanEdit = { kind: 'move'; rsvpId: number; venueTableId: number | null } | { kind: 'swap'; rsvpId: number; otherRsvpId: number } | { kind: 'pin'; rsvpId: number; pinned: boolean };

export type EditOutcome = { status: 'saved'; breaks: string[] } | { status: 'refused'; breaks: string[] } | { status: 'invalid'; error: PlanEditError | 'no_plan' };

/**
 * Applies one manual change. A change that breaks a hard rule is stored only with override;
 * without it the outcome lists the broken rules and nothing changes.
 */
export function editPlan(db: Db, dinnerId: number, edit: PlanEdit, override: boolean, actorUserId: number | null, now: Date): EditOutcome {
  requireDinner(db, dinnerId);
  return writeTransaction(db, (tx): EditOutcome => {
    const loaded = loadPlan(tx, dinnerId);
    if (!loaded) return { status: 'invalid', error: 'no_plan' };
    if (loaded.row.status === 'locked') throw planLocked();
    const { problem, plan } = loaded;
    let next: StoredPlan | PlanEditError;
    if (edit.kind === 'move') next = moveParty(problem, plan, partyId(edit.rsvpId), edit.venueTableId === null ? null : tableId(edit.venueTableId));
    else if (edit.kind === 'swap') next = swapParties(problem, plan, partyId(edit.rsvpId), partyId(edit.otherRsvpId));
    else next = problem.parties.some((p) => p.id === partyId(edit.rsvpId)) ? setPinned(plan, partyId(edit.rsvpId), edit.pinned) : 'unknown_household';
    if (typeof next === 'string') return { status: 'invalid', error: next };
    const before = new Set(ruleBreaks(problem, plan));
    const newBreaks = ruleBreaks(problem, next).filter((b) => !before.has(b));
    if (newBreaks.length > 0 && !override) return { status: 'refused', breaks: newBreaks };
    tx.update(seatingPlans).set({ plan: JSON.stringify(next), version: loaded.row.version + 1, updatedAt: now }).where(eq(seatingPlans.id, loaded.row.id)).run();
    recordAudit(tx, { actorUserId, action: `matching.plan_${edit.kind}`, objectType: 'dinner', objectId: dinnerId, details: { ...edit, override: newBreaks.length > 0 } }, now);
    return { status: 'saved', breaks: newBreaks };
  });
}

/**
 * Locks the plan: records who sat at which table (the history for later plans and the
 * participation report) and, when asked, mails each seated household its table. Asking again
 * for mails on a locked plan sends only what was not sent for this plan version.
 */
export function lockPlan(db: Db, mailer: Mailer, settings: RsvpSettings, dinnerId: number, notify: boolean, actorUserId: number | null, now: Date): { mailed: number; alreadyLocked: boolean } {
  requireDinner(db, dinnerId);
  return writeTransaction(db, (tx) => {
    const loaded = loadPlan(tx, dinnerId);
    if (!loaded) throw conflict('no_plan', 'matching:errors.noPlan');
    const alreadyLocked = loaded.row.status === 'locked';
    if (alreadyLocked && !notify) throw planLocked();
    const { plan, row } = loaded;
    const rsvpIds = plan.tables.flatMap((t) => t.parties.map((p) => parsePartyId(p)!));
    const answers = rsvpIds.length
      ? tx.select({ id: rsvps.id, residentId: rsvps.residentId, people: rsvps.people, status: rsvps.status }).from(rsvps).where(inArray(rsvps.id, rsvpIds)).all()
      : [];
    const byId = new Map(answers.map((a) => [a.id, a]));
    if (!alreadyLocked) {
      tx.delete(tableSeats).where(eq(tableSeats.dinnerId, dinnerId)).run();
      for (const table of plan.tables) {
        const venueTableId = parseTableId(table.id)!;
        for (const party of table.parties) {
          const answer = byId.get(parsePartyId(party)!);
          if (!answer || answer.status !== 'confirmed') continue;
          tx.insert(tableSeats).values({ dinnerId, venueTableId, residentId: answer.residentId, rsvpId: answer.id, people: Math.max(1, answer.people), planVersion: row.version, createdAt: now }).run();
        }
      }
      tx.update(seatingPlans).set({ status: 'locked', lockedAt: now, lockedByUserId: actorUserId, updatedAt: now }).where(eq(seatingPlans.id, row.id)).run();
    }
    let mailed = 0;
    if (notify) {
      const dinner = findDinnerForRsvp(tx, dinnerId)!;
      const labels = new Map(listVenueTables(tx, requireDinner(tx, dinnerId).venueId).map((t) => [t.id, t.label]));
      for (const table of plan.tables) {
        const venueTableId = parseTableId(table.id)!;
        for (const party of table.parties) {
          const answer = byId.get(parsePartyId(party)!);
          if (!answer?.residentId || answer.status !== 'confirmed') continue;
          const resident = tx.select({ id: residents.id, name: residents.name, email: residents.email, locale: residents.locale }).from(residents).where(eq(residents.id, answer.residentId)).get();
          if (!resident?.email) continue;
          const locale: Locale = isLocale(resident.locale) ? resident.locale : 'nl';
          const dedupeKey = `matching-table:${dinnerId}:${resident.id}:v${row.version}`;
          const token = issueRsvpLink(tx, resident.id, dinner, now);
          const queued = mailer.enqueue(
            tx,
            {
              to: resident.email,
              locale,
              template: 'matching-table',
              locals: { name: resident.name, title: dinner.title, when: formatDateTime(dinner.startsAt, settings.timeZone, locale), where: venueLine(dinner), table: labels.get(venueTableId) ?? '', link: rsvpUrl(settings, token) },
              dedupeKey,
            },
            now,
          );
          if (queued) mailed += 1;
        }
      }
    }
    recordAudit(tx, { actorUserId, action: alreadyLocked ? 'matching.plan_mailed' : 'matching.plan_locked', objectType: 'dinner', objectId: dinnerId, details: { version: row.version, mailed } }, now);
    return { mailed, alreadyLocked };
  });
}

// ---------------------------------------------------------------------------------------------
// The page's view model

export type RuleWarning = 'seats' | 'language' | 'access' | 'minimum';

export type PlanHousehold = { rsvpId: number; party: string; name: string; people: number; pinned: boolean; stale: boolean };

export type PlanTableView = {
  venueTableId: number;
  label: string;
  seats: number;
  accessible: boolean;
  language: string;
  people: number;
  households: PlanHousehold[];
  mix: { declared: number; backgrounds: number; largestGroup: number; undeclared: number; sameBackgroundPairs: number };
  repeats: [string, string][];
  warnings: RuleWarning[];
  diets: { tag: string; people: number; names: string[] }[];
  dietNotes: { name: string; text: string }[];
};

export type PlanView = {
  dinner: PlanDinner;
  plan: null | {
    status: 'draft' | 'locked';
    version: number;
    lockedAt: Date | null;
    tables: PlanTableView[];
    freeTables: VenueTableRow[];
    unseated: (PlanHousehold & { code: string })[];
    score: TablesScore;
    ruleBreaks: string[];
  };
  tables: VenueTableRow[];
  confirmedHouseholds: number;
  withoutRecord: number;
  changes: { added: number; gone: number };
};

const NAMED_DIETS = new Set(['nut_allergy', 'gluten_free', 'lactose_free']);

export function planView(db: DbOrTx, dinnerId: number): PlanView {
  const dinner = requireDinner(db, dinnerId);
  const tables = listVenueTables(db, dinner.venueId);
  const { households, withoutRecord } = listConfirmedHouseholds(db, dinnerId, dinner.startsAt);
  const loaded = loadPlan(db, dinnerId);
  const base = { dinner, tables, confirmedHouseholds: households.length, withoutRecord };
  if (!loaded) return { ...base, plan: null, changes: { added: 0, gone: 0 } };
  const { problem, plan, row } = loaded;
  const current = new Map(households.map((h) => [h.rsvpId, h]));
  const inPlan = new Set(problem.parties.map((p) => parsePartyId(p.id)!));
  // Names of households in the plan that are no longer confirmed come from their answer row.
  const staleIds = [...inPlan].filter((id) => !current.has(id));
  const staleNames = new Map<number, { name: string; people: number }>();
  if (staleIds.length) {
    for (const r of db.select({ id: rsvps.id, people: rsvps.people, name: residents.name }).from(rsvps).leftJoin(residents, eq(residents.id, rsvps.residentId)).where(inArray(rsvps.id, staleIds)).all()) {
      staleNames.set(r.id, { name: r.name ?? '—', people: r.people });
    }
  }
  const parties = new Map(problem.parties.map((p) => [p.id, p]));
  const household = (party: string): PlanHousehold => {
    const rsvpId = parsePartyId(party)!;
    const h = current.get(rsvpId);
    const stale = staleNames.get(rsvpId);
    return { rsvpId, party, name: h?.name ?? stale?.name ?? '—', people: parties.get(party)?.members.length ?? h?.people ?? 0, pinned: plan.pinned.includes(party), stale: !h };
  };
  const nameOfMember = new Map<string, string>();
  for (const p of problem.parties) for (const m of p.members) if (parseResidentMemberId(m.id) !== null) nameOfMember.set(m.id, household(p.id).name);
  const specs = new Map(problem.tables.map((t) => [t.id, t]));
  const labels = new Map(tables.map((t) => [t.id, t]));
  const tableViews: PlanTableView[] = plan.tables.map((t) => {
    const venueTableId = parseTableId(t.id)!;
    const spec = specs.get(t.id);
    const members = t.parties.flatMap((p) => (parties.get(p)?.members ?? []).map((m) => ({ ...m, party: p })));
    const groups = new Map<string, number>();
    for (const m of members) if (m.background) groups.set(m.background, (groups.get(m.background) ?? 0) + 1);
    let samePairs = 0;
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) if (members[i]!.party !== members[j]!.party && members[i]!.background && members[i]!.background === members[j]!.background) samePairs++;
    const ids = new Set(members.map((m) => m.id));
    const partyOf = new Map(members.map((m) => [m.id, m.party]));
    const repeats: [string, string][] = (problem.metBefore ?? []).filter(([a, b]) => ids.has(a) && ids.has(b) && partyOf.get(a) !== partyOf.get(b)).map(([a, b]) => [nameOfMember.get(a) ?? a, nameOfMember.get(b) ?? b]);
    const warnings: RuleWarning[] = [];
    if (spec && members.length > spec.seats) warnings.push('seats');
    if (members.some((m) => !m.languages.includes(t.language))) warnings.push('language');
    if (members.some((m) => m.needsAccessibleSeat) && spec?.accessible !== true) warnings.push('access');
    if (members.length > 0 && members.length < (problem.minPerTable ?? 1)) warnings.push('minimum');
    const diets = new Map<string, { tag: string; people: number; names: string[] }>();
    const dietNotes: { name: string; text: string }[] = [];
    for (const p of t.parties) {
      const h = current.get(parsePartyId(p)!);
      if (!h) continue;
      for (const tag of h.diets) {
        const entry = diets.get(tag) ?? { tag, people: 0, names: [] };
        entry.people += h.people;
        if (NAMED_DIETS.has(tag)) entry.names.push(h.name);
        diets.set(tag, entry);
      }
      if (h.dietOther) dietNotes.push({ name: h.name, text: h.dietOther });
    }
    return {
      venueTableId,
      label: labels.get(venueTableId)?.label ?? t.id,
      seats: spec?.seats ?? labels.get(venueTableId)?.seats ?? 0,
      accessible: spec?.accessible === true,
      language: t.language,
      people: members.length,
      households: t.parties.map(household),
      mix: { declared: members.filter((m) => m.background).length, backgrounds: groups.size, largestGroup: Math.max(0, ...groups.values()), undeclared: members.filter((m) => !m.background).length, sameBackgroundPairs: samePairs },
      repeats,
      warnings,
      diets: [...diets.values()].sort((a, b) => b.people - a.people || a.tag.localeCompare(b.tag)),
      dietNotes,
    };
  });
  const used = new Set(plan.tables.map((t) => t.id));
  return {
    ...base,
    plan: {
      status: row.status,
      version: row.version,
      lockedAt: row.lockedAt,
      tables: tableViews,
      freeTables: tables.filter((t) => !used.has(tableId(t.id))),
      unseated: plan.unseated.map((u) => ({ ...household(u.party), code: u.code })),
      score: planScore(problem, plan),
      ruleBreaks: ruleBreaks(problem, plan),
    },
    changes: { added: households.filter((h) => !inPlan.has(h.rsvpId)).length, gone: staleIds.length },
  };
}
