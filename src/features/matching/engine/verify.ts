/**
 * Independent check of a table plan against the hard rules. Used by tests and benchmarks to
 * audit the engine, and usable by the app to warn the moment an organiser's manual change
 * breaks a rule. Returns one sentence per broken rule (empty: the plan is legal).
 */
import type { TablesProblem, TablesResult } from './types.ts';

export function findRuleBreaks(problem: TablesProblem, plan: Pick<TablesResult, 'tables' | 'unseated'>): string[] {
  const breaks: string[] = [];
  const minPerTable = problem.minPerTable ?? 1;
  const tableSpec = new Map(problem.tables.map((t) => [t.id, t]));
  const partySpec = new Map(problem.parties.map((p) => [p.id, p]));
  const placed = new Map<string, string>();
  const usedTables = new Set<string>();

  for (const table of plan.tables) {
    const spec = tableSpec.get(table.id);
    if (!spec) {
      breaks.push(`table ${table.id} does not exist`);
      continue;
    }
    if (usedTables.has(table.id)) breaks.push(`table ${table.id} appears twice`);
    usedTables.add(table.id);
    const members: string[] = [];
    for (const partyId of table.parties) {
      const party = partySpec.get(partyId);
      if (!party) {
        breaks.push(`party ${partyId} at ${table.id} does not exist`);
        continue;
      }
      if (placed.has(partyId)) breaks.push(`party ${partyId} is placed twice`);
      placed.set(partyId, table.id);
      for (const m of party.members) {
        members.push(m.id);
        if (!m.languages.includes(table.language)) breaks.push(`${m.id} at ${table.id} does not speak the table language ${table.language}`);
        if (m.needsAccessibleSeat === true && spec.accessible !== true) breaks.push(`${m.id} needs an accessible seat but ${table.id} is not accessible`);
      }
    }
    // rule 1: the member list is exactly the members of the listed parties
    const listed = [...table.members].sort();
    if (listed.join('\u0000') !== [...members].sort().join('\u0000')) breaks.push(`members listed at ${table.id} do not match its parties`);
    if (members.length > spec.seats) breaks.push(`${table.id} holds ${members.length} people but has ${spec.seats} seats`);
    if (members.length > 0 && members.length < minPerTable) breaks.push(`${table.id} holds ${members.length} people, fewer than minPerTable ${minPerTable}`);
  }
  for (const u of plan.unseated) {
    if (!partySpec.has(u.party)) breaks.push(`unseated party ${u.party} does not exist`);
    if (placed.has(u.party)) breaks.push(`party ${u.party} is both seated and unseated`);
    if (!u.code || !u.reason) breaks.push(`unseated party ${u.party} has no reason`);
    placed.set(u.party, '');
  }
  for (const p of problem.parties) if (!placed.has(p.id)) breaks.push(`party ${p.id} is neither seated nor reported unseated`);
  return breaks;
}
