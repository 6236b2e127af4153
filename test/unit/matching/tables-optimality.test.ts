import { describe, expect, it } from 'vitest';
import { generateTablesProblem } from '../../../bench/support/matching-problems.ts';
import { solveTables } from '../../../src/features/matching/engine/tables.ts';
import { findRuleBreaks } from '../../../src/features/matching/engine/verify.ts';
import { bruteForceOptimum } from './helpers.ts';

// Tiny varied problems (households, languages, accessible seats, history, minPerTable) small
// enough to enumerate every plan: (tables + 1) ^ parties ≤ 4^8.
const cases = Array.from({ length: 12 }, (_, k) => {
  const problem = generateTablesProblem({
    seed: 100 + k,
    people: 9 + (k % 4),
    tables: 3,
    seatsChoices: [3, 4, 5],
    minPerTable: 1 + (k % 3),
    accessibleTableShare: 0.4,
    accessibleNeedShare: 0.1,
    historyPerPerson: 1,
    maxHouseholdSize: 3,
    streets: 3,
  });
  return { name: `seed ${100 + k}: ${problem.parties.length} households, ${problem.tables.length} tables, minPerTable ${problem.minPerTable}`, problem };
}).filter(({ problem }) => problem.parties.length <= 8);

describe('tables mode: optimal on tiny problems (brute force)', () => {
  it.each(cases)('reaches the enumerated optimum ($name)', ({ problem }) => {
    const optimum = bruteForceOptimum(problem);

    const result = solveTables({ ...problem, options: { seed: 7, timeLimitMs: 60_000 } });

    expect(findRuleBreaks(problem, result)).toEqual([]);
    expect({
      seated: result.score.seatedPeople,
      sameBackground: result.score.sameBackgroundPairs,
      met: result.score.metBeforePairs,
      signals: result.score.signalPenalty,
    }).toEqual({ ...optimum, signals: expect.closeTo(optimum.signals, 6) });
  });
});
