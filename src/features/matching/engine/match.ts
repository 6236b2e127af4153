/**
 * Entry point of the pure matching engine: a validated problem in, a result out.
 * Same problem (including options.seed) → same result, unless the time cap ends the search.
 */
import { solvePairs } from './pairs.ts';
import { solveTables } from './tables.ts';
import type { PairsResult, TablesResult } from './types.ts';
import type { MatchingProblem } from './validate.ts';

export type MatchingResult = TablesResult | PairsResult;

export function solveMatching(problem: MatchingProblem, clock?: () => number): MatchingResult {
  return problem.mode === 'tables' ? solveTables(problem, clock) : solvePairs(problem, clock);
}
