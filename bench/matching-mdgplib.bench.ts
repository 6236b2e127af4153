/**
 * Benchmark c) MDGPLIB: the grouping core on four standard maximally diverse grouping
 * instances at the literature's time limits (Lai & Hao 2016; Yang et al. 2022), printing
 * the gap to the best known objective. Targets: ≤ 0.3 % at n = 120 and 240, ≤ 0.5 % at n = 480.
 *
 * Instances are read from ../shared/bench/mdgplib/ beside the repository (CI clones the
 * repository with shared/ next to it).
 *
 *   node --import tsx bench/matching-mdgplib.bench.ts    (BENCH_QUICK=1: 0.5 s per instance)
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { groupingObjective, solveGrouping } from '../src/features/matching/engine/grouping.ts';
import { parseMdgpInstance } from '../src/features/matching/engine/mdgp-instance.ts';

const quick = process.env.BENCH_QUICK === '1';
const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dataDir = resolve(repoRoot, '../shared/bench/mdgplib');

const runs = [
  { name: 'RanReal_n120_ss_01', seconds: 3, target: 0.3 },
  { name: 'RanReal_n120_ds_01', seconds: 3, target: 0.3 },
  { name: 'RanReal_n240_ss_01', seconds: 20, target: 0.3 },
  { name: 'RanReal_n480_ss_01', seconds: 120, target: 0.5 },
];

function bestKnown(): Map<string, number> {
  const best = new Map<string, number>();
  const csv = resolve(dataDir, 'best_known_tpsdp.csv');
  for (const line of readFileSync(csv, 'utf8').split('\n').slice(1)) {
    const cells = line.split(',');
    if (cells.length > 5) best.set(cells[1]!, Number(cells[5]));
  }
  return best;
}

if (!existsSync(dataDir)) {
  console.log(`matching-mdgplib: ${dataDir} not found; place the shared benchmark data beside the repository`);
  process.exit(1);
}
const best = bestKnown();
console.log(`matching-mdgplib: grouping core vs best known (Yang et al. 2022)${quick ? ' — QUICK mode, 0.5 s per instance, gaps not comparable' : ''}`);
console.log('instance              n    limit   objective      best known     gap %   target');
let allPass = true;
for (const run of runs) {
  const instance = parseMdgpInstance(readFileSync(resolve(dataDir, 'instances', `${run.name}.txt`), 'utf8'));
  const seconds = quick ? 0.5 : run.seconds;
  const result = solveGrouping(instance, { seed: 1, timeLimitMs: seconds * 1000 });
  const objective = groupingObjective(instance, result.assignment);
  const sizesOk = Array.from({ length: instance.groupCount }, (_, g) => result.assignment.filter((x) => x === g).length).every(
    (size, g) => size >= instance.lower[g]! && size <= instance.upper[g]!,
  );
  const reference = best.get(run.name)!;
  const gap = (100 * (reference - objective)) / reference;
  const pass = sizesOk && gap <= run.target;
  allPass &&= pass;
  console.log(
    `${run.name.padEnd(20)} ${String(instance.n).padStart(4)} ${`${seconds}s`.padStart(7)} ${objective.toFixed(3).padStart(12)} ${reference.toFixed(3).padStart(14)} ${gap.toFixed(3).padStart(8)}   <= ${run.target}${sizesOk ? '' : '  SIZE BOUNDS BROKEN'}`,
  );
}
console.log(quick ? 'RESULT: QUICK (smoke run only)' : allPass ? 'RESULT: PASS' : 'RESULT: BELOW TARGET');
