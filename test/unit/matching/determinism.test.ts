import { describe, expect, it } from 'vitest';
import { generateTablesProblem } from '../../../bench/support/matching-problems.ts';
import { solveGrouping } from '../../../src/features/matching/engine/grouping.ts';
import { solveTables } from '../../../src/features/matching/engine/tables.ts';
import { randomGroupingInstance } from './grouping-helpers.ts';

describe('determinism', () => {
  const problem = generateTablesProblem({ seed: 42, people: 120, tables: 20, minPerTable: 3 });

  it('gives the same table plan for the same seed', () => {
    const options = { seed: 9, maxRounds: 400, timeLimitMs: 60_000 };

    const first = solveTables({ ...problem, options });
    const second = solveTables({ ...problem, options });

    expect(second).toEqual(first);
  });

  it('reports the seed it used, so a plan can be reproduced from its result', () => {
    const result = solveTables({ ...problem, options: { seed: 31, maxRounds: 50 } });

    expect(result.search.seed).toBe(31);
  });

  it('explores differently for a different seed (plans may differ, rules still hold)', () => {
    const a = solveTables({ ...problem, options: { seed: 1, maxRounds: 200 } });
    const b = solveTables({ ...problem, options: { seed: 2, maxRounds: 200 } });

    expect(a.score.seatedPeople).toBe(b.score.seatedPeople);
    expect(JSON.stringify(a.tables)).not.toBe(JSON.stringify(b.tables));
  });

  it('gives the same grouping for the same seed when the iteration limit ends the run', () => {
    const instance = randomGroupingInstance(40, 4, 5);

    const first = solveGrouping(instance, { seed: 3, maxIterations: 300, timeLimitMs: 60_000 });
    const second = solveGrouping(instance, { seed: 3, maxIterations: 300, timeLimitMs: 60_000 });

    expect(Array.from(second.assignment)).toEqual(Array.from(first.assignment));
    expect(second.objective).toBe(first.objective);
  });
});
