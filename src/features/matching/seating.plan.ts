/**
 * Pure operations on a stored table plan: from the engine's result, manual moves and swaps,
 * re-running with pinned households, and the rule check (through the engine's verifier).
 *
 * Pinning (the engine has no pinning of its own): a re-run keeps every pinned household at its
 * table. Tables that hold a pinned household are closed for the engine: it solves a reduced
 * problem of the other tables and the unpinned households. Afterwards the households it left
 * unseated are offered, largest first, the free seats of the pinned tables when every member
 * speaks that table's language and access needs are met. The merged plan is verified as a whole.
 */
import { TABLE_REASONS } from './engine/reasons.ts';
import { scoreSeating, solveTables } from './engine/tables.ts';
import type { PartySpec, TablesProblem, TablesResult, TablesScore } from './engine/types.ts';
import { findRuleBreaks } from './engine/verify.ts';

export type StoredTable = { id: string; language: string; parties: string[] };
export type StoredUnseated = { party: string; code: string };
export type StoredPlan = { tables: StoredTable[]; unseated: StoredUnseated[]; pinned: string[] };

/** Reason code for a household the organiser took off the plan by hand. */
export const SET_ASIDE = 'set_aside_by_organiser';
const SET_ASIDE_REASON = 'The organiser took this household off the plan.';

export function fromEngineResult(result: Pick<TablesResult, 'tables' | 'unseated'>, pinned: string[] = []): StoredPlan {
  return {
    tables: result.tables.filter((t) => t.parties.length > 0).map((t) => ({ id: t.id, language: t.language, parties: [...t.parties] })),
    unseated: result.unseated.map((u) => ({ party: u.party, code: u.code })),
    pinned: [...pinned],
  };
}

function partyMap(problem: TablesProblem): Map<string, PartySpec> {
  return new Map(problem.parties.map((p) => [p.id, p]));
}

/** The plan in the engine's result shape, for the verifier and the score. */
export function toEnginePlan(problem: TablesProblem, plan: StoredPlan): Pick<TablesResult, 'tables' | 'unseated'> {
  const parties = partyMap(problem);
  return {
    tables: plan.tables.map((t) => ({
      id: t.id,
      language: t.language,
      parties: [...t.parties],
      members: t.parties.flatMap((p) => parties.get(p)?.members.map((m) => m.id) ?? []),
    })),
    unseated: plan.unseated.map((u) => ({
      party: u.party,
      code: u.code,
      reason: u.code === SET_ASIDE ? SET_ASIDE_REASON : (TABLE_REASONS as Record<string, string>)[u.code] ?? SET_ASIDE_REASON,
    })),
  };
}

/** Broken hard rules, as the engine's verifier words them (empty: the plan is legal). */
export function ruleBreaks(problem: TablesProblem, plan: StoredPlan): string[] {
  return findRuleBreaks(problem, toEnginePlan(problem, plan));
}

export function planScore(problem: TablesProblem, plan: StoredPlan): TablesScore {
  const engine = toEnginePlan(problem, plan);
  const parties = partyMap(problem);
  const unseatedPeople = plan.unseated.reduce((sum, u) => sum + (parties.get(u.party)?.members.length ?? 0), 0);
  return scoreSeating(problem, engine.tables, unseatedPeople);
}

/** A language every member of these parties speaks: the current one when it still fits. */
function tableLanguage(problem: TablesProblem, partyIds: string[], current: string): string {
  const parties = partyMap(problem);
  const members = partyIds.flatMap((p) => parties.get(p)?.members ?? []);
  if (members.length === 0) return current;
  if (members.every((m) => m.languages.includes(current))) return current;
  const counts = new Map<string, number>();
  for (const m of members) for (const l of new Set(m.languages)) counts.set(l, (counts.get(l) ?? 0) + 1);
  const shared = [...counts.entries()].filter(([, n]) => n === members.length).map(([l]) => l).sort();
  if (shared.length === 0) return current;
  return shared.includes('nl') ? 'nl' : shared[0]!;
}

function without(plan: StoredPlan, party: string): { plan: StoredPlan; from: string | null } {
  let from: string | null = null;
  const tables = plan.tables.map((t) => {
    if (!t.parties.includes(party)) return { ...t, parties: [...t.parties] };
    from = t.id;
    return { ...t, parties: t.parties.filter((p) => p !== party) };
  });
  return { plan: { tables, unseated: plan.unseated.filter((u) => u.party !== party), pinned: [...plan.pinned] }, from };
}

export type PlanEditError = 'unknown_household' | 'unknown_table' | 'same_household';

/**
 * Moves a household to a table (`null`: off the plan). The table's language is kept when the
 * newcomers speak it, else it becomes a language everyone there speaks (if there is one).
 */
