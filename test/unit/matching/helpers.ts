/** Small builders for hand-made matching problems, and a brute-force optimum for tiny ones. */
import type { MemberSpec, PartySpec, TableSpec, TablesProblem } from '../../../src/features/matching/engine/types.ts';

let counter = 0;

export function person(overrides: Partial<MemberSpec> = {}): MemberSpec {
  counter++;
  return { id: `r${counter}`, languages: ['nl'], ...overrides };
}

export function household(id: string, ...members: MemberSpec[]): PartySpec {
  return { id, members };
}

export function table(id: string, seats: number, accessible = false): TableSpec {
  return accessible ? { id, seats, accessible } : { id, seats };
}

export function tablesProblem(parts: Partial<TablesProblem> & Pick<TablesProblem, 'tables' | 'parties'>): TablesProblem {
  return { mode: 'tables', ...parts, options: { seed: 1, timeLimitMs: 60_000, ...(parts.options ?? {}) } };
}

export interface Objective {
  seated: number;
  sameBackground: number;
  met: number;
  signals: number;
}

/**
 * Exhaustive optimum over every assignment of parties to tables or "unseated"
 * ((T + 1)^K plans; keep K·log(T + 1) small). Objective as in the issue, lexicographic.
 */
export function bruteForceOptimum(problem: TablesProblem): Objective {
  const T = problem.tables.length;
  const K = problem.parties.length;
  const min = problem.minPerTable ?? 1;
  const w = { street: 1, ageGroup: 1, firstTime: 1, ...(problem.weights ?? {}) };
  const met = new Set((problem.metBefore ?? []).map(([a, b]) => (a < b ? `${a}|${b}` : `${b}|${a}`)));
  const assign = new Array<number>(K).fill(T);
  let best: Objective | null = null;
  const better = (a: Objective, b: Objective): boolean =>
    a.seated !== b.seated ? a.seated > b.seated : a.sameBackground !== b.sameBackground ? a.sameBackground < b.sameBackground : a.met !== b.met ? a.met < b.met : a.signals < b.signals - 1e-9;
  const evaluate = (): void => {
    const obj: Objective = { seated: 0, sameBackground: 0, met: 0, signals: 0 };
    for (let t = 0; t < T; t++) {
      const parties = problem.parties.filter((_, k) => assign[k] === t);
      const people = parties.flatMap((p) => p.members.map((m) => ({ party: p.id, m })));
      if (people.length === 0) continue;
      if (people.length > problem.tables[t]!.seats || people.length < min) return;
      if (people.some(({ m }) => m.needsAccessibleSeat === true) && problem.tables[t]!.accessible !== true) return;
      const langs = people.map(({ m }) => m.languages).reduce((a, b) => a.filter((l) => b.includes(l)));
      if (langs.length === 0) return;
      obj.seated += people.length;
      for (let i = 0; i < people.length; i++) {
        for (let j = i + 1; j < people.length; j++) {
          const a = people[i]!;
          const b = people[j]!;
          if (a.party === b.party) continue;
          if (a.m.background !== undefined && a.m.background === b.m.background) obj.sameBackground++;
          if (met.has(a.m.id < b.m.id ? `${a.m.id}|${b.m.id}` : `${b.m.id}|${a.m.id}`)) obj.met++;
          if (a.m.street !== undefined && a.m.street === b.m.street) obj.signals += w.street;
          if (a.m.ageGroup !== undefined && a.m.ageGroup === b.m.ageGroup) obj.signals += w.ageGroup;
          if (a.m.firstTime === true && b.m.firstTime === true) obj.signals += w.firstTime;
        }
      }
    }
    if (best === null || better(obj, best)) best = obj;
  };
  const recurse = (k: number): void => {
    if (k === K) {
      evaluate();
      return;
    }
    for (let t = 0; t <= T; t++) {
      assign[k] = t;
      recurse(k + 1);
    }
  };
  recurse(0);
  return best ?? { seated: 0, sameBackground: 0, met: 0, signals: 0 };
}
