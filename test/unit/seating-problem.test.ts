import { describe, expect, it } from 'vitest';
import { findRuleBreaks } from '../../src/features/matching/engine/verify.ts';
import { moveParty, ruleBreaks, setPinned, solvePlan, swapParties, toEnginePlan, type StoredPlan } from '../../src/features/matching/seating.plan.ts';
import { buildTablesProblem, comparableBackground, normaliseLanguages, type HouseholdInput } from '../../src/features/matching/seating.problem.ts';

function household(overrides: Partial<HouseholdInput> & { rsvpId: number; residentId: number }): HouseholdInput {
  return { people: 1, languages: ['nl'], street: '', background: null, needsAccessibleSeat: false, firstTime: false, ...overrides };
}

describe('building the table problem for a dinner', () => {
  it('makes one party per household, with the extra people sharing the household languages and no background', () => {
    const problem = buildTablesProblem({
      households: [household({ rsvpId: 7, residentId: 3, people: 3, languages: ['nl', 'tr'], background: 'turkish', street: 'Lindelaan' })],
      tables: [{ id: 11, seats: 8, accessible: true }],
      minTableSize: 2,
      maxTableSize: 8,
      history: [],
      seed: 1,
    });

    expect(problem.parties).toEqual([
      {
        id: 'h7',
        members: [
          { id: 'r3', languages: ['nl', 'tr'], street: 'Lindelaan', firstTime: false, background: 'turkish' },
          { id: 'r3.2', languages: ['nl', 'tr'], street: 'Lindelaan', firstTime: false },
          { id: 'r3.3', languages: ['nl', 'tr'], street: 'Lindelaan', firstTime: false },
        ],
      },
    ]);
    expect(problem.minPerTable).toBe(2);
    expect(problem.tables).toEqual([{ id: 't11', seats: 8, accessible: true }]);
  });

  it('caps table seats at the dinner maximum and passes an access need only for the resident who has it', () => {
    const problem = buildTablesProblem({
      households: [household({ rsvpId: 1, residentId: 1, people: 2, needsAccessibleSeat: true })],
      tables: [{ id: 2, seats: 12, accessible: false }],
      minTableSize: 4,
      maxTableSize: 6,
      history: [],
      seed: 1,
    });

    expect(problem.tables[0]!.seats).toBe(6);
    expect(problem.parties[0]!.members.map((m) => m.needsAccessibleSeat === true)).toEqual([true, false]);
  });

  it('turns earlier tables into met-before pairs of residents who are at this dinner, once each', () => {
    const problem = buildTablesProblem({
      households: [household({ rsvpId: 1, residentId: 1 }), household({ rsvpId: 2, residentId: 2 }), household({ rsvpId: 3, residentId: 3 })],
      tables: [],
      minTableSize: 2,
      maxTableSize: 8,
      history: [[1, 2, 99], [2, 1], [3, 98]],
      seed: 1,
    });

    expect(problem.metBefore).toEqual([['r1', 'r2']]);
  });

  it('reads languages as residents write them and adds the language of their mails', () => {
    expect(normaliseLanguages('Nederlands, Turks / english', 'tr')).toEqual(['en', 'nl', 'tr']);
    expect(normaliseLanguages('', 'pl')).toEqual(['pl']);
    expect(normaliseLanguages('Tigrinya en Arabisch', 'nl')).toEqual(['ar', 'nl', 'ti']);
  });

  it('never guesses a background: "prefer not to say" and an empty "other" do not count', () => {
    expect(comparableBackground('prefer_not', null)).toBeNull();
    expect(comparableBackground('other', '  ')).toBeNull();
    expect(comparableBackground('other', 'Kaapverdisch')).toBe('other:kaapverdisch');
    expect(comparableBackground('moroccan', null)).toBe('moroccan');
    expect(comparableBackground(null, null)).toBeNull();
  });
});

describe('changing a plan by hand', () => {
  const problem = buildTablesProblem({
    households: [
      household({ rsvpId: 1, residentId: 1, people: 2 }),
      household({ rsvpId: 2, residentId: 2, people: 2 }),
      household({ rsvpId: 3, residentId: 3, people: 2, languages: ['ar'] }),
      household({ rsvpId: 4, residentId: 4, people: 2, languages: ['ar', 'nl'] }),
    ],
    tables: [
      { id: 1, seats: 4, accessible: false },
      { id: 2, seats: 4, accessible: false },
    ],
    minTableSize: 2,
    maxTableSize: 8,
    history: [],
    seed: 1,
  });
  const plan: StoredPlan = {
    tables: [
      { id: 't1', language: 'nl', parties: ['h1', 'h2'] },
      { id: 't2', language: 'ar', parties: ['h3', 'h4'] },
    ],
    unseated: [],
    pinned: [],
  };

  it('starts from a legal plan', () => {
    expect(ruleBreaks(problem, plan)).toEqual([]);
  });

  it('reports a broken seat rule when a household joins a full table', () => {
    const moved = moveParty(problem, plan, 'h4', 't1') as StoredPlan;

    expect(findRuleBreaks(problem, toEnginePlan(problem, moved)).join(' ')).toContain('seats');
  });

  it('swaps two households between tables and reports who no longer shares the table language', () => {
    const swapped = swapParties(problem, plan, 'h2', 'h4') as StoredPlan;

    expect(swapped.tables.map((t) => [t.id, t.language, t.parties])).toEqual([
      ['t1', 'nl', ['h1', 'h4']],
      ['t2', 'ar', ['h3', 'h2']],
    ]);
    expect(ruleBreaks(problem, swapped).join(' ')).toContain('does not speak the table language');
  });

  it('refuses unknown households and tables', () => {
    expect(moveParty(problem, plan, 'h9', 't1')).toBe('unknown_household');
    expect(moveParty(problem, plan, 'h1', 't9')).toBe('unknown_table');
    expect(swapParties(problem, plan, 'h1', 'h1')).toBe('same_household');
  });

  it('keeps pinned households at their table when the engine runs again', () => {
    const pinned = setPinned(plan, 'h3', true);

    const { plan: again } = solvePlan(problem, pinned);

    expect(again.tables.find((t) => t.parties.includes('h3'))!.id).toBe('t2');
    expect(again.pinned).toEqual(['h3']);
    expect(ruleBreaks(problem, again)).toEqual([]);
  });
});