export function moveParty(problem: TablesProblem, plan: StoredPlan, party: string, target: string | null): StoredPlan | PlanEditError {
  if (!problem.parties.some((p) => p.id === party)) return 'unknown_household';
  if (target !== null && !problem.tables.some((t) => t.id === target)) return 'unknown_table';
  const { plan: next } = without(plan, party);
  if (target === null) {
    next.unseated.push({ party, code: SET_ASIDE });
  } else {
    const existing = next.tables.find((t) => t.id === target);
    if (existing) {
      existing.parties.push(party);
      existing.language = tableLanguage(problem, existing.parties, existing.language);
    } else {
      next.tables.push({ id: target, language: tableLanguage(problem, [party], problem.parties.find((p) => p.id === party)!.members[0]?.languages[0] ?? 'nl'), parties: [party] });
    }
  }
  return tidy(problem, next);
}

/** Swaps two households between their tables (or a table and the unseated list). */
export function swapParties(problem: TablesProblem, plan: StoredPlan, a: string, b: string): StoredPlan | PlanEditError {
  if (a === b) return 'same_household';
  if (!problem.parties.some((p) => p.id === a) || !problem.parties.some((p) => p.id === b)) return 'unknown_household';
  const tableOf = (party: string) => plan.tables.find((t) => t.parties.includes(party))?.id ?? null;
  const tableA = tableOf(a);
  const tableB = tableOf(b);
  const first = moveParty(problem, plan, a, tableB);
  if (typeof first === 'string') return first;
  return moveParty(problem, first, b, tableA);
}

export function setPinned(plan: StoredPlan, party: string, pinned: boolean): StoredPlan {
  const set = new Set(plan.pinned);
  if (pinned) set.add(party);
  else set.delete(party);
  return { ...plan, pinned: [...set].sort() };
}

/** Empty tables leave the list; order follows the problem's table order. */
function tidy(problem: TablesProblem, plan: StoredPlan): StoredPlan {
  const order = new Map(problem.tables.map((t, i) => [t.id, i]));
  const tables = plan.tables.filter((t) => t.parties.length > 0).sort((x, y) => (order.get(x.id) ?? 0) - (order.get(y.id) ?? 0));
  const known = new Set(problem.parties.map((p) => p.id));
  return { tables, unseated: plan.unseated, pinned: plan.pinned.filter((p) => known.has(p) && tables.some((t) => t.parties.includes(p))) };
}

/**
 * Runs the engine. With pinned households from a previous plan (still in the problem and still
 * seated), runs it for the rest and merges, as described at the top of this file.
 */
export function solvePlan(problem: TablesProblem, previous: StoredPlan | null): { plan: StoredPlan; explanation: string[] } {
  const known = new Set(problem.parties.map((p) => p.id));
  const knownTables = new Set(problem.tables.map((t) => t.id));
  const pinnedTables = new Map<string, StoredTable>();
  for (const table of previous?.tables ?? []) {
    if (!knownTables.has(table.id)) continue;
    const pinnedHere = table.parties.filter((p) => previous!.pinned.includes(p) && known.has(p));
    if (pinnedHere.length > 0) pinnedTables.set(table.id, { id: table.id, language: table.language, parties: pinnedHere });
  }
  if (pinnedTables.size === 0) {
    const result = solveTables(problem);
    return { plan: fromEngineResult(result), explanation: result.explanation };
  }
  const pinnedParties = new Set([...pinnedTables.values()].flatMap((t) => t.parties));
  const reduced: TablesProblem = {
    ...problem,
    tables: problem.tables.filter((t) => !pinnedTables.has(t.id)),
    parties: problem.parties.filter((p) => !pinnedParties.has(p.id)),
  };
  const result = solveTables(reduced);
  const plan = fromEngineResult(result, [...pinnedParties]);
  // Fill the free seats of pinned tables with households the engine could not seat.
  const parties = partyMap(problem);
  const seats = new Map(problem.tables.map((t) => [t.id, t]));
  const size = (id: string) => parties.get(id)?.members.length ?? 0;
  const fixed = [...pinnedTables.values()].map((t) => ({ ...t, parties: [...t.parties] }));
  const waiting = [...plan.unseated].sort((x, y) => size(y.party) - size(x.party));
  const stillUnseated: StoredUnseated[] = [];
  for (const u of waiting) {
    const members = parties.get(u.party)?.members ?? [];
    const home = fixed.find((t) => {
      const spec = seats.get(t.id)!;
      const load = t.parties.reduce((sum, p) => sum + size(p), 0);
      return (
        load + members.length <= spec.seats &&
        members.every((m) => m.languages.includes(t.language)) &&
        members.every((m) => m.needsAccessibleSeat !== true || spec.accessible === true)
      );
    });
    if (home) home.parties.push(u.party);
    else stillUnseated.push(u);
  }
  const merged = tidy(problem, { tables: [...plan.tables, ...fixed], unseated: stillUnseated, pinned: [...pinnedParties].sort() });
  return { plan: merged, explanation: result.explanation };
}
