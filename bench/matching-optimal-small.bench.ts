/**
 * Benchmark a) optimal on small cases: varied problems of 16–32 people (households, several
 * languages with some people who speak no Dutch, accessible seats, histories, minPerTable
 * 1–4, loose and tight seating) solved by the engine and by an exact MIP (HiGHS). Prints the
 * share where the engine reaches the optimum on people seated and same-background pairs.
 * Target: ≥ 95 %.
 *
 *   node --import tsx bench/matching-optimal-small.bench.ts      (BENCH_QUICK=1: 5 problems)
 */
import { createRng } from '../src/features/matching/engine/random.ts';
import { solveTables } from '../src/features/matching/engine/tables.ts';
import { findRuleBreaks } from '../src/features/matching/engine/verify.ts';
import { loadHighs } from './support/highs-loader.ts';
import { solveTablesMip } from './support/matching-mip.ts';
import { generateTablesProblem } from './support/matching-problems.ts';

const quick = process.env.BENCH_QUICK === '1';
const count = quick ? 5 : 100;

const highs = await loadHighs();
const rng = createRng(2026);
let equal = 0;
let compared = 0;
let ruleBreaks = 0;
let engineMs = 0;
let mipMs = 0;
let evaluations = 0;
const stops = new Map<string, number>();
const misses: string[] = [];

for (let k = 0; k < count; k++) {
  const people = 16 + rng.int(17);
  const seatsChoices = [[4, 5, 6], [6, 8], [4, 6, 8], [5, 6, 7]][rng.int(4)]!;
  const avgSeats = seatsChoices.reduce((a, b) => a + b, 0) / seatsChoices.length;
  const seatRatio = 0.85 + rng.next() * 0.45; // from too few seats to plenty
  const problem = generateTablesProblem({
    seed: 5000 + k,
    people,
    tables: Math.max(2, Math.round((people * seatRatio) / avgSeats)),
    seatsChoices,
    minPerTable: 1 + rng.int(4),
    accessibleTableShare: 0.3,
    accessibleNeedShare: 0.08,
    historyPerPerson: 1.5,
    streets: 4,
  });
  let t0 = performance.now();
  const result = solveTables(problem);
  engineMs += performance.now() - t0;
  evaluations += result.search.evaluations;
  stops.set(result.search.stoppedBy, (stops.get(result.search.stoppedBy) ?? 0) + 1);
  if (findRuleBreaks(problem, result).length > 0) ruleBreaks++;
  t0 = performance.now();
  const optimum = solveTablesMip(highs, problem);
  mipMs += performance.now() - t0;
  if (optimum.status !== 'Optimal') {
    console.log(`problem ${k}: MIP status ${optimum.status}, skipped`);
    continue;
  }
  compared++;
  const same = result.score.seatedPeople === optimum.seated && result.score.sameBackgroundPairs === optimum.sameBackground;
  if (same) equal++;
  else misses.push(`#${k} (${people} people, ${problem.parties.length} households, ${problem.tables.length} tables, min ${problem.minPerTable}): engine seated ${result.score.seatedPeople} / bg ${result.score.sameBackgroundPairs}, optimum ${optimum.seated} / ${optimum.sameBackground}`);
}

const share = compared === 0 ? 0 : (100 * equal) / compared;
console.log('matching-optimal-small: engine vs exact MIP (HiGHS) on small tables problems');
console.log(`problems compared:            ${compared}`);
console.log(`engine equals optimum:        ${equal} (${share.toFixed(1)} %)   target >= 95 %`);
console.log(`plans breaking a hard rule:   ${ruleBreaks}`);
console.log(`engine time, mean per problem: ${(engineMs / count).toFixed(1)} ms`);
console.log(`engine effort, mean:           ${Math.round(evaluations / count)} evaluations; stopped by ${[...stops].map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`MIP time, mean per problem:    ${(mipMs / count).toFixed(1)} ms`);
for (const miss of misses) console.log(`  miss ${miss}`);
console.log(share >= 95 && ruleBreaks === 0 ? 'RESULT: PASS' : 'RESULT: BELOW TARGET');
